package web

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/user"
	"arauto/store"
	"arauto/store/storetest"
)

// clock is an adjustable time source for session-expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

const testSecret = "test-webhook-secret-0123"

type testEnv struct {
	srv   *Server
	store *store.Store
	clock *clock
	logs  *strings.Builder
}

func newTestServer(t *testing.T) *testEnv {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		if k == "ARAUTO_DATA" {
			return t.TempDir()
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxUploadBytes = 1 << 20
	st := storetest.New(t)
	logs := &strings.Builder{}
	clk := &clock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	srv, err := New(Deps{Config: cfg, Store: st, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)), Now: clk.now, WebhookSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, store: st, clock: clk, logs: logs}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (e *testEnv) addUser(t *testing.T, email string, r user.Role) {
	t.Helper()
	hash, err := user.HashPassword("password-" + email)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.CreateUser(context.Background(), &user.User{Email: email, PasswordHash: hash, Role: r}); err != nil {
		t.Fatal(err)
	}
}

// browser keeps cookies and the last CSRF token, like a person's browser.
type browser struct {
	t       *testing.T
	env     *testEnv
	cookies map[string]string
	csrf    string
}

func (e *testEnv) browser(t *testing.T) *browser {
	return &browser{t: t, env: e, cookies: map[string]string{}}
}

var csrfRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

type result struct {
	status   int
	body     string
	location string
}

func (b *browser) do(method, path string, form url.Values, hdr ...string) result {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	if len(cs) > 0 {
		req.Header.Set("Cookie", strings.Join(cs, "; "))
	}
	resp, err := b.env.srv.App().Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return result{resp.StatusCode, string(raw), resp.Header.Get("Location")}
}

// post sends a form with the CSRF token of the last page seen.
func (b *browser) post(path string, form url.Values) result {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	return b.do("POST", path, form)
}

func (b *browser) signIn(email string) {
	b.t.Helper()
	b.do("GET", "/login", nil)
	r := b.post("/login", url.Values{"email": {email}, "password": {"password-" + email}})
	if r.status != http.StatusSeeOther {
		b.t.Fatalf("sign in %s got %d, want 303", email, r.status)
	}
}

func TestSetupGateAndHealth(t *testing.T) {
	e := newTestServer(t)
	b := e.browser(t)
	if r := b.do("GET", "/", nil); r.status != 303 || r.location != "/setup" {
		t.Errorf("GET / with no users got %d %q, want 303 /setup", r.status, r.location)
	}
	if r := b.do("GET", "/healthz", nil); r.status != 200 || !strings.Contains(r.body, `"status":"ok"`) {
		t.Errorf("healthz got %d %s, want 200 ok", r.status, r.body)
	}
	b.do("GET", "/setup", nil)
	r := b.post("/setup", url.Values{"email": {"x"}, "password": {"short"}, "password_confirm": {"short"}})
	if r.status != 422 || !strings.Contains(r.body, "Informe um e-mail válido") || !strings.Contains(r.body, "pelo menos 10 caracteres") {
		t.Errorf("bad setup got %d, want 422 with both field messages", r.status)
	}
	r = b.post("/setup", url.Values{"email": {"ana@example.com"}, "password": {"long enough pw"}, "password_confirm": {"long enough pw"}})
	if r.status != 303 || r.location != "/" {
		t.Fatalf("setup got %d %q, want 303 /", r.status, r.location)
	}
	if r := b.do("GET", "/", nil); r.status != 200 || !strings.Contains(r.body, "ana@example.com") {
		t.Errorf("dashboard after setup got %d, want 200 showing the admin", r.status)
	}
	if r := e.browser(t).do("GET", "/setup", nil); r.status != 303 || r.location != "/login" {
		t.Errorf("GET /setup after setup got %d %q, want 303 /login", r.status, r.location)
	}
}

func TestRoleChecks(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	e.addUser(t, "view@example.com", user.Viewer)
	role := url.Values{"role": {"admin"}}
	runHandlerTests(t, e, []handlerTest{
		{as: "", method: "GET", path: "/", want: 303, location: "/login"},
		{as: "", method: "GET", path: "/users", want: 303, location: "/login"},
		{as: "", method: "GET", path: "/campaigns", want: 303, location: "/login"},
		{as: "view@example.com", method: "GET", path: "/", want: 200},
		{as: "view@example.com", method: "GET", path: "/campaigns", want: 200},
		{as: "view@example.com", method: "GET", path: "/users", want: 403},
		{as: "view@example.com", method: "POST", path: "/users", form: role, want: 403},
		{as: "view@example.com", method: "POST", path: "/users/1/role", form: role, want: 403},
		{as: "mkt@example.com", method: "GET", path: "/users", want: 403},
		{as: "mkt@example.com", method: "POST", path: "/users/1/disabled", form: role, want: 403},
		{as: "admin@example.com", method: "GET", path: "/users", want: 200},
		{as: "admin@example.com", method: "GET", path: "/no/such/page", want: 404},
		{as: "admin@example.com", method: "GET", path: "/users/abc/role", want: 404},
	})
}

func TestCSRF(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("admin@example.com")
	b.do("GET", "/users", nil)
	tests := []struct {
		name  string
		token string
		want  int
	}{
		{"missing", "-", 403},
		{"wrong", "forged-token", 403},
		{"right", "", 303},
	}
	for _, tt := range tests {
		form := url.Values{"email": {"new-" + tt.name + "@example.com"}, "password": {"0123456789ab"}, "role": {"viewer"}}
		switch tt.token {
		case "-":
			form.Set("_csrf", "")
			r := b.do("POST", "/users", form)
			if r.status != tt.want {
				t.Errorf("%s token got %d, want %d", tt.name, r.status, tt.want)
			}
			continue
		case "":
		default:
			form.Set("_csrf", tt.token)
		}
		if r := b.post("/users", form); r.status != tt.want {
			t.Errorf("%s token got %d, want %d", tt.name, r.status, tt.want)
		}
	}
	// The header works too (htmx sends it).
	form := url.Values{"email": {"hdr@example.com"}, "password": {"0123456789ab"}, "role": {"viewer"}}
	if r := b.do("POST", "/users", form, "X-CSRF-Token", b.csrf); r.status != 303 {
		t.Errorf("header token got %d, want 303", r.status)
	}
	// Even the sign-in form needs the token (login CSRF).
	if r := e.browser(t).do("POST", "/login", url.Values{"email": {"admin@example.com"}}); r.status != 403 || !strings.Contains(r.body, "O formulário expirou") {
		t.Errorf("login without token got %d, want 403 with the expired-form message", r.status)
	}
}

func TestLoginThrottle(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Admin)
	b := e.browser(t)
	b.do("GET", "/login", nil)
	for i := 0; i < 5; i++ {
		if r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"wrong password"}}); r.status != 401 || !strings.Contains(r.body, "E-mail ou senha incorretos.") {
			t.Fatalf("attempt %d got %d, want 401 with the generic message", i, r.status)
		}
	}
	r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"password-ana@example.com"}})
	if r.status != 429 || !strings.Contains(r.body, "Muitas tentativas") {
		t.Errorf("right password while throttled got %d, want 429", r.status)
	}
	e.clock.add(16 * time.Minute)
	if r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"password-ana@example.com"}}); r.status != 303 {
		t.Errorf("after the window got %d, want 303", r.status)
	}
	// An unknown account gets the same answer as a wrong password.
	if r := e.browser(t); true {
		r.do("GET", "/login", nil)
		if got := r.post("/login", url.Values{"email": {"ghost@example.com"}, "password": {"whatever pw"}}); got.status != 401 || !strings.Contains(got.body, "E-mail ou senha incorretos.") {
			t.Errorf("unknown account got %d, want 401 with the generic message", got.status)
		}
	}
}

func TestSessionsEnd(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "bia@example.com", user.Marketer)
	ctx := context.Background()
	bia, _ := e.store.UserByEmail(ctx, "bia@example.com")

	b := e.browser(t)
	b.signIn("bia@example.com")
	if r := b.do("GET", "/", nil); r.status != 200 {
		t.Fatalf("signed in got %d, want 200", r.status)
	}
	e.clock.add(13 * time.Hour) // idle longer than sessionIdle
	if r := b.do("GET", "/", nil); r.status != 303 {
		t.Errorf("idle session got %d, want 303 to sign in", r.status)
	}
	if r := b.do("GET", "/login", nil); !strings.Contains(r.body, "Sua sessão expirou") {
		t.Errorf("sign-in page after expiry lacks the expiry message")
	}

	b.signIn("bia@example.com")
	if err := e.store.SetUserDisabled(ctx, bia.ID, true); err != nil {
		t.Fatal(err)
	}
	if r := b.do("GET", "/", nil); r.status != 303 {
		t.Errorf("disabled user's session got %d, want 303", r.status)
	}
	b.do("GET", "/login", nil)
	if r := b.post("/login", url.Values{"email": {"bia@example.com"}, "password": {"password-bia@example.com"}}); r.status != 401 {
		t.Errorf("disabled user sign-in got %d, want 401", r.status)
	}
}

