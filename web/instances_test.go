package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/events"
	"arauto/internal/wavy"
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
	return e.twinWithHub(t, sharedDir, nil)
}

// twinWithHub is twin with the instance's own event hub.
func (e *testEnv) twinWithHub(t *testing.T, sharedDir string, hub *events.Hub) *testEnv {
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
	srv, err := New(Deps{Config: cfg, Store: e.store, Log: slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, nil)), Now: e.clock.now, WebhookSecret: testSecret, Hub: hub})
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

// TestImportProgressShownByEveryInstance: a list imported by one instance
// shows its progress, not "done", on a page served by another, which reads
// what the importing instance records in the store.
func TestImportProgressShownByEveryInstance(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Viewer)
	other := e.twin(t, e.srv.cfg.SharedDir)
	list := e.importingList(t, 400_000)
	b := e.browser(t).on(other)
	b.signIn("ana@example.com")
	if r := b.do("GET", fmt.Sprintf("/lists/%d", list.ID), nil); r.status != 200 || !strings.Contains(r.body, "/events") {
		t.Errorf("the list page on the other instance got %d, want 200 with its live progress", r.status)
	}
	base := other.serve(t)
	conn, r := openStream(t, base, fmt.Sprintf("/lists/%d/events", list.ID), b.cookies)
	defer conn.Close()
	if got := firstEvent(t, r); got != "progress" {
		t.Errorf("first event on the other instance got %q, want progress", got)
	}
}

// memoryRelay joins the hubs of instances in memory, as PostgreSQL's
// LISTEN/NOTIFY does between processes.
type memoryRelay struct {
	mu      *sync.Mutex
	members *[]chan relayed
	in      chan relayed
}

type relayed struct {
	topic string
	e     events.Event
}

func newRelays(n int) []*memoryRelay {
	mu, members := &sync.Mutex{}, &[]chan relayed{}
	var out []*memoryRelay
	for range n {
		r := &memoryRelay{mu: mu, members: members, in: make(chan relayed, 16)}
		*members = append(*members, r.in)
		out = append(out, r)
	}
	return out
}

func (r *memoryRelay) Send(_ context.Context, topic string, e events.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range *r.members {
		if m != r.in {
			m <- relayed{topic, e}
		}
	}
	return nil
}

func (r *memoryRelay) Receive(ctx context.Context, deliver func(string, events.Event)) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case m := <-r.in:
			deliver(m.topic, m.e)
		}
	}
}

// TestReportOnOneInstanceUpdatesFromAnother: a report page open on instance
// A gets fresh numbers as soon as instance B applies a delivery report,
// well before its own periodic refresh, through the relay between hubs.
func TestReportOnOneInstanceUpdatesFromAnother(t *testing.T) {
	e := newReportEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var hubs []*events.Hub
	for _, r := range newRelays(2) {
		h := events.NewRelayed(r, nil)
		go h.Listen(ctx)
		hubs = append(hubs, h)
	}
	a := e.twinWithHub(t, e.srv.cfg.SharedDir, hubs[0])
	e.twinWithHub(t, e.srv.cfg.SharedDir, hubs[1]) // instance B, which applies the report
	b := e.browser(t).on(a)
	b.signIn("viewer@example.com")
	conn, r := openStream(t, a.serve(t), e.path("/events"), b.cookies)
	defer conn.Close()
	if got := firstEvent(t, r); got != "report" {
		t.Fatalf("first event got %q, want report", got)
	}
	// Instance B stores and applies a delivery report for the second message.
	sent := e.clock.now().Add(2 * time.Second)
	st := wavy.SMSStatus{ID: "s2", CorrelationID: dispatch.CorrelationID(e.campaign.ID, e.msgIDs[1]), CarrierName: "OI", SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: sent,
		DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: sent.Add(time.Second)}
	if err := e.store.AppendEvent(ctx, &delivery.Event{Kind: delivery.KindSMSStatus, Items: 1, Body: mustJSONT(t, st)}); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := applyEvents(e.store)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	published := time.Now()
	hubs[1].Publish(fmt.Sprintf("campaign:%d", e.campaign.ID), eventsReport())
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("no new report frame on A: %v", err)
		}
		if strings.Contains(line, `data-figure="delivered">2<`) {
			break
		}
	}
	if took := time.Since(published); took >= reportRefresh*3/4 {
		t.Errorf("got the new numbers on A after %v, want them before its own refresh (%v) comes", took, reportRefresh)
	}
}
