package wavy

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"
)

const (
	testUser  = "user@example.com"
	testToken = "tok-123"
)

// testNow is the clock every test client uses.
var testNow = time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)

// exchange pairs the request a test expects with the canned answer the fake
// provider gives to it.
type exchange struct {
	method string
	path   string
	// query is compared with the request's parsed query (nil means none).
	query url.Values
	// body is the expected JSON body, compared after decoding ("" = no body).
	body string

	status  int
	header  map[string]string
	respond string
}

// provider is a fake Wavy endpoint that checks requests against a script.
type provider struct {
	t    *testing.T
	srv  *httptest.Server
	mu   sync.Mutex
	want []exchange
	n    int
}

// newProvider starts an httptest.Server that expects the exchanges in order.
func newProvider(t *testing.T, want ...exchange) *provider {
	t.Helper()
	p := &provider{t: t, want: want}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *provider) serve(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	i := p.n
	p.n++
	p.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	if i >= len(p.want) {
		p.t.Errorf("unexpected request %d: %s %s", i+1, r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
		return
	}
	ex := p.want[i]
	checkRequest(p.t, i, r, body, ex)
	for k, v := range ex.header {
		w.Header().Set(k, v)
	}
	status := ex.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, ex.respond)
}

func checkRequest(t *testing.T, i int, r *http.Request, body []byte, ex exchange) {
	t.Helper()
	if r.Method != ex.method {
		t.Errorf("request %d: method = %s, want %s", i+1, r.Method, ex.method)
	}
	if r.URL.Path != ex.path {
		t.Errorf("request %d: path = %s, want %s", i+1, r.URL.Path, ex.path)
	}
	gotQuery := r.URL.Query()
	wantQuery := ex.query
	if wantQuery == nil {
		wantQuery = url.Values{}
	}
	if !reflect.DeepEqual(gotQuery, wantQuery) {
		t.Errorf("request %d: query = %v, want %v", i+1, gotQuery, wantQuery)
	}
	if got := r.Header.Get("UserName"); got != testUser {
		t.Errorf("request %d: UserName header = %q, want %q", i+1, got, testUser)
	}
	if got := r.Header.Get("AuthenticationToken"); got != testToken {
		t.Errorf("request %d: AuthenticationToken header = %q, want %q", i+1, got, testToken)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("request %d: Content-Type = %q, want application/json", i+1, got)
	}
	if ex.body == "" {
		if len(bytes.TrimSpace(body)) != 0 {
			t.Errorf("request %d: body = %s, want none", i+1, body)
		}
		return
	}
	if !jsonEqual(t, body, []byte(ex.body)) {
		t.Errorf("request %d: body = %s, want %s", i+1, body, ex.body)
	}
}

// requests returns how many requests the provider received.
func (p *provider) requests() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// jsonEqual compares two JSON documents by value.
func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Errorf("invalid JSON %s: %v", a, err)
		return false
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Errorf("invalid JSON %s: %v", b, err)
		return false
	}
	return reflect.DeepEqual(va, vb)
}

// newTestClient returns a client for the given servers (nil means a server
// that fails the test when called), with fast retries and no status limit.
func newTestClient(t *testing.T, api, apigw *httptest.Server, mod ...func(*Config)) *Client {
	t.Helper()
	cfg := Config{
		APIURL:                 urlOrTrap(t, api),
		APIGWURL:               urlOrTrap(t, apigw),
		Username:               testUser,
		Token:                  testToken,
		StatusQueriesPerSecond: -1,
		RequestsPerSecond:      -1,
		RetryBaseDelay:         time.Millisecond,
		RetryMaxDelay:          4 * time.Millisecond,
		Now:                    func() time.Time { return testNow },
	}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg)
}

func urlOrTrap(t *testing.T, s *httptest.Server) string {
	t.Helper()
	if s != nil {
		return s.URL
	}
	trap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request to the wrong host: %s %s", r.Method, r.URL)
		http.Error(w, "wrong host", http.StatusTeapot)
	}))
	t.Cleanup(trap.Close)
	return trap.URL
}

// readTestdata returns a file from testdata.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read testdata: %v", err)
	}
	return string(b)
}

// ctxT returns a context bounded by a generous timeout.
func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func ptr[T any](v T) *T { return &v }

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }
