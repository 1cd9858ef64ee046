package smppsender_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/smppsender"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/sandbox"
	"arauto/internal/schedule"
	"arauto/internal/smpp/esme"
	"arauto/internal/sms"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/store/storetest"
)

const (
	user = "arauto"
	pass = "s3cret"
)

// rig is a real outbox (SQLite), the sandbox serving HTTPS and SMPP, an
// SMPP client for sending and a Wavy client for the status search.
type rig struct {
	t      testing.TB
	st     *store.Store
	sb     *sandbox.Sandbox
	https  *wavy.Client
	client *esme.Client
	campID int64
	n      int
}

func newRig(t testing.TB, n int, opts sandbox.Options, cfg esme.Config) *rig {
	t.Helper()
	opts.Seed, opts.Username, opts.Token = 3, user, pass
	opts.RateLimit, opts.StatusQueryRate, opts.ReplyRate = -1, -1, -1
	sb := sandbox.New(opts)
	srv := httptest.NewServer(sb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- sb.ServeSMPP(ln) }()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	cfg.Host, cfg.SystemID = host, user
	cfg.Port, _ = strconv.Atoi(port)
	if cfg.Password == "" {
		cfg.Password = pass
	}
	cfg.ReconnectMin, cfg.ReconnectMax = 10*time.Millisecond, 100*time.Millisecond
	if cfg.ResponseTimeout == 0 {
		cfg.ResponseTimeout = 2 * time.Second
	}
	client, err := esme.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		client.Close()
		srv.Close()
		sb.Close()
		<-served
	})
	r := &rig{t: t, st: storetest.New(t), sb: sb, client: client, n: n,
		https: wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: user, Token: pass, RequestsPerSecond: -1, StatusQueriesPerSecond: -1})}
	r.seed()
	return r
}

func phone(i int) string { return fmt.Sprintf("55119%08d", i) }

func (r *rig) seed() {
	ctx := context.Background()
	l := &recipient.List{Name: "smpp", FileName: "x.csv"}
	if err := r.st.CreateList(ctx, l); err != nil {
		r.t.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, r.n)
	for i := 0; i < r.n; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: phone(i), Fields: []string{fmt.Sprintf("Cliente %d", i)}})
	}
	if err := r.st.AddRecipients(ctx, l.ID, batch); err != nil {
		r.t.Fatal(err)
	}
	if err := r.st.FinishListImport(ctx, l.ID, recipient.Report{Rows: r.n, Valid: r.n, Columns: []string{"nome"}}); err != nil {
		r.t.Fatal(err)
	}
	c := &campaign.Campaign{Name: "SMPP", Alias: "smpp", Channel: campaign.SMS, ListID: l.ID,
		Message: "Olá {{nome}}, temos ofertas!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := r.st.CreateCampaign(ctx, c); err != nil {
		r.t.Fatal(err)
	}
	r.campID = c.ID
}

// compile is the dispatcher's SMS rendering, under the default billing
// rule.
var compile = dispatch.SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Default, nil })

// sender is the Sender under test; lookup wires the HTTPS status search.
func (r *rig) sender(lookup bool) smppsender.Sender {
	s := smppsender.Sender{Client: func(context.Context) (*esme.Client, error) { return r.client, nil }, BindWait: 2 * time.Second}
	if lookup {
		s.Lookup = wavysender.New(func(context.Context) (*wavy.Client, error) { return r.https, nil }, wavysender.Config{}).Find
	}
	return s
}

