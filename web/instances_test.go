package web

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/config"
	"arauto/internal/user"
)

// twin returns a second console instance over e's store and clock, with a
// data directory of its own and the given shared directory, as another
// machine behind the same load balancer would run.
func (e *testEnv) twin(t *testing.T, sharedDir string) *testEnv {
	t.Helper()
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "ARAUTO_DATA":
			return t.TempDir()
		case "ARAUTO_SHARED_DIR":
			return sharedDir
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxUploadBytes = 1 << 20
	logs := &strings.Builder{}
	srv, err := New(Deps{Config: cfg, Store: e.store, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)), Now: e.clock.now, WebhookSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{srv: srv, store: e.store, clock: e.clock, logs: logs}
}

// on returns a browser with b's cookies talking to instance e.
func (b *browser) on(e *testEnv) *browser {
	return &browser{t: b.t, env: e, cookies: b.cookies, csrf: b.csrf}
}

// TestSessionValidOnEveryInstance: a sign-in on one instance is a sign-in
// on another sharing the directory (and so the session key); one with a
// key of its own does not know the session.
func TestSessionValidOnEveryInstance(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("ana@example.com")
	tests := []struct {
		name   string
		shared string
		want   int
	}{
		{"instance sharing the directory", e.srv.cfg.SharedDir, 200},
		{"instance with a key of its own", t.TempDir(), 303},
	}
	for _, tt := range tests {
		other := e.twin(t, tt.shared)
		if r := b.on(other).do("GET", "/", nil); r.status != tt.want {
			t.Errorf("%s: got %d, want %d", tt.name, r.status, tt.want)
		}
	}
}

// TestLoginCountsSharedByInstances: guesses spread over two instances are
// counted together, so the sixth is slowed down wherever it lands.
func TestLoginCountsSharedByInstances(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Admin)
	other := e.twin(t, e.srv.cfg.SharedDir)
	b := e.browser(t)
	b.do("GET", "/login", nil)
	for i := 0; i < 5; i++ {
		on := b
		if i%2 == 1 {
			on = b.on(other)
		}
		if r := on.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"wrong password"}}); r.status != 401 {
			t.Fatalf("guess %d got %d, want 401", i, r.status)
		}
	}
	r := b.on(other).post("/login", url.Values{"email": {"ana@example.com"}, "password": {"password-ana@example.com"}})
	if r.status != 429 || !strings.Contains(r.body, "Muitas tentativas") {
		t.Errorf("right password on the other instance after 5 guesses got %d, want 429", r.status)
	}
}

// TestLoginTablesStayBounded: a flood of failures from ever new addresses
// leaves at most maxTracked counts behind.
func TestLoginTablesStayBounded(t *testing.T) {
	e := newTestServer(t)
	l := newLoginLimiter(e.store, "sign-in", e.clock.now)
	l.maxRows = 100 // maxTracked in production; the bound is the same code
	ctx := t.Context()
	for i := range 300 {
		if err := l.fail(ctx, "ana@example.com", fmt.Sprintf("10.0.%d.%d", i/250, i%250)); err != nil {
			t.Fatal(err)
		}
	}
	failures, _, err := e.store.LoginRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if failures > l.maxRows {
		t.Errorf("got %d failure counts kept, want at most %d", failures, l.maxRows)
	}
}
