package wavy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// endpoint is one client method reduced to its error, for the error matrix.
type endpoint struct {
	name  string
	safe  bool // retried by the client
	apigw bool
	call  func(ctx context.Context, c *Client) error
}

var endpoints = []endpoint{
	{"send-sms", false, false, func(ctx context.Context, c *Client) error {
		_, err := c.SendSMS(ctx, SMS{Destination: "5511900000000", MessageText: "oi"})
		return err
	}},
	{"send-sms-get", false, false, func(ctx context.Context, c *Client) error {
		_, err := c.SendSMSGet(ctx, SMS{Destination: "5511900000000", MessageText: "oi"})
		return err
	}},
	{"send-bulk-sms", false, false, func(ctx context.Context, c *Client) error {
		_, err := c.SendBulkSMS(ctx, BulkSMS{Messages: []BulkMessage{{Destination: "5511900000000", MessageText: "oi"}}})
		return err
	}},
	{"whatsapp-send", false, false, func(ctx context.Context, c *Client) error {
		_, err := c.SendWhatsApp(ctx, WhatsAppRequest{Destinations: []WhatsAppDestination{{Destination: "5511900000000"}}, Message: WhatsAppMessage{MessageText: "oi"}})
		return err
	}},
	{"campaign-create", false, true, func(ctx context.Context, c *Client) error {
		_, err := c.CreateCampaign(ctx, CampaignInput{Name: "n", Alias: "a"})
		return err
	}},
	{"campaign-update", false, true, func(ctx context.Context, c *Client) error {
		_, err := c.UpdateCampaign(ctx, 1, CampaignInput{Name: "n", Alias: "a"})
		return err
	}},
	{"campaign-delete", false, true, func(ctx context.Context, c *Client) error {
		return c.DeleteCampaign(ctx, 1)
	}},
	{"sms-status-search", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.SearchSMSStatus(ctx, StatusQuery{IDs: []string{"a"}})
		return err
	}},
	{"sms-status-list", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.ListSMSStatus(ctx)
		return err
	}},
	{"sms-mo-list", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.ListMO(ctx, "")
		return err
	}},
	{"sms-mo-search", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.SearchMO(ctx, MOSearch{SubAccount: "x"})
		return err
	}},
	{"carrier-lookup", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.LookupCarriers(ctx, []string{"5511900000000"})
		return err
	}},
	{"session", true, false, func(ctx context.Context, c *Client) error {
		_, err := c.OpenSessions(ctx, SessionQuery{CustomerID: 1})
		return err
	}},
	{"campaign-list", true, true, func(ctx context.Context, c *Client) error {
		_, err := c.ListCampaigns(ctx, "", 0, 0)
		return err
	}},
	{"campaign-get", true, true, func(ctx context.Context, c *Client) error {
		_, err := c.GetCampaign(ctx, 1)
		return err
	}},
}