func TestBadInputNeverCrashes(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("admin@example.com")
	// An oversized body is refused on the wire, before any handler.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.srv.Serve(ln)
	defer e.srv.Shutdown(context.Background())
	resp, err := http.Post("http://"+ln.Addr().String()+"/users", "application/x-www-form-urlencoded", strings.NewReader("email="+strings.Repeat("a", 3<<20)))
	if err == nil {
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("oversized body got %d, want 413", resp.StatusCode)
		}
	}
	if r := b.do("POST", "/users", nil, "Content-Type", "multipart/form-data; boundary=x"); r.status >= 500 {
		t.Errorf("malformed multipart got %d, want a 4xx", r.status)
	}
	if r := b.post("/users/999/role", url.Values{"role": {"admin"}}); r.status != 404 || !strings.Contains(r.body, "Página não encontrada") {
		t.Errorf("role of a missing user got %d, want the 404 page", r.status)
	}
	b.do("GET", "/users", nil)
	if r := b.post("/users/1/role", url.Values{"role": {"owner"}}); r.status != 303 {
		t.Errorf("unknown role got %d, want 303 with a flash", r.status)
	}
	if r := b.do("GET", "/users", nil); !strings.Contains(r.body, "Escolha um papel válido.") {
		t.Errorf("unknown role did not say why")
	}
	if r := b.post("/users/1/role", url.Values{"role": {"viewer"}}); r.status != 303 {
		t.Errorf("demoting the last admin got %d, want 303", r.status)
	}
	if r := b.do("GET", "/users", nil); !strings.Contains(r.body, "pelo menos um administrador ativo") {
		t.Errorf("demoting the last admin did not say why")
	}
	if r := b.do("GET", "/login?next=//evil.example.com", nil); r.status != 303 {
		t.Errorf("signed-in GET /login got %d, want 303", r.status)
	}
}

func TestPanicIsRecoveredAsErrorPage(t *testing.T) {
	e := newTestServer(t)
	e.srv.store = nil // healthz now dereferences nil: a real panic
	r := e.browser(t).do("GET", "/healthz", nil)
	if r.status != 500 {
		t.Errorf("panic got %d, want 500", r.status)
	}
	if !strings.Contains(r.body, "Algo deu errado") || strings.Contains(r.body, "goroutine") {
		t.Errorf("panic page got %q, want the 500 page without a stack", r.body[:min(200, len(r.body))])
	}
	if !strings.Contains(e.logs.String(), "msg=panic") || !strings.Contains(e.logs.String(), "request_id=") {
		t.Errorf("panic not logged with its request id: %s", e.logs.String())
	}
}

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"":                   "/",
		"/campaigns?page=2":  "/campaigns?page=2",
		"//evil.example.com": "/",
		"https://evil.com":   "/",
		"/\\evil.com":        "/",
		"/ok\r\nSet-Cookie:": "/",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) got %q, want %q", in, got, want)
		}
	}
}
