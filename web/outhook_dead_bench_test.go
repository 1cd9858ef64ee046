package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/outhook"
	"arauto/internal/recipient"
)

// A receiver of outgoing webhooks that is down must not slow sending nor
// webhook ingestion: the harness below sends a campaign through the
// dispatcher and hammers the status webhook (whose reports, applied, make
// "message delivered" events) at the same time, with no receiver, with a
// receiver that refuses connections and with one that accepts and never
// answers; the outbox must keep every delivery for a retry, with at most
// the worker's bounded number of requests open at once.

// deadReceiver is how the registered receiver behaves.
type deadReceiver string

const (
	noReceiver       deadReceiver = "none"
	healthyReceiver  deadReceiver = "answers"
	refusingReceiver deadReceiver = "refuses"
	hangingReceiver  deadReceiver = "hangs"
)

// deadRun is what one run measured.
type deadRun struct {
	sendRate, ingestRate float64
	// pending and attempted are the receiver's deliveries waiting for a
	// retry, and those tried at least once; delivered should stay 0.
	pending, attempted, delivered int
	// maxOpen is the most connections the hanging receiver held at once.
	maxOpen int64
}

// hangingListener accepts connections and never answers, counting how
// many are open at once.
type hangingListener struct {
	ln            net.Listener
	open, maxOpen atomic.Int64
	mu            sync.Mutex
	conns         []net.Conn
}

func newHangingListener(tb testing.TB) *hangingListener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	h := &hangingListener{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := h.open.Add(1)
			for m := h.maxOpen.Load(); n > m && !h.maxOpen.CompareAndSwap(m, n); m = h.maxOpen.Load() {
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
			go func() {
				// Read what comes, answer nothing; the client gives up.
				buf := make([]byte, 4096)
				for {
					if _, err := c.Read(buf); err != nil {
						h.open.Add(-1)
						return
					}
				}
			}()
		}
	}()
	tb.Cleanup(func() {
		ln.Close()
		h.mu.Lock()
		for _, c := range h.conns {
			c.Close()
		}
		h.mu.Unlock()
	})
	return h
}

// refusedURL is an address where nothing listens: connections are refused.
func refusedURL(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr + "/hook"
}