// countingServer answers every request with the same response and counts them.
func countingServer(t *testing.T, handler http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handler(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func clientFor(t *testing.T, e endpoint, srv *httptest.Server, mod ...func(*Config)) *Client {
	t.Helper()
	if e.apigw {
		return newTestClient(t, nil, srv, mod...)
	}
	return newTestClient(t, srv, nil, mod...)
}

func TestErrorClasses(t *testing.T) {
	classes := []struct {
		label       string
		status      int
		contentType string
		body        string
		wantKind    error
		wantOutcome Outcome
		retryable   bool
	}{
		{"400", 400, "application/json", `{"errorCode":400,"errorMessage":"destination is invalid"}`, ErrRejected, Rejected, false},
		{"401", 401, "application/json", `{"message":"bad token"}`, ErrUnauthorized, Rejected, false},
		{"403", 403, "text/plain", "Forbidden", ErrUnauthorized, Rejected, false},
		{"404", 404, "text/html", "<html><body>Not Found</body></html>", ErrRejected, Rejected, false},
		{"405", 405, "", "", ErrRejected, Rejected, false},
		{"412", 412, "application/json", `{"error":"precondition failed"}`, ErrRejected, Rejected, false},
		{"400 naming NO_CREDIT", 400, "application/json", `{"errorCode":201,"errorMessage":"NO_CREDIT"}`, ErrAccountLimit, TryLater, false},
		{"402 naming the quota", 402, "text/plain", "customer_quota_blocked", ErrAccountLimit, TryLater, false},
		{"403 naming NO_CREDIT stays unauthorized", 403, "application/json", `{"message":"NO_CREDIT"}`, ErrUnauthorized, Rejected, false},
		{"429", 429, "application/json", `{"message":"too many requests"}`, ErrTryLater, TryLater, true},
		{"500", 500, "text/html", "<h1>Internal Server Error</h1>", ErrUnknownOutcome, Unknown, true},
		{"502", 502, "text/html", "Bad Gateway", ErrUnknownOutcome, Unknown, true},
		{"503", 503, "text/html", "<html>Service Unavailable</html>", ErrTryLater, TryLater, true},
		{"504", 504, "", "", ErrUnknownOutcome, Unknown, true},
		{"200 HTML", 200, "text/html", "<!DOCTYPE html><html><body>Login</body></html>", ErrBadResponse, Unknown, true},
		{"200 empty", 200, "application/json", "", ErrBadResponse, Unknown, true},
		{"200 garbage", 200, "application/json", "blargh{", ErrBadResponse, Unknown, true},
		{"200 wrong JSON type", 200, "application/json", `"just a string"`, ErrBadResponse, Unknown, true},
	}
	for _, e := range endpoints {
		for _, cl := range classes {
			if e.name == "campaign-delete" && cl.label == "200 empty" {
				continue // an empty 2xx body is a valid answer to DELETE
			}
			t.Run(e.name+"/"+cl.label, func(t *testing.T) {
				srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
					_, _ = io.Copy(io.Discard, r.Body)
					if cl.contentType != "" {
						w.Header().Set("Content-Type", cl.contentType)
					}
					w.WriteHeader(cl.status)
					_, _ = io.WriteString(w, cl.body)
				})
				c := clientFor(t, e, srv)
				err := e.call(ctxT(t), c)
				if !errors.Is(err, cl.wantKind) {
					t.Fatalf("error = %v, want %v", err, cl.wantKind)
				}
				if got := Classify(err); got != cl.wantOutcome {
					t.Errorf("Classify = %v, want %v", got, cl.wantOutcome)
				}
				var apiErr *APIError
				if !errors.As(err, &apiErr) {
					t.Fatalf("error %v is not an *APIError", err)
				}
				if apiErr.StatusCode != cl.status {
					t.Errorf("StatusCode = %d, want %d", apiErr.StatusCode, cl.status)
				}
				if apiErr.Op != e.name {
					t.Errorf("Op = %q, want %q", apiErr.Op, e.name)
				}
				want := int32(1)
				if e.safe && cl.retryable {
					want = 1 + DefaultMaxRetries
				}
				if got := n.Load(); got != want {
					t.Errorf("provider saw %d requests, want %d", got, want)
				}
			})
		}
	}
}

func TestAPIErrorDetails(t *testing.T) {
	long := strings.Repeat("x", 5000)
	cases := []struct {
		label       string
		status      int
		body        string
		retryAfter  string
		wantMessage string
		wantBodyLen int
		wantRetry   time.Duration
		wantText    string
	}{
		{"json errorMessage", 400, `{"errorCode":400,"errorMessage":"destination is invalid"}`, "", "destination is invalid", 57, 0,
			"wavy: send-sms: HTTP 400 Bad Request: destination is invalid"},
		{"nested status message", 412, `{"status":{"error":true,"message":"alias taken"}}`, "", "alias taken", 49, 0,
			"wavy: send-sms: HTTP 412 Precondition Failed: alias taken"},
		{"plain text first line", 403, "Forbidden\nmore", "", "Forbidden", 14, 0, "wavy: send-sms: HTTP 403 Forbidden: Forbidden"},
		{"html has no message", 404, "<html>nope</html>", "", "", 17, 0, "wavy: send-sms: HTTP 404 Not Found"},
		{"long body truncated", 429, long, "7", long[:200] + "…", maxErrorBody + len("…"), 7 * time.Second, ""},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				if tc.retryAfter != "" {
					w.Header().Set("Retry-After", tc.retryAfter)
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			c := newTestClient(t, srv, nil)
			_, err := c.SendSMS(ctxT(t), SMS{Destination: "5511900000000", MessageText: "oi"})
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("error = %v, want *APIError", err)
			}
			if apiErr.Message != tc.wantMessage {
				t.Errorf("Message = %q, want %q", apiErr.Message, tc.wantMessage)
			}
			if len(apiErr.Body) != tc.wantBodyLen {
				t.Errorf("len(Body) = %d, want %d", len(apiErr.Body), tc.wantBodyLen)
			}
			if apiErr.RetryAfter != tc.wantRetry {
				t.Errorf("RetryAfter = %v, want %v", apiErr.RetryAfter, tc.wantRetry)
			}
			if apiErr.Op != "send-sms" {
				t.Errorf("Op = %q, want send-sms", apiErr.Op)
			}
			if tc.wantText != "" && err.Error() != tc.wantText {
				t.Errorf("Error() = %q, want %q", err.Error(), tc.wantText)
			}
		})
	}
}

func TestTimeoutViaContext(t *testing.T) {
	for _, e := range []endpoint{endpoints[0], endpoints[8]} { // send-sms, status-list
		t.Run(e.name, func(t *testing.T) {
			release := make(chan struct{})
			srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-release:
				}
			})
			defer close(release)
			c := clientFor(t, e, srv)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			err := e.call(ctx, c)
			if !errors.Is(err, ErrUnknownOutcome) {
				t.Errorf("error = %v, want ErrUnknownOutcome", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want it to wrap context.DeadlineExceeded", err)
			}
			if got := n.Load(); got != 1 {
				t.Errorf("provider saw %d requests, want 1 (no retry after the deadline)", got)
			}
		})
	}
}

// hijack returns a handler that takes over the connection and runs f on it.
func hijack(t *testing.T, f func(conn net.Conn)) http.HandlerFunc {
	t.Helper()
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Errorf("response writer cannot hijack")
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		_ = buf.Flush()
		f(conn)
		_ = conn.Close()
	}
}

func TestDroppedConnection(t *testing.T) {
	drops := []struct {
		label string
		f     func(conn net.Conn)
	}{
		{"closed before answering", func(conn net.Conn) {}},
		{"closed mid-body", func(conn net.Conn) {
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"id\":\"9cb8")
		}},
		{"closed mid-headers", func(conn net.Conn) {
			_, _ = io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Ty")
		}},
	}
	for _, e := range []endpoint{endpoints[0], endpoints[3], endpoints[7], endpoints[13]} { // send-sms, whatsapp-send, status-search, campaign-list
		for _, d := range drops {
			t.Run(e.name+"/"+d.label, func(t *testing.T) {
				srv, n := countingServer(t, hijack(t, d.f))
				c := clientFor(t, e, srv)
				err := e.call(ctxT(t), c)
				if !errors.Is(err, ErrUnknownOutcome) {
					t.Fatalf("error = %v, want ErrUnknownOutcome", err)
				}
				if got := Classify(err); got != Unknown {
					t.Errorf("Classify = %v, want unknown", got)
				}
				want := int32(1)
				if e.safe {
					want = 1 + DefaultMaxRetries
				}
				if got := n.Load(); got != want {
					t.Errorf("provider saw %d requests, want %d", got, want)
				}
			})
		}
	}
}

func TestConnectionRefusedIsTryLater(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := "http://" + ln.Addr().String()
	_ = ln.Close()
	for _, e := range []endpoint{endpoints[0], endpoints[8]} {
		t.Run(e.name, func(t *testing.T) {
			c := New(Config{APIURL: addr, Username: testUser, Token: testToken, RetryBaseDelay: time.Millisecond, StatusQueriesPerSecond: -1})
			err := e.call(ctxT(t), c)
			if !errors.Is(err, ErrTryLater) {
				t.Fatalf("error = %v, want ErrTryLater (nothing was sent)", err)
			}
		})
	}
}

