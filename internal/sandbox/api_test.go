package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// endpoints lists one valid request per authenticated endpoint.
var endpoints = []struct{ method, path, body string }{
	{http.MethodPost, "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"}`},
	{http.MethodGet, "/v1/send-sms?destination=5511900000000&messageText=oi", ""},
	{http.MethodPost, "/v1/send-bulk-sms", `{"messages":[{"destination":"5511900000000"}],"defaultValues":{"messageText":"oi"}}`},
	{http.MethodPost, "/v1/sms/status/search", `{"ids":["918F3591-9AD6-11E7-9C9B-E255B01A8B1A"],"correlationIds":["2468"]}`},
	{http.MethodGet, "/v1/sms/status/list", ""},
	{http.MethodGet, "/v1/sms/receive/list", ""},
	{http.MethodGet, "/v1/sms/receive/search", ""},
	{http.MethodPost, "/v1/carrier/lookup", `{"destinations":["5519997712322"]}`},
	{http.MethodPost, "/v1/whatsapp/send", `{"destinations":[{"destination":"5519900001111"}],"message":{"messageText":"oi"}}`},
	{http.MethodGet, "/v1/session?customerId=42", ""},
	{http.MethodGet, "/api/v1/campaigns", ""},
	{http.MethodPost, "/api/v1/campaigns", `{"campaign":{"name":"c","alias":"c"}}`},
	{http.MethodGet, "/api/v1/campaign/1", ""},
}

func TestAuthentication(t *testing.T) {
	creds := []struct {
		name, user, token string
		want              int
	}{
		{"no headers", "", "", http.StatusUnauthorized},
		{"no token", DefaultUsername, "", http.StatusUnauthorized},
		{"wrong token", DefaultUsername, "nope", http.StatusUnauthorized},
		{"wrong user", "other", DefaultToken, http.StatusUnauthorized},
	}
	for _, ep := range endpoints {
		for _, c := range creds {
			t.Run(ep.method+" "+ep.path+" "+c.name, func(t *testing.T) {
				s := newTestSandbox(t, Options{})
				rec := callAs(t, s, ep.method, ep.path, ep.body, c.user, c.token)
				wantCode(t, rec, c.want)
				if s.Ledger().Accepted != 0 {
					t.Errorf("accepted messages without credentials")
				}
			})
		}
		t.Run(ep.method+" "+ep.path+" ok", func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, ep.method, ep.path, ep.body)
			if rec.Code == http.StatusUnauthorized || rec.Code >= 500 {
				t.Errorf("status = %d with good credentials; body %s", rec.Code, rec.Body.String())
			}
		})
	}
}

func TestAuthenticationVariants(t *testing.T) {
	s := newTestSandbox(t, Options{Username: "ops@example.com", Token: "t0k3n"})
	tests := []struct {
		name string
		req  func() *http.Request
		want int
	}{
		{"lower-case headers", func() *http.Request {
			r := httptest.NewRequest("POST", "/v1/send-sms", strings.NewReader(`{"destination":"5511900000000","messageText":"oi"}`))
			// Sent as "username" and "authenticationtoken": net/http
			// canonicalises incoming header names to these.
			r.Header = http.Header{"Username": {"ops@example.com"}, "Authenticationtoken": {"t0k3n"}}
			return r
		}, 200},
		{"GET with credentials in the query", func() *http.Request {
			return httptest.NewRequest("GET", "/v1/send-sms?destination=5511900000000&messageText=oi&username=ops@example.com&authenticationToken=t0k3n", nil)
		}, 200},
		{"POST with credentials in the query", func() *http.Request {
			return httptest.NewRequest("POST", "/v1/send-sms?username=ops@example.com&authenticationToken=t0k3n", strings.NewReader(`{"destination":"5511900000000","messageText":"oi"}`))
		}, 401},
		{"default credentials refused", func() *http.Request {
			r := httptest.NewRequest("GET", "/v1/sms/status/list", nil)
			r.Header.Set("UserName", DefaultUsername)
			r.Header.Set("AuthenticationToken", DefaultToken)
			return r
		}, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, tt.req())
			wantCode(t, rec, tt.want)
		})
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	tests := []struct {
		method, path string
		want         int
		allow        string
	}{
		{http.MethodGet, "/", 404, ""},
		{http.MethodGet, "/v1/nope", 404, ""},
		{http.MethodPost, "/v2/send-sms", 404, ""},
		{http.MethodGet, "/api/v1/nope", 404, ""},
		{http.MethodGet, "/api/v1/campaigns/1/extra", 404, ""},
		{http.MethodDelete, "/v1/send-sms", 405, "GET, POST"},
		{http.MethodGet, "/v1/send-bulk-sms", 405, "POST"},
		{http.MethodGet, "/v1/sms/status/search", 405, "POST"},
		{http.MethodPost, "/v1/sms/status/list", 405, "GET"},
		{http.MethodPost, "/v1/sms/receive/list", 405, "GET"},
		{http.MethodGet, "/v1/carrier/lookup", 405, "POST"},
		{http.MethodGet, "/v1/whatsapp/send", 405, "POST"},
		{http.MethodPost, "/v1/session", 405, "GET"},
		{http.MethodDelete, "/api/v1/campaigns", 405, "GET, POST"},
		{http.MethodPatch, "/api/v1/campaigns/1", 405, "GET, PUT, DELETE"},
		{http.MethodPut, "/api/v1/campaign/1", 405, "GET"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			s := newTestSandbox(t, Options{})
			rec := call(t, s, tt.method, tt.path, "")
			wantCode(t, rec, tt.want)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
			if strings.HasPrefix(tt.path, "/api/") {
				var e campaignResponse
				decodeBody(t, rec, &e)
				if !e.Status.Error {
					t.Errorf("status.error = false, want true")
				}
			} else {
				var e apiError
				decodeBody(t, rec, &e)
				if e.ErrorCode != tt.want {
					t.Errorf("errorCode = %d, want %d", e.ErrorCode, tt.want)
				}
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	clock := newFakeClock()
	s := New(Options{Now: clock.Now, RateLimit: 5})
	defer s.Close()
	for i := range 5 {
		if rec := call(t, s, "GET", "/v1/sms/receive/list", ""); rec.Code != 200 {
			t.Fatalf("request %d: status %d, want 200", i, rec.Code)
		}
	}
	rec := call(t, s, "GET", "/v1/sms/receive/list", "")
	wantCode(t, rec, http.StatusTooManyRequests)
	other := httptest.NewRequest("GET", "/v1/sms/receive/list", nil)
	other.RemoteAddr = "198.51.100.7:4000"
	other.Header.Set("UserName", DefaultUsername)
	other.Header.Set("AuthenticationToken", DefaultToken)
	orec := httptest.NewRecorder()
	s.ServeHTTP(orec, other)
	wantCode(t, orec, http.StatusOK) // limits are per IP
	clock.Advance(time.Second)
	wantCode(t, call(t, s, "GET", "/v1/sms/receive/list", ""), http.StatusOK)
	if got := s.Ledger().RateLimited; got != 1 {
		t.Errorf("RateLimited = %d, want 1", got)
	}
}

func TestStatusQueryRateLimit(t *testing.T) {
	clock := newFakeClock()
	s := New(Options{Now: clock.Now})
	defer s.Close()
	search := `{"ids":["918f3591-9ad6-11e7-9c9b-e255b01a8b1a"]}`
	wantCode(t, call(t, s, "POST", "/v1/sms/status/search", search), 200)
	wantCode(t, call(t, s, "POST", "/v1/sms/status/search", search), 429)
	wantCode(t, call(t, s, "GET", "/v1/sms/status/list", ""), 429) // one budget for status queries
	wantCode(t, call(t, s, "POST", "/v1/send-sms", `{"destination":"5511900000000","messageText":"oi"}`), 200)
	clock.Advance(time.Second)
	wantCode(t, call(t, s, "GET", "/v1/sms/status/list", ""), 200)
	clock.Advance(500 * time.Millisecond)
	wantCode(t, call(t, s, "POST", "/v1/sms/status/search", search), 429)
}