// runWithReceiver runs one round: a fresh console (store, web server,
// applier, dispatcher, outgoing-webhook worker as main wires them, with
// the worker's default timeout and concurrency), a receiver as rcv says,
// a campaign of sendN messages sent to a provider that takes everything
// and, for window, DLRs of an accepted campaign posted to the webhook.
func runWithReceiver(tb testing.TB, rcv deadReceiver, sendN int, window time.Duration) deadRun {
	tb.Helper()
	ls := startLiveServer(tb)
	st := ls.store
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()

	var hang *hangingListener
	var ep *outhook.Endpoint
	switch rcv {
	case healthyReceiver:
		ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		}))
		tb.Cleanup(ok.Close)
		ep = &outhook.Endpoint{URL: ok.URL + "/hook", Events: outhook.Types, Active: true, Secret: "whsec-dead-receiver-test"}
	case refusingReceiver:
		ep = &outhook.Endpoint{URL: refusedURL(tb), Events: outhook.Types, Active: true, Secret: "whsec-dead-receiver-test"}
	case hangingReceiver:
		hang = newHangingListener(tb)
		ep = &outhook.Endpoint{URL: "http://" + hang.ln.Addr().String() + "/hook", Events: outhook.Types, Active: true, Secret: "whsec-dead-receiver-test"}
	}
	if ep != nil {
		if err := st.CreateEndpoint(ctx, ep, 0); err != nil {
			tb.Fatal(err)
		}
	}

	// The reports posted are about an accepted campaign; the campaign
	// being sent is another one.
	reported, msgs := seedAccepted(tb, st, campaign.SMS, 20_000)
	l := &recipient.List{Name: "envio", FileName: "envio.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		tb.Fatal(err)
	}
	recs := make([]recipient.Recipient, sendN)
	for i := range recs {
		recs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55%02d9%08d", 11+i%80, i), Fields: []string{"Cliente"}}
	}
	if err := st.AddRecipients(ctx, l.ID, recs); err != nil {
		tb.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: sendN, Valid: sendN, Columns: []string{"nome"}}); err != nil {
		tb.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "Envio", Alias: "envio", Channel: campaign.SMS, ListID: l.ID,
		Message: "Olá {{nome}}!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		tb.Fatal(err)
	}

	log := slog.New(slog.DiscardHandler)
	applier := delivery.NewApplier(st, delivery.Options{})
	hooks := outhook.NewWorker(st, outhook.Options{Log: log})
	wg.Add(2)
	go func() { defer wg.Done(); applier.Run(ctx) }()
	go func() { defer wg.Done(); hooks.Run(ctx) }()
	// Let the receiver's loop start (and fail) before measuring.
	time.Sleep(300 * time.Millisecond)

	sent := func() int64 {
		cp, err := st.CampaignByID(ctx, c.ID)
		if err != nil {
			tb.Fatal(err)
		}
		return cp.SentCount
	}
	worker := dispatch.New(st, acceptAll{}, dispatch.Config{PollInterval: 10 * time.Millisecond, Compile: smsCompiler}, log)
	wctx, stopWorker := context.WithCancel(ctx)
	workerDone := make(chan struct{})
	go func() { worker.Run(wctx); close(workerDone) }()
	// The window opens once the campaign is sending (its start writes the
	// whole outbox, which is not what is measured).
	for end := time.Now().Add(2 * time.Minute); sent() == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(end) {
			tb.Fatal("the campaign did not start sending within 2 minutes")
		}
	}
	n0, start := sent(), time.Now()

	sentAt := time.Now().UTC().Add(-time.Minute).UnixMilli()
	got := hammer(tb, ls.url+"/webhooks/wavy/"+testSecret+"/sms-status", 16, window, func(n int64) []byte {
		m := msgs[n%int64(len(msgs))]
		return fmt.Appendf(nil, `{"id":"p-%d","correlationId":%q,"carrierId":1,"carrierName":"VIVO","destination":%q,"sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentStatusAt":%d,"deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":%d}`,
			m.ID, dispatch.CorrelationID(reported.ID, m.ID), m.Phone, sentAt, sentAt+3000)
	})
	elapsed := time.Since(start)
	n := sent() - n0
	stopWorker()
	<-workerDone
	if got.other > 0 || got.errs > 0 {
		tb.Errorf("%s: got %d non-200 answers and %d transport errors from the webhook, want none", rcv, got.other, got.errs)
	}
	run := deadRun{sendRate: float64(n) / elapsed.Seconds(), ingestRate: float64(got.ok) / got.elapsed.Seconds()}
	if ep != nil {
		// Give the worker a moment to fan the last facts out and try them.
		time.Sleep(time.Second)
		eps, err := st.Endpoints(ctx)
		if err != nil {
			tb.Fatal(err)
		}
		run.pending = eps[0].Pending
		log, err := st.DeliveryLog(ctx, ep.ID, "", 0, 1_000_000)
		if err != nil {
			tb.Fatal(err)
		}
		for _, d := range log {
			if d.Attempts > 0 {
				run.attempted++
			}
			if d.State == "delivered" {
				run.delivered++
			}
		}
	}
	if hang != nil {
		run.maxOpen = hang.maxOpen.Load()
	}
	return run
}

// checkKept fails unless the dead receiver's deliveries are all kept for
// a retry, some were tried, and no more requests were open at once than
// the worker's bound.
func checkKept(tb testing.TB, rcv deadReceiver, r deadRun) {
	tb.Helper()
	if rcv == noReceiver || rcv == healthyReceiver {
		return
	}
	if r.pending == 0 || r.delivered != 0 {
		tb.Errorf("%s: %d deliveries pending, %d delivered; want them all kept for a retry", rcv, r.pending, r.delivered)
	}
	// A refused connection is an attempt at once; a hanging one is an
	// attempt only when its timeout (10 s) ends, but holds a connection.
	// Once a round failed whole, the receiver is only probed: one round's
	// batch (256) and a few probes in the seconds of a run, not every
	// delivery as it comes.
	if rcv == refusingReceiver && (r.attempted == 0 || r.attempted > 300) {
		tb.Errorf("%s: %d deliveries tried, want some, and no more than a round and a few probes", rcv, r.attempted)
	}
	if rcv == hangingReceiver && r.maxOpen == 0 {
		tb.Errorf("%s: the receiver was never called", rcv)
	}
	if r.maxOpen > 16 {
		tb.Errorf("%s: the receiver held %d connections at once, want at most the worker's 16", rcv, r.maxOpen)
	}
}