func TestRetryOnlySafeRequests(t *testing.T) {
	cases := []struct {
		label    string
		e        endpoint
		statuses []int
		wantErr  error
		wantN    int32
	}{
		{"safe read recovers after 503", endpoints[8], []int{503, 200}, nil, 2},
		{"safe read recovers after 500 and 429", endpoints[10], []int{500, 429, 200}, nil, 3},
		{"safe read gives up after MaxRetries", endpoints[12], []int{503, 503, 503, 503, 200}, ErrTryLater, 4},
		{"safe read does not retry a rejection", endpoints[11], []int{400, 200}, ErrRejected, 1},
		{"send is not retried on 503", endpoints[0], []int{503, 200}, ErrTryLater, 1},
		{"send is not retried on 500", endpoints[2], []int{500, 200}, ErrUnknownOutcome, 1},
		{"whatsapp send is not retried on 429", endpoints[3], []int{429, 200}, ErrTryLater, 1},
		{"campaign create is not retried", endpoints[4], []int{503, 200}, ErrTryLater, 1},
		{"campaign update is not retried", endpoints[5], []int{500, 200}, ErrUnknownOutcome, 1},
		{"campaign delete is not retried", endpoints[6], []int{503, 200}, ErrTryLater, 1},
		{"campaign get recovers", endpoints[14], []int{502, 200}, nil, 2},
	}
	okBodies := map[string]string{
		"sms-status-list": `[]`,
		"sms-mo-search":   `{"total":0,"messages":[]}`,
		"session":         `{"file_url":"https://x/y.csv"}`,
		"carrier-lookup":  `{"id":"x","destinations":[]}`,
		"campaign-get":    `{"status":{"error":false},"campaign":{"id":1,"name":"n","alias":"a"}}`,
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {})
			var i atomic.Int32
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				k := int(i.Add(1)) - 1
				n.Add(1)
				status := tc.statuses[min(k, len(tc.statuses)-1)]
				w.WriteHeader(status)
				if status == 200 {
					_, _ = io.WriteString(w, okBodies[tc.e.name])
				}
			})
			c := clientFor(t, tc.e, srv)
			err := tc.e.call(ctxT(t), c)
			if tc.wantErr == nil && err != nil {
				t.Fatalf("error = %v, want none", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("error = %v, want %v", err, tc.wantErr)
			}
			if got := n.Load(); got != tc.wantN {
				t.Errorf("provider saw %d requests, want %d", got, tc.wantN)
			}
		})
	}
}

