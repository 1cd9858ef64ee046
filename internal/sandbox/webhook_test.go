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

// hookServer records webhook POSTs by path and fails the first failN of them.
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies map[string][]string
	calls  int
	failN  int
	status int
}

func newHookServer(t *testing.T, failN, status int) *hookServer {
	t.Helper()
	h := &hookServer{bodies: map[string][]string{}, failN: failN, status: status}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.calls++
		if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("webhook %s %s with Content-Type %q, want a JSON POST", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
		}
		if h.calls <= h.failN {
			w.WriteHeader(h.status)
			return
		}
		h.bodies[r.URL.Path] = append(h.bodies[r.URL.Path], string(b))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) got(path string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies[path]...)
}

func (h *hookServer) total() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, b := range h.bodies {
		n += len(b)
	}
	return n
}

// strictLoose decodes one webhook body into v, ignoring unknown fields.
func strictLoose(t *testing.T, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// strictDecode decodes one webhook body into v refusing unknown fields.
func strictDecode(t *testing.T, body string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

func TestSMSWebhooks(t *testing.T) {
	hooks := newHookServer(t, 0, 0)
	s := newTestSandbox(t, Options{
		Now: time.Now, StatusURL: hooks.URL + "/status", MOURL: hooks.URL + "/mo",
		ReplyRate: 1, Outcomes: Outcomes{Delivered: 1},
	})
	wantCode(t, call(t, s, "POST", "/api/v1/campaigns", `{"campaign":{"name":"c","alias":"promo"}}`), 201)
	vivo, oi := findNumber(t, carrierVivo, 0), findNumber(t, carrierOi, 0)
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", fmt.Sprintf(`{"messages":[
		{"destination":"%s","correlationId":"v1","extraInfo":"info"},
		{"destination":"%s","correlationId":"o1"}],
		"defaultValues":{"messageText":"oi"},"campaignAlias":"promo"}`, vivo, oi)), 200)
	// VIVO: callback + DLR; OI: callback only. Two MOs.
	waitFor(t, "3 status and 2 MO webhooks", func() bool {
		return len(hooks.got("/status")) == 3 && len(hooks.got("/mo")) == 2
	})
	msgs := s.Messages()
	var callbacks, dlrs int
	for _, body := range hooks.got("/status") {
		if strings.Contains(body, `"deliveredStatusCode"`) {
			dlrs++
			var d smsDeliveryReport
			strictDecode(t, body, &d)
			if d.ID != msgs[0].ID || d.CorrelationID != "v1" || d.CarrierID != 1 || d.CarrierName != "VIVO" ||
				d.SentStatusCode != 2 || d.DeliveredStatusCode != 4 || d.DeliveredStatus != "DELIVERED_SUCCESS" ||
				d.SentStatusDate != formatDate(d.SentStatusAt) || d.DeliveredDate != formatDate(d.DeliveredAt) ||
				d.CampaignID != 1 || d.ExtraInfo != "info" {
				t.Errorf("DLR = %+v", d)
			}
			if !strings.Contains(body, `"sentStatusAt"`) || !strings.Contains(body, `"campaignId":1`) {
				t.Errorf("DLR %s: want sentStatusAt and a numeric campaignId as in the seeds' example", body)
			}
			continue
		}
		callbacks++
		var c smsCallback
		strictDecode(t, body, &c)
		if c.SentStatusCode != 2 || c.SentStatus != "SENT_SUCCESS" || c.SentDate != formatDate(c.SentAt) || c.CampaignID != "1" {
			t.Errorf("callback = %+v", c)
		}
		if !strings.Contains(body, `"sentAt"`) || !strings.Contains(body, `"campaignId":"1"`) || !strings.Contains(body, `"extraInfo"`) {
			t.Errorf("callback %s: want sentAt, a string campaignId and extraInfo as in the seeds' example", body)
		}
	}
	if callbacks != 2 || dlrs != 1 {
		t.Errorf("got %d callbacks and %d DLRs, want 2 and 1 (no DLR for OI)", callbacks, dlrs)
	}
	for _, body := range hooks.got("/mo") {
		var mo smsMO
		strictDecode(t, body, &mo)
		if mo.MT == nil || (mo.MT.CorrelationID != "v1" && mo.MT.CorrelationID != "o1") || mo.CampaignAlias != "promo" || mo.ShortCode != ShortCode {
			t.Errorf("MO = %+v, want a reply linked to v1 or o1", mo)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if n := hooks.total(); n != 5 {
		t.Errorf("%d webhooks, want exactly 5", n)
	}
	if st := s.Ledger(); st.WebhookPosts != 5 || st.WebhookEvents != 5 || st.WebhookPending != 0 {
		t.Errorf("ledger = %+v, want 5 posts", st)
	}
}

func TestWhatsAppWebhooks(t *testing.T) {
	hooks := newHookServer(t, 0, 0)
	s := newTestSandbox(t, Options{
		Now: time.Now, WhatsAppURL: hooks.URL + "/wa", ReplyRate: 1, ReadRate: 1, Outcomes: Outcomes{Delivered: 1},
	})
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", `{"destinations":[{"correlationId":"w1","destination":"5519900001111"}],
		"message":{"template":{"namespace":"n","elementName":"e"}},"campaignAlias":"wa","defaultExtraInfo":"x"}`), 200)
	var statuses []waStatus
	var mos []waMO
	waitFor(t, "sent, delivered, read and an MO", func() bool {
		statuses, mos = nil, nil
		for _, body := range hooks.got("/wa") {
			if strings.Contains(body, `"userProfile"`) {
				var w waMOWebhook
				strictDecode(t, body, &w)
				if w.Total != len(w.Data) || w.ClientInfo.CustomerID != CustomerID {
					t.Errorf("MO webhook %s: bad total or clientInfo", body)
				}
				mos = append(mos, w.Data...)
				continue
			}
			var w waStatusWebhook
			strictDecode(t, body, &w)
			if w.Total != len(w.Data) || w.ClientInfo.CustomerID != CustomerID {
				t.Errorf("status webhook %s: bad total or clientInfo", body)
			}
			statuses = append(statuses, w.Data...)
		}
		return len(statuses) == 3 && len(mos) == 1
	})
	var sent, delivered, read bool
	for _, st := range statuses {
		if st.CorrelationID != "w1" || st.Origin != WhatsAppOrigin || st.Type != "MESSAGE" || !st.Sent || st.SentStatus != "SENT_SUCCESS" || st.CampaignAlias != "wa" || st.ExtraInfo != "x" {
			t.Errorf("status = %+v", st)
		}
		switch {
		case st.Read != nil:
			read = *st.Read && st.ReadAt >= st.DeliveredAt && st.UpdatedAt == st.ReadAt
		case st.Delivered != nil:
			delivered = *st.Delivered && st.DeliveredStatus == "DELIVERED_SUCCESS" && st.UpdatedAt == st.DeliveredAt
		default:
			sent = st.UpdatedAt == st.SentAt
		}
	}
	if !sent || !delivered || !read {
		t.Errorf("statuses %+v: sent %v delivered %v read %v, want all", statuses, sent, delivered, read)
	}
	mo := mos[0]
	if mo.Source != "5519900001111" || mo.CorrelationID != "w1" || mo.Message.Type != "TEXT" || mo.Message.MessageText == "" || mo.Session == nil || mo.UserProfile.Name == "" {
		t.Errorf("MO = %+v", mo)
	}
}

func TestWebhookRetries(t *testing.T) {
	tests := []struct {
		name        string
		failN       int
		status      int
		attempts    int
		wantPosts   int64
		wantDropped int64
	}{
		{"recovers after two 500s", 2, http.StatusInternalServerError, 6, 1, 0},
		{"recovers after a 404", 1, http.StatusNotFound, 6, 1, 0},
		{"gives up", 1000, http.StatusServiceUnavailable, 3, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hooks := newHookServer(t, tt.failN, tt.status)
			s := newTestSandbox(t, Options{Now: time.Now, StatusURL: hooks.URL + "/status", WebhookAttempts: tt.attempts, Outcomes: Outcomes{InvalidDestination: 1}})
			wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi","correlationId":"r"}`), 200)
			waitFor(t, "the webhook to be settled", func() bool {
				st := s.Ledger()
				return st.WebhookPosts+st.WebhookDropped == 1
			})
			st := s.Ledger()
			if st.WebhookPosts != tt.wantPosts || st.WebhookDropped != tt.wantDropped {
				t.Errorf("ledger = %+v, want %d posts and %d dropped", st, tt.wantPosts, tt.wantDropped)
			}
			wantFailures := int64(min(tt.failN, tt.attempts))
			if st.WebhookFailures != wantFailures {
				t.Errorf("failures = %d, want %d", st.WebhookFailures, wantFailures)
			}
			if got := len(hooks.got("/status")); int64(got) != tt.wantPosts {
				t.Errorf("server received %d callbacks, want %d", got, tt.wantPosts)
			}
		})
	}
}

func TestWebhookUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close() // nothing listens there any more
	s := newTestSandbox(t, Options{Now: time.Now, StatusURL: url, WebhookAttempts: 2})
	wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"}`), 200)
	waitFor(t, "the webhooks to be dropped", func() bool {
		st := s.Ledger()
		return st.WebhookDropped >= 1 && st.WebhookPending == 0
	})
}

func TestBackoff(t *testing.T) {
	tests := []struct {
		scale   float64
		attempt uint8
		want    time.Duration
	}{
		{0, 1, 10 * time.Millisecond},
		{0, 3, 40 * time.Millisecond},
		{1, 1, 10 * time.Second},
		{1, 4, 80 * time.Second},
		{1, 40, time.Hour},
	}
	for _, tt := range tests {
		s := &Sandbox{scale: tt.scale}
		if got := s.backoff(tt.attempt); got != tt.want {
			t.Errorf("backoff(scale %v, attempt %d) = %v, want %v", tt.scale, tt.attempt, got, tt.want)
		}
	}
}

func TestWebhookVolume(t *testing.T) {
	hooks := newHookServer(t, 0, 0)
	s := newTestSandbox(t, Options{Now: time.Now, StatusURL: hooks.URL + "/status", WhatsAppURL: hooks.URL + "/wa", ReplyRate: -1, ReadRate: -1})
	wantCode(t, call(t, s, "POST", "/v1/send-bulk-sms", bulkBody(1000, "vol")), 200)
	var dests strings.Builder
	for i := range 250 {
		if i > 0 {
			dests.WriteByte(',')
		}
		fmt.Fprintf(&dests, `{"destination":"55219%08d","correlationId":"wa%d"}`, i, i)
	}
	wantCode(t, call(t, s, "POST", "/v1/whatsapp/send", `{"destinations":[`+dests.String()+`],"message":{"template":{"namespace":"n","elementName":"e"}}}`), 200)
	var wantStatus int
	var wantWA int
	for _, m := range s.Messages() {
		n := 1
		if m.DeliveredStatusCode != 0 {
			n++
		}
		if m.Channel == "sms" {
			wantStatus += n
		} else {
			wantWA += n
		}
	}
	waitFor(t, "all webhooks", func() bool { return s.Ledger().WebhookEvents == int64(wantStatus+wantWA) })
	statusBodies := hooks.got("/status")
	if got := len(statusBodies); got != wantStatus {
		t.Errorf("%d SMS webhooks, want %d", got, wantStatus)
	}
	seen := map[string]bool{}
	for _, body := range statusBodies {
		var c struct {
			ID        string `json:"id"`
			Delivered *int   `json:"deliveredStatusCode"`
		}
		strictLoose(t, body, &c)
		if c.Delivered != nil && !seen[c.ID] {
			t.Errorf("DLR of %s arrived before its callback", c.ID)
		}
		seen[c.ID] = true
	}
	posts := hooks.got("/wa")
	var events int
	for _, body := range posts {
		var w waStatusWebhook
		strictDecode(t, body, &w)
		if w.Total > waBatch {
			t.Errorf("WhatsApp webhook with %d events, want at most %d", w.Total, waBatch)
		}
		events += w.Total
	}
	if events != wantWA || len(posts) >= wantWA {
		t.Errorf("WhatsApp: %d events in %d posts, want %d events batched", events, len(posts), wantWA)
	}
}
