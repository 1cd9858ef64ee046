package wavysender_test

import (
	"arauto/internal/memstat"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/recipient"
	"arauto/internal/sandbox"
	"arauto/internal/sms"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/store/storetest"
)

// rig is a real outbox (SQLite), a real Wavy client and the sandbox as the
// provider, so the sandbox's ledger can tell how often each message went.
type rig struct {
	t      testing.TB
	st     *store.Store
	sb     *sandbox.Sandbox
	client *wavy.Client
	campID int64
	listID int64
	n      int
	suppr  map[string]bool
}

func newRig(t testing.TB, recipients int, faults sandbox.Faults) *rig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 3, DelayScale: 0, RateLimit: -1, StatusQueryRate: -1, Faults: faults, ReplyRate: -1})
	srv := httptest.NewServer(sb)
	t.Cleanup(func() { srv.Close(); sb.Close() })
	client := wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: "sandbox", Token: "sandbox",
		RequestsPerSecond: -1, StatusQueriesPerSecond: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})
	r := &rig{t: t, st: storetest.New(t), sb: sb, client: client, n: recipients, suppr: map[string]bool{}}
	r.seed()
	return r
}

func (r *rig) seed() {
	ctx := context.Background()
	l := &recipient.List{Name: "bench", FileName: "x.csv"}
	if err := r.st.CreateList(ctx, l); err != nil {
		r.t.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, 5000)
	for i := 0; i < r.n; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55119%08d", i), Fields: []string{fmt.Sprintf("Cliente %d", i)}})
		if len(batch) == cap(batch) || i == r.n-1 {
			if err := r.st.AddRecipients(ctx, l.ID, batch); err != nil {
				r.t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := r.st.FinishListImport(ctx, l.ID, recipient.Report{Rows: r.n, Valid: r.n, Columns: []string{"nome"}}); err != nil {
		r.t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "Teste", Alias: "teste", Channel: campaign.SMS, ListID: l.ID,
		Message: "Olá {{nome}}, temos ofertas!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := r.st.CreateCampaign(ctx, c); err != nil {
		r.t.Fatal(err)
	}
	r.campID, r.listID = c.ID, l.ID
}

// compile is the dispatcher's SMS rendering, under the default billing
// rule.
var compile = dispatch.SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Default, nil })

func (r *rig) worker(cfg dispatch.Config) *dispatch.Worker {
	return r.workerWith(cfg, wavysender.Config{RequestsPerSecond: -1, RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond})
}

// workerWith is worker with the Sender configured by scfg.
func (r *rig) workerWith(cfg dispatch.Config, scfg wavysender.Config) *dispatch.Worker {
	cfg.Compile = compile
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	if cfg.ReconcileAfter == 0 {
		cfg.ReconcileAfter = 100 * time.Millisecond
	}
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = 5 * time.Millisecond
	}
	s := wavysender.New(func(context.Context) (*wavy.Client, error) { return r.client, nil }, scfg)
	return dispatch.New(r.st, s, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// runUntilDone runs a worker until the campaign completes.
func (r *rig) runUntilDone(w *dispatch.Worker, limit time.Duration) time.Duration {
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
		if c.State == campaign.Completed {
			return time.Since(start)
		}
		time.Sleep(5 * time.Millisecond)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	r.t.Fatalf("campaign not completed in %s; counts %v", limit, counts)
	return 0
}

// checkExactlyOnce asserts every recipient reached the provider exactly
// once (suppressed ones never) and the counters agree.
func (r *rig) checkExactlyOnce() {
	r.t.Helper()
	ctx := context.Background()
	c, _ := r.st.CampaignByID(ctx, r.campID)
	counts, err := r.st.CampaignCounts(ctx, r.campID)
	if err != nil {
		r.t.Fatal(err)
	}
	wantAccepted := int64(r.n - len(r.suppr))
	if counts["accepted"] != wantAccepted || counts["queued"] != 0 || counts["submitting"] != 0 || counts["suppressed"] != int64(len(r.suppr)) {
		r.t.Errorf("counts got %v, want %d accepted, %d suppressed", counts, wantAccepted, len(r.suppr))
	}
	if c.SentCount != wantAccepted {
		r.t.Errorf("sent_count got %d, want %d", c.SentCount, wantAccepted)
	}
	first := firstMessageID(r)
	twice, never := 0, 0
	for i := 0; i < r.n; i++ {
		phone := fmt.Sprintf("55119%08d", i)
		got := r.sb.SentCount(dispatch.CorrelationID(r.campID, first+int64(i)))
		want := 1
		if r.suppr[phone] {
			want = 0
		}
		switch {
		case got > want:
			twice++
		case got < want:
			never++
		}
	}
	if twice > 0 || never > 0 {
		r.t.Errorf("sandbox ledger: %d messages sent more than once, %d never sent (of %d)", twice, never, r.n)
	}
	for _, m := range r.sb.Messages() {
		if !strings.HasPrefix(m.Text, "Olá Cliente ") || m.CampaignAlias != "teste" {
			r.t.Fatalf("sandbox got text %q alias %q, want rendered text with the campaign alias", m.Text, m.CampaignAlias)
		}
	}
}

func firstMessageID(r *rig) int64 {
	// Messages are created in row order with consecutive ids.
	var id int64 = 1<<62 - 1
	for _, m := range r.sb.Messages() {
		if _, mid, ok := dispatch.ParseCorrelationID(m.CorrelationID); ok && mid < id {
			id = mid
		}
	}
	return id
}

func TestExactlyOnceUnderFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults sandbox.Faults
		cfg    dispatch.Config
	}{
		{"clean", sandbox.Faults{}, dispatch.Config{}},
		{"503s", sandbox.Faults{Status503Rate: 0.3}, dispatch.Config{}},
		{"429s", sandbox.Faults{Status429Rate: 0.3}, dispatch.Config{}},
		{"500 without accepting", sandbox.Faults{ErrorRate: 0.25}, dispatch.Config{}},
		{"accepts then answers 500", sandbox.Faults{AcceptThen500Rate: 0.3}, dispatch.Config{}},
		// The provider records a timed-out request some time after the
		// client gave up; reconciling is only sound once it must have (as
		// in production: 30 s against timeouts of seconds). 100 ms, the
		// rig's default, is under a loaded machine's scheduling delays.
		{"timeouts after the request was sent", sandbox.Faults{Latency: 60 * time.Millisecond}, dispatch.Config{SendTimeout: 30 * time.Millisecond, ReconcileAfter: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, 3000, tt.faults)
			tt.cfg.BatchSize = 200
			w := r.worker(tt.cfg)
			if tt.faults.Latency > 0 {
				// Let the reconciler run once the campaign has been tried,
				// with faults off, as the provider recovers.
				go func() { time.Sleep(400 * time.Millisecond); r.sb.SetFaults(sandbox.Faults{}) }()
			}
			r.runUntilDone(w, 30*time.Second)
			r.checkExactlyOnce()
		})
	}
}