func TestRetryConfiguration(t *testing.T) {
	cases := []struct {
		label      string
		maxRetries int
		wantN      int32
	}{
		{"default", 0, 1 + DefaultMaxRetries},
		{"disabled", -1, 1},
		{"one", 1, 2},
		{"five", 5, 6},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
			c := newTestClient(t, srv, nil, func(cfg *Config) { cfg.MaxRetries = tc.maxRetries })
			_, err := c.ListSMSStatus(ctxT(t))
			if !errors.Is(err, ErrTryLater) {
				t.Fatalf("error = %v, want ErrTryLater", err)
			}
			if got := n.Load(); got != tc.wantN {
				t.Errorf("provider saw %d requests, want %d", got, tc.wantN)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	t.Run("honoured", func(t *testing.T) {
		var i atomic.Int32
		srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			if i.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			_, _ = io.WriteString(w, `[]`)
		})
		c := newTestClient(t, srv, nil)
		start := time.Now()
		if _, err := c.ListSMSStatus(ctxT(t)); err != nil {
			t.Fatalf("ListSMSStatus: %v", err)
		}
		if d := time.Since(start); d < 900*time.Millisecond {
			t.Errorf("retried after %v, want at least the 1s Retry-After", d)
		}
	})
	t.Run("too long is left to the caller", func(t *testing.T) {
		srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		c := newTestClient(t, srv, nil)
		_, err := c.ListSMSStatus(ctxT(t))
		var apiErr *APIError
		if !errors.As(err, &apiErr) || apiErr.RetryAfter != 120*time.Second {
			t.Fatalf("error = %v, want an *APIError with RetryAfter 2m", err)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("provider saw %d requests, want 1", got)
		}
	})
	t.Run("beyond the context deadline", func(t *testing.T) {
		srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "5")
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		c := newTestClient(t, srv, nil)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := c.ListSMSStatus(ctx)
		if !errors.Is(err, ErrTryLater) {
			t.Fatalf("error = %v, want ErrTryLater", err)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("took %v, want an immediate return", d)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("provider saw %d requests, want 1", got)
		}
	})
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 10, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{"-1", 0},
		{"Fri, 10 May 2024 12:00:30 GMT", 30 * time.Second},
		{"Fri, 10 May 2024 11:00:00 GMT", 0},
		{"soon", 0},
	}
	for _, tc := range cases {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestBackoffBounds(t *testing.T) {
	c := New(Config{RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second})
	cases := []struct {
		attempt  int
		min, max time.Duration
	}{
		{0, 50 * time.Millisecond, 100 * time.Millisecond},
		{1, 100 * time.Millisecond, 200 * time.Millisecond},
		{2, 200 * time.Millisecond, 400 * time.Millisecond},
		{3, 400 * time.Millisecond, 800 * time.Millisecond},
		{4, 500 * time.Millisecond, time.Second},
		{30, 500 * time.Millisecond, time.Second},
	}
	for _, tc := range cases {
		for range 50 {
			if d := c.backoff(tc.attempt); d < tc.min || d > tc.max {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", tc.attempt, d, tc.min, tc.max)
			}
		}
	}
}

func TestLimiterConfiguration(t *testing.T) {
	cases := []struct {
		label                 string
		rps, status           float64
		wantLimit, wantStatus rate.Limit
		wantBurst, wantSBurst int
	}{
		{"defaults", 0, 0, 500, 1, 50, 1},
		{"custom", 100, 2, 100, 2, 10, 1},
		{"small rate keeps a burst of one", 5, 0.5, 5, 0.5, 1, 1},
		{"negative disables", -1, -1, rate.Inf, rate.Inf, 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.label, func(t *testing.T) {
			c := New(Config{RequestsPerSecond: tc.rps, StatusQueriesPerSecond: tc.status})
			if got := c.limiter.Limit(); got != tc.wantLimit {
				t.Errorf("limit = %v, want %v", got, tc.wantLimit)
			}
			if got := c.limiter.Burst(); got != tc.wantBurst {
				t.Errorf("burst = %d, want %d", got, tc.wantBurst)
			}
			if got := c.statusLimiter.Limit(); got != tc.wantStatus {
				t.Errorf("status limit = %v, want %v", got, tc.wantStatus)
			}
			if got := c.statusLimiter.Burst(); got != tc.wantSBurst {
				t.Errorf("status burst = %d, want %d", got, tc.wantSBurst)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := New(Config{APIURL: "https://api.example/ ", APIGWURL: " https://gw.example///", Username: "u", Token: "t"})
	checks := []struct {
		label     string
		got, want any
	}{
		{"api url", c.apiURL, "https://api.example"},
		{"apigw url", c.apigwURL, "https://gw.example"},
		{"retries", c.maxRetries, DefaultMaxRetries},
		{"retry base", c.retryBase, DefaultRetryBaseDelay},
		{"retry max", c.retryMax, DefaultRetryMaxDelay},
		{"http timeout", c.hc.Timeout, DefaultTimeout},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.label, ch.got, ch.want)
		}
	}
	d := New(Config{})
	if d.apiURL != DefaultAPIURL || d.apigwURL != DefaultAPIGWURL {
		t.Errorf("default URLs = %q, %q, want %q, %q", d.apiURL, d.apigwURL, DefaultAPIURL, DefaultAPIGWURL)
	}
}

func TestStatusRateLimitApplies(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `[]`) })
	c := newTestClient(t, srv, nil, func(cfg *Config) { cfg.StatusQueriesPerSecond = 20 })
	start := time.Now()
	for range 3 {
		if _, err := c.ListSMSStatus(ctxT(t)); err != nil {
			t.Fatalf("ListSMSStatus: %v", err)
		}
	}
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("3 status queries at 20/s took %v, want at least 100ms", d)
	}
	if got := n.Load(); got != 3 {
		t.Errorf("provider saw %d requests, want 3", got)
	}
}