func (r *rig) worker(s dispatch.Sender) *dispatch.Worker {
	cfg := dispatch.Config{Compile: compile, BatchSize: 100, PollInterval: 10 * time.Millisecond,
		ReconcileAfter: 200 * time.Millisecond, RetryBackoff: 5 * time.Millisecond}
	return dispatch.New(r.st, s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// run runs a worker until the campaign leaves running, or fails the test.
func (r *rig) run(w *dispatch.Worker, limit time.Duration) *campaign.Campaign {
	r.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); w.Run(ctx) }()
	defer func() { cancel(); wg.Wait() }()
	start := time.Now()
	for time.Since(start) < limit {
		c, err := r.st.CampaignByID(context.Background(), r.campID)
		if err != nil {
			r.t.Fatal(err)
		}
		if c.State == campaign.Completed || c.State == campaign.Paused {
			return c
		}
		time.Sleep(5 * time.Millisecond)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	r.t.Fatalf("campaign not done in %s; counts %v", limit, counts)
	return nil
}

func (r *rig) firstMessageID() int64 {
	var id int64 = 1<<62 - 1
	for _, m := range r.sb.Messages() {
		if _, mid, ok := dispatch.ParseCorrelationID(m.CorrelationID); ok && mid < id {
			id = mid
		}
	}
	return id
}

// checkExactlyOnce asserts every recipient reached the SMSC exactly once
// with the rendered text, and the outbox agrees.
func (r *rig) checkExactlyOnce() {
	r.t.Helper()
	counts, err := r.st.CampaignCounts(context.Background(), r.campID)
	if err != nil {
		r.t.Fatal(err)
	}
	if counts["accepted"] != int64(r.n) || counts["queued"] != 0 || counts["submitting"] != 0 {
		r.t.Errorf("counts got %v, want %d accepted", counts, r.n)
	}
	first := r.firstMessageID()
	twice, never := 0, 0
	for i := 0; i < r.n; i++ {
		switch got := r.sb.SentCount(dispatch.CorrelationID(r.campID, first+int64(i))); {
		case got > 1:
			twice++
		case got < 1:
			never++
		}
	}
	if twice > 0 || never > 0 {
		r.t.Errorf("sandbox ledger: %d messages sent more than once, %d never (of %d)", twice, never, r.n)
	}
	for _, m := range r.sb.Messages() {
		if !strings.HasPrefix(m.Text, "Olá Cliente ") {
			r.t.Fatalf("sandbox got text %q, want the rendered message", m.Text)
		}
	}
}

func TestExactlyOnceOverSMPP(t *testing.T) {
	unlimited := esme.Config{Rate: -1}
	drops := func(r *rig) bool { return r.sb.SMPPStats().Drops > 0 && r.client.Stats().Drops > 0 }
	timeouts := func(r *rig) bool { return r.client.Stats().Timeouts > 0 }
	throttled := func(r *rig) bool { return r.client.Stats().Throttled > 0 }
	tests := []struct {
		name string
		n    int
		opts sandbox.Options
		cfg  esme.Config
		bit  func(r *rig) bool // the fault happened
	}{
		{"clean, at the seeds' 4 x 80 a second", 640, sandbox.Options{}, esme.Config{}, func(r *rig) bool { return r.sb.SMPPStats().Throttled == 0 }},
		{"drop mid-window", 1000, sandbox.Options{SMPPRate: -1, Faults: sandbox.Faults{SMPPDropRate: 0.02}}, unlimited, drops},
		// Every answer comes after the client gave up on it: every outcome
		// is unknown and reconciliation finds them all.
		{"answers slower than the response timeout", 120, sandbox.Options{SMPPRate: -1, Faults: sandbox.Faults{SMPPRespDelay: 120 * time.Millisecond}},
			esme.Config{Rate: -1, ResponseTimeout: 40 * time.Millisecond}, timeouts},
		{"injected throttling", 300, sandbox.Options{SMPPRate: -1, Faults: sandbox.Faults{SMPPThrottleRate: 0.2}}, unlimited, throttled},
		{"the SMSC's own rate limit", 400, sandbox.Options{SMPPRate: 100}, unlimited, throttled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, tc.n, tc.opts, tc.cfg)
			if c := r.run(r.worker(r.sender(true)), 60*time.Second); c.State != campaign.Completed {
				t.Fatalf("campaign ended %s (%s)", c.State, c.LastError)
			}
			r.checkExactlyOnce()
			if !tc.bit(r) {
				t.Errorf("the condition under test did not happen: client %+v, server %+v", r.client.Stats(), r.sb.SMPPStats())
			}
		})
	}
}