// TestDeadReceiversKeepTheirDeliveries runs a short round with each dead
// receiver: every delivery stays in the outbox for a retry, and the one
// that hangs never holds more than the worker's bounded requests.
func TestDeadReceiversKeepTheirDeliveries(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a campaign and hammers the webhook")
	}
	for _, rcv := range []deadReceiver{refusingReceiver, hangingReceiver} {
		t.Run(string(rcv), func(t *testing.T) {
			checkKept(t, rcv, runWithReceiver(t, rcv, 5_000, 700*time.Millisecond))
		})
	}
}

// BenchmarkDeadReceiver measures a campaign's send rate and the webhook's
// ingestion rate while they run together: with no receiver, with one that
// answers at once, with one that refuses connections and with one that
// hangs, interleaved round by round (three rounds) so the machine's load
// weighs on each alike; each scenario's best round is compared with the
// best without a receiver (the target: within 10%; ARAUTO_BENCH_STRICT=1
// makes it binding) and with the healthy receiver (what having webhooks at
// all costs: facts recorded as reports are applied, and fanned out). The
// campaign is big enough to be still sending when the window closes.
func BenchmarkDeadReceiver(b *testing.B) {
	order := []deadReceiver{noReceiver, healthyReceiver, refusingReceiver, hangingReceiver}
	best := map[deadReceiver]deadRun{}
	for b.Loop() {
		for range 3 {
			for _, rcv := range order {
				r := runWithReceiver(b, rcv, 200_000, 4*time.Second)
				checkKept(b, rcv, r)
				b.Logf("%-7s send %7.0f msg/s, ingest %6.0f req/s, deliveries pending %d (tried %d), most open connections %d",
					rcv, r.sendRate, r.ingestRate, r.pending, r.attempted, r.maxOpen)
				prev := best[rcv]
				prev.sendRate, prev.ingestRate = max(prev.sendRate, r.sendRate), max(prev.ingestRate, r.ingestRate)
				best[rcv] = prev
			}
		}
	}
	b.StopTimer()
	base, healthy := best[noReceiver], best[healthyReceiver]
	b.ReportMetric(base.sendRate, "send_msg/s")
	b.ReportMetric(base.ingestRate, "ingest_req/s")
	for _, rcv := range order[1:] {
		r := best[rcv]
		sendRatio, ingestRatio := r.sendRate/base.sendRate, r.ingestRate/base.ingestRate
		b.ReportMetric(sendRatio, string(rcv)+"_send_ratio")
		b.ReportMetric(ingestRatio, string(rcv)+"_ingest_ratio")
		b.Logf("receiver that %s: send %.0f msg/s (%.2f of none, %.2f of a healthy one), ingest %.0f req/s (%.2f of none, %.2f of a healthy one)",
			rcv, r.sendRate, sendRatio, r.sendRate/healthy.sendRate, r.ingestRate, ingestRatio, r.ingestRate/healthy.ingestRate)
		if rcv != healthyReceiver && (sendRatio < 0.9 || ingestRatio < 0.9) {
			msg := fmt.Sprintf("receiver that %s: below target (>= 0.90 of the run without receivers): send %.2f, ingest %.2f", rcv, sendRatio, ingestRatio)
			if os.Getenv("ARAUTO_BENCH_STRICT") == "1" {
				b.Error(msg)
			} else {
				b.Log(msg)
			}
		}
	}
	b.ReportMetric(0, "ns/op")
}