// Other endpoints are not held by the status limit. The status budget is
// one query every two seconds, so three MO lists held by it would take two
// seconds or more whatever its burst; a loaded machine takes far less than
// that to run them free.
func TestStatusRateLimitLeavesOtherEndpoints(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `[]`) })
	c := newTestClient(t, srv, nil, func(cfg *Config) { cfg.StatusQueriesPerSecond = 0.5 })
	if _, err := c.ListSMSStatus(ctxT(t)); err != nil {
		t.Fatalf("ListSMSStatus: %v", err)
	}
	start := time.Now()
	for range 3 {
		if _, err := c.ListMO(ctxT(t), ""); !errors.Is(err, ErrBadResponse) {
			t.Fatalf("ListMO error = %v, want ErrBadResponse for []", err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("3 MO lists took %v, want no status throttling (2 s or more if held)", d)
	}
	if got := n.Load(); got != 1+3*(1+DefaultMaxRetries) {
		t.Errorf("provider saw %d requests, want %d", got, 1+3*(1+DefaultMaxRetries))
	}
}

func TestGeneralRateLimitApplies(t *testing.T) {
	srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `{"id":"x"}`) })
	c := newTestClient(t, srv, nil, func(cfg *Config) { cfg.RequestsPerSecond = 20 }) // burst 2
	start := time.Now()
	for range 4 {
		if _, err := c.SendSMS(ctxT(t), SMS{Destination: "5511900000000", MessageText: "oi"}); err != nil {
			t.Fatalf("SendSMS: %v", err)
		}
	}
	if d := time.Since(start); d < 90*time.Millisecond {
		t.Errorf("4 sends at 20/s with burst 2 took %v, want at least 100ms", d)
	}
}

func TestRateLimitWaitCutShort(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, `[]`) })
	c := newTestClient(t, srv, nil, func(cfg *Config) { cfg.StatusQueriesPerSecond = 0.1 })
	if _, err := c.ListSMSStatus(ctxT(t)); err != nil {
		t.Fatalf("first query: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := c.ListSMSStatus(ctx)
	if !errors.Is(err, ErrTryLater) {
		t.Errorf("error = %v, want ErrTryLater", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error = %v, want it to wrap context.DeadlineExceeded", err)
	}
	if got := n.Load(); got != 1 {
		t.Errorf("provider saw %d requests, want 1", got)
	}
}

// headerRecorder is a RoundTripper that keeps the last request.
type headerRecorder struct{ last *http.Request }

func (h *headerRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	h.last = r
	return &http.Response{StatusCode: 200, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(`{"id":"x"}`)), Request: r}, nil
}

func TestAuthHeadersSpelling(t *testing.T) {
	rec := &headerRecorder{}
	c := New(Config{APIURL: "https://api.test", Username: testUser, Token: testToken, HTTPClient: &http.Client{Transport: rec}})
	if _, err := c.SendSMS(ctxT(t), SMS{Destination: "5511900000000", MessageText: "oi"}); err != nil {
		t.Fatalf("SendSMS: %v", err)
	}
	checks := map[string]string{"UserName": testUser, "AuthenticationToken": testToken}
	for k, want := range checks {
		if got := rec.last.Header[k]; len(got) != 1 || got[0] != want {
			t.Errorf("header %q = %v, want [%s] with that exact spelling", k, got, want)
		}
	}
	if got := rec.last.URL.String(); got != "https://api.test/v1/send-sms" {
		t.Errorf("URL = %s, want https://api.test/v1/send-sms", got)
	}
}

func TestMissingCredentials(t *testing.T) {
	srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {})
	c := New(Config{APIURL: srv.URL})
	_, err := c.ListSMSStatus(ctxT(t))
	if !errors.Is(err, ErrUnauthorized) || Classify(err) != Rejected {
		t.Errorf("error = %v, want ErrUnauthorized and rejected", err)
	}
	if got := n.Load(); got != 0 {
		t.Errorf("provider saw %d requests, want 0", got)
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		err  error
		want Outcome
	}{
		{nil, OK},
		{ErrRejected, Rejected},
		{ErrInvalidRequest, Rejected},
		{&FieldError{Field: "x", Problem: "y"}, Rejected},
		{fmt.Errorf("wrapped: %w", ErrUnauthorized), Unknown}, // alone it is only a refinement
		{&APIError{kinds: kindsForStatus(401)}, Rejected},
		{&APIError{kinds: kindsForStatus(429)}, TryLater},
		{&APIError{kinds: kindsForStatus(408)}, TryLater},
		{&APIError{kinds: kindsForStatus(409)}, Rejected},
		{&APIError{kinds: kindsForStatus(500)}, Unknown},
		{&APIError{kinds: kindsForStatus(302)}, Unknown},
		{newBadResponse("x", 200, nil, "empty"), Unknown},
		{context.Canceled, Unknown},
		{errors.New("anything else"), Unknown},
	}
	for _, tc := range cases {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	names := map[Outcome]string{OK: "ok", Rejected: "rejected", TryLater: "try-later", Unknown: "unknown"}
	for o, want := range names {
		if got := o.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(o), got, want)
		}
	}
}