// A crash leaves claimed rows "submitting", some of them at the SMSC: a
// new worker looks them up first and sends only the others.
func TestRestartAfterCrashReconcilesOverSMPP(t *testing.T) {
	r := newRig(t, 500, sandbox.Options{SMPPRate: -1}, esme.Config{Rate: -1})
	ctx := context.Background()
	now := time.Now()
	if err := r.st.StartCampaign(ctx, r.campID, now); err != nil {
		t.Fatal(err)
	}
	claimed, err := r.st.Claim(ctx, r.campID, 0, 300, now)
	if err != nil || len(claimed) != 300 {
		t.Fatalf("claim got %d %v", len(claimed), err)
	}
	var sent []esme.Message
	for _, m := range claimed[:180] {
		sent = append(sent, esme.Message{Destination: m.Phone, Text: "Olá " + m.Fields[0] + ", temos ofertas!", CorrelationID: dispatch.CorrelationID(r.campID, m.ID)})
	}
	for _, res := range r.client.Submit(ctx, sent) {
		if res.Outcome != esme.Accepted {
			t.Fatalf("pre-crash submit got %s", res.Outcome)
		}
	}
	r.run(r.worker(r.sender(true)), 30*time.Second)
	r.checkExactlyOnce()
}

// Without a status search, unknown outcomes are marked unknown and never
// sent again: nothing reaches the SMSC twice.
func TestWithoutLookupUnknownOutcomesAreNeverResent(t *testing.T) {
	r := newRig(t, 600, sandbox.Options{SMPPRate: -1, Faults: sandbox.Faults{SMPPDropRate: 0.02}}, esme.Config{Rate: -1})
	if c := r.run(r.worker(r.sender(false)), 60*time.Second); c.State != campaign.Completed {
		t.Fatalf("campaign ended %s (%s)", c.State, c.LastError)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	if counts["unknown"] == 0 || counts["accepted"]+counts["unknown"] != int64(r.n) {
		t.Errorf("counts got %v, want accepted + unknown = %d with some unknown", counts, r.n)
	}
	first := r.firstMessageID()
	for i := 0; i < r.n; i++ {
		if got := r.sb.SentCount(dispatch.CorrelationID(r.campID, first+int64(i))); got > 1 {
			t.Fatalf("message %d reached the SMSC %d times", i, got)
		}
	}
}

// A refused account pauses the campaign with the reason; nothing is sent.
func TestRefusedAccountPausesTheCampaign(t *testing.T) {
	r := newRig(t, 50, sandbox.Options{}, esme.Config{Password: "wrong"})
	c := r.run(r.worker(r.sender(true)), 20*time.Second)
	if c.State != campaign.Paused || !strings.Contains(c.LastError, "unauthorized") || !strings.Contains(c.LastError, "ESME_RINVPASWD") {
		t.Errorf("campaign got %s %q, want paused for the refused account", c.State, c.LastError)
	}
	if n := len(r.sb.Messages()); n != 0 {
		t.Errorf("%d messages reached the SMSC", n)
	}
}

func TestSendRefusesWhatSMPPCannotCarry(t *testing.T) {
	r := newRig(t, 1, sandbox.Options{}, esme.Config{})
	_, err := r.sender(true).Send(context.Background(), dispatch.Batch{Campaign: dispatch.Campaign{Channel: message.ChannelWhatsApp},
		Messages: []dispatch.Message{{ID: 1, CampaignID: 1, Phone: phone(1)}}})
	if !errors.Is(err, dispatch.ErrRejected) {
		t.Errorf("a WhatsApp batch got %v, want ErrRejected", err)
	}
	s := r.sender(false)
	if s.CanReconcile("sms") {
		t.Error("CanReconcile without a status search got true")
	}
	if _, err := s.Find(context.Background(), []string{"x"}); !errors.Is(err, smppsender.ErrNoLookup) {
		t.Errorf("Find without a status search got %v", err)
	}
	if !r.sender(true).CanReconcile("sms") || r.sender(true).CanReconcile("whatsapp") {
		t.Error("CanReconcile with a status search: want SMS only")
	}
	// Flash and expiry travel with every message.
	at := time.Now().Add(3 * time.Hour)
	acc, err := r.sender(true).Send(context.Background(), dispatch.Batch{
		Campaign: dispatch.Campaign{Channel: "sms", Flash: true, Schedule: schedule.Schedule{Expiry: schedule.Expiry{At: at}}},
		Messages: []dispatch.Message{{ID: 7, CampaignID: 9, Phone: phone(7), Text: "Alerta"}}})
	if err != nil || len(acc) != 1 {
		t.Fatalf("Send got %v %v", acc, err)
	}
	m := r.sb.Messages()[0]
	if !m.Flash || m.CorrelationID != dispatch.CorrelationID(9, 7) || m.ID != acc[0].ProviderID {
		t.Errorf("sandbox got %+v", m)
	}
}