func TestSuppressedNumbersAreSkipped(t *testing.T) {
	r := newRig(t, 500, sandbox.Faults{})
	ctx := context.Background()
	for _, i := range []int{3, 99, 250} {
		p := fmt.Sprintf("55119%08d", i)
		r.suppr[p] = true
		if _, err := r.st.AddSuppressions(ctx, []string{p}, "opt-out", ""); err != nil {
			t.Fatal(err)
		}
	}
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 100}), 10*time.Second)
	r.checkExactlyOnce()
}

// A crash leaves claimed rows "submitting": some reached the provider,
// some did not. A new worker reconciles them first and sends only the
// missing ones.
func TestRestartAfterCrashReconciles(t *testing.T) {
	r := newRig(t, 1000, sandbox.Faults{})
	ctx := context.Background()
	now := time.Now()
	if err := r.st.StartCampaign(ctx, r.campID, now); err != nil {
		t.Fatal(err)
	}
	claimed, err := r.st.Claim(ctx, r.campID, 0, 400, now)
	if err != nil || len(claimed) != 400 {
		t.Fatalf("claim got %d %v, want 400", len(claimed), err)
	}
	// The first 250 reached the provider before the "crash".
	var sent []wavy.BulkMessage
	for _, m := range claimed[:250] {
		sent = append(sent, wavy.BulkMessage{Destination: m.Phone, MessageText: "Olá " + m.Fields[0] + ", temos ofertas!", CorrelationID: dispatch.CorrelationID(r.campID, m.ID)})
	}
	if _, err := r.client.SendBulkSMS(ctx, wavy.BulkSMS{Messages: sent, CampaignAlias: "teste"}); err != nil {
		t.Fatal(err)
	}
	r.runUntilDone(r.worker(dispatch.Config{}), 15*time.Second)
	r.checkExactlyOnce()
}

func TestPauseStopsClaims(t *testing.T) {
	r := newRig(t, 2000, sandbox.Faults{Latency: 5 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := r.worker(dispatch.Config{BatchSize: 50, Concurrency: 1})
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	for r.sb.Ledger().Accepted < 100 {
		time.Sleep(time.Millisecond)
	}
	if err := r.st.SetCampaignState(context.Background(), r.campID, campaign.Running, campaign.Paused, time.Now()); err != nil {
		t.Fatal(err)
	}
	w.Wake()
	time.Sleep(300 * time.Millisecond) // the batch in flight lands
	before := r.sb.Ledger().Accepted
	time.Sleep(500 * time.Millisecond)
	if after := r.sb.Ledger().Accepted; after != before {
		t.Errorf("paused campaign kept sending: %d -> %d", before, after)
	}
	if before >= 2000 {
		t.Fatalf("campaign finished before the pause took effect")
	}
	if err := r.st.SetCampaignState(context.Background(), r.campID, campaign.Paused, campaign.Running, time.Now()); err != nil {
		t.Fatal(err)
	}
	w.Wake()
	cancel()
	<-done
	r.runUntilDone(r.worker(dispatch.Config{}), 15*time.Second)
	r.checkExactlyOnce()
}

// BenchmarkDispatch1M sends a 1,000,000-recipient SMS campaign through the
// real outbox and client to the sandbox with zero delays.
func BenchmarkDispatch1M(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		r := newRig(b, 1_000_000, sandbox.Faults{})
		w := r.worker(dispatch.Config{Concurrency: 4})
		b.StartTimer()
		el := r.runUntilDone(w, 5*time.Minute)
		b.ReportMetric(1_000_000/el.Seconds(), "msgs/s")
		b.ReportMetric(el.Seconds(), "s/campaign")
	}
	b.ReportMetric(memstat.PeakRSSMB(0), "peakRSS_MB")
}
