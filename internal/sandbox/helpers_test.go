package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 3, 12, 15, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// newTestSandbox returns a sandbox with immediate delays, no limits and a
// frozen clock unless opts says otherwise, closed at the end of the test.
func newTestSandbox(t *testing.T, opts Options) *Sandbox {
	t.Helper()
	if opts.Now == nil {
		opts.Now = newFakeClock().Now
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = -1
	}
	if opts.StatusQueryRate == 0 {
		opts.StatusQueryRate = -1
	}
	s := New(opts)
	t.Cleanup(s.Close)
	return s
}

// call serves one request with the default credentials.
func call(t *testing.T, h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	return callAs(t, h, method, path, body, DefaultUsername, DefaultToken)
}

func callAs(t *testing.T, h http.Handler, method, path, body, user, token string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if user != "" {
		req.Header.Set("UserName", user)
	}
	if token != "" {
		req.Header.Set("AuthenticationToken", token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// decodeBody decodes a JSON answer strictly into v.
func decodeBody(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(rec.Body.String()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %q: %v", rec.Body.String(), err)
	}
}

// wantCode fails the test unless the answer has the given status.
func wantCode(t *testing.T, rec *httptest.ResponseRecorder, want int) {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, want, rec.Body.String())
	}
}

// findNumber returns a Brazilian mobile number of the given carrier.
func findNumber(t *testing.T, carrier uint8, from int) string {
	t.Helper()
	for i := from; i < from+2_000_000; i++ {
		n := fmt.Sprintf("55119%08d", i)
		if carrierFor(n) == carrier {
			return n
		}
	}
	t.Fatalf("no number of carrier %d found", carrier)
	return ""
}

// bulkBody builds a send-bulk-sms body of n messages.
func bulkBody(n int, prefix string) string {
	var b strings.Builder
	b.WriteString(`{"messages":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"destination":"55119%08d","correlationId":"%s-%d"}`, i, prefix, i)
	}
	b.WriteString(`],"defaultValues":{"messageText":"Promoção de outono: 20% off"}}`)
	return b.String()
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
