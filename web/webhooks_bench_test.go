package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
	"arauto/store"
	"arauto/store/storetest"
)

// liveServer is the real web server on a loopback port.
type liveServer struct {
	url   string
	store *store.Store
}

func startLiveServer(tb testing.TB) liveServer {
	tb.Helper()
	dir := tb.TempDir()
	cfg, err := config.Load(func(k string) string {
		if k == "ARAUTO_DATA" {
			return dir
		}
		return ""
	})
	if err != nil {
		tb.Fatal(err)
	}
	st := storetest.New(tb)
	srv, err := New(Deps{Config: cfg, Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), WebhookSecret: testSecret})
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		<-done
	})
	return liveServer{url: "http://" + ln.Addr().String(), store: st}
}

// hammerResult is what a load run saw.
type hammerResult struct {
	ok, other, errs int64
	elapsed         time.Duration
	latencies       []time.Duration
}

func (h hammerResult) quantile(q float64) time.Duration {
	if len(h.latencies) == 0 {
		return 0
	}
	return h.latencies[min(int(q*float64(len(h.latencies))), len(h.latencies)-1)]
}

// hammer posts bodies to url from clients concurrent keep-alive
// connections for d. It uses fasthttp's client, which costs a fraction of
// net/http's CPU, so that the generator sharing the machine leaves the
// cores to the server being measured.
func hammer(tb testing.TB, url string, clients int, d time.Duration, body func(n int64) []byte) hammerResult {
	tb.Helper()
	u, err := neturl.Parse(url)
	if err != nil {
		tb.Fatal(err)
	}
	hc := &fasthttp.HostClient{Addr: u.Host, MaxConns: clients, MaxIdleConnDuration: time.Minute,
		ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	defer hc.CloseIdleConnections()
	var seq, ok, other, errs atomic.Int64
	lat := make([][]time.Duration, clients)
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			own := make([]time.Duration, 0, 1<<15)
			for time.Now().Before(deadline) {
				req.Reset()
				req.SetRequestURI(url)
				req.Header.SetMethod(fasthttp.MethodPost)
				req.Header.SetContentType("application/json")
				req.SetBody(body(seq.Add(1)))
				t0 := time.Now()
				if err := hc.Do(req, resp); err != nil {
					errs.Add(1)
					continue
				}
				own = append(own, time.Since(t0))
				if resp.StatusCode() == fasthttp.StatusOK {
					ok.Add(1)
				} else {
					other.Add(1)
				}
			}
			lat[c] = own
		}()
	}
	wg.Wait()
	h := hammerResult{ok: ok.Load(), other: other.Load(), errs: errs.Load(), elapsed: time.Since(start)}
	for _, l := range lat {
		h.latencies = append(h.latencies, l...)
	}
	slices.Sort(h.latencies)
	return h
}

func statusBody(n int64) []byte {
	return fmt.Appendf(nil, `{"id":"f9c100ff-aed0-4456-898c-%012d","correlationId":"a1-%x","carrierId":1,"carrierName":"VIVO","destination":"5511900009999","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":1266660300000,"sentDate":"2010-02-20T10:05:00Z","campaignId":"64","extraInfo":""}`, n, n)
}

// BenchmarkWebhookThroughput hammers the status webhook of the real server
// from 64 keep-alive clients for about 3 seconds per iteration and checks
// that every 200 answered is a stored event. Target: >= 20,000 req/s with
// p99 < 200 ms on two cores.
func BenchmarkWebhookThroughput(b *testing.B) {
	ls := startLiveServer(b)
	url := ls.url + "/webhooks/wavy/" + testSecret + "/sms-status"
	var total int64
	var last hammerResult
	for b.Loop() {
		last = hammer(b, url, 64, 3*time.Second, statusBody)
		if last.other > 0 || last.errs > 0 {
			b.Errorf("got %d non-200 answers and %d transport errors, want none", last.other, last.errs)
		}
		total += last.ok
	}
	b.StopTimer()
	counts, err := ls.store.EventCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if got := int64(counts[delivery.KindSMSStatus]); got != total {
		b.Errorf("got %d stored events, want %d (one per 200)", got, total)
	}
	rps := float64(last.ok) / last.elapsed.Seconds()
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(float64(last.quantile(0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(last.quantile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d requests in %v: %.0f req/s, p50 %v, p99 %v, max %v", last.ok, last.elapsed.Round(time.Millisecond), rps,
		last.quantile(0.5), last.quantile(0.99), last.quantile(1))
	if rps < 20000 || last.quantile(0.99) > 200*time.Millisecond {
		// Shared CI machines vary; ARAUTO_BENCH_STRICT=1 makes the target binding.
		msg := fmt.Sprintf("below target (>= 20000 req/s, p99 < 200ms): %.0f req/s, p99 %v", rps, last.quantile(0.99))
		if os.Getenv("ARAUTO_BENCH_STRICT") == "1" {
			b.Error(msg)
		} else {
			b.Log(msg)
		}
	}
}

// BenchmarkWebhookIngest measures the webhook endpoint while the reports
// it stores are being applied, against a trivial Fiber handler on the same
// load generator (64 keep-alive clients, 3 s each): the callbacks and
// delivery reports name real messages of a 32,000-message campaign, the
// applier runs, and every 200 must be a stored event that gets applied.
// Targets: >= 0.6 of the trivial handler's req/s, p99 < 50 ms, none lost.
func BenchmarkWebhookIngest(b *testing.B) {
	trivial := fiber.New(fiber.Config{DisableStartupMessage: true})
	trivial.Post("/*", func(c *fiber.Ctx) error { return c.SendString(`{"ok":true}`) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go trivial.Listener(ln)
	defer trivial.Shutdown()

	ls := startLiveServer(b)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c, msgs := seedAccepted(b, ls.store, campaign.SMS, 32_000)
	applier := delivery.NewApplier(ls.store, delivery.Options{})
	applied := make(chan error, 1)
	go func() { applied <- applier.Run(ctx) }()
	sentAt := time.Now().UTC().Add(-time.Minute).UnixMilli()
	body := func(n int64) []byte {
		m := msgs[(n/2)%int64(len(msgs))]
		corr := dispatch.CorrelationID(c.ID, m.ID)
		if n%2 == 1 {
			return fmt.Appendf(nil, `{"id":"p-%d","correlationId":%q,"carrierId":1,"carrierName":"VIVO","destination":%q,"sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":%d,"campaignId":"9","extraInfo":""}`,
				m.ID, corr, m.Phone, sentAt)
		}
		return fmt.Appendf(nil, `{"id":"p-%d","correlationId":%q,"carrierId":1,"carrierName":"VIVO","destination":%q,"sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentStatusAt":%d,"deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":%d,"campaignId":9,"extraInfo":""}`,
			m.ID, corr, m.Phone, sentAt, sentAt+3000)
	}
	var ref, got hammerResult
	for b.Loop() {
		ref = hammer(b, "http://"+ln.Addr().String()+"/hook", 64, 3*time.Second, body)
		got = hammer(b, ls.url+"/webhooks/wavy/"+testSecret+"/sms-status", 64, 3*time.Second, body)
	}
	b.StopTimer()
	if got.other > 0 || got.errs > 0 {
		b.Errorf("got %d non-200 answers and %d transport errors, want none", got.other, got.errs)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		pending, _, err := ls.store.PendingEvents(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("%d events still not applied after 2 minutes", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
	counts, err := ls.store.EventCounts(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if stored := int64(counts[delivery.KindSMSStatus]); stored != got.ok {
		b.Errorf("got %d stored events, want %d (one per 200)", stored, got.ok)
	}
	refRPS := float64(ref.ok) / ref.elapsed.Seconds()
	rps := float64(got.ok) / got.elapsed.Seconds()
	b.ReportMetric(refRPS, "trivial_req/s")
	b.ReportMetric(rps, "req/s")
	b.ReportMetric(rps/refRPS, "ratio")
	b.ReportMetric(float64(got.quantile(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(ref.quantile(0.99).Microseconds())/1000, "trivial_p99-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("trivial handler %.0f req/s (p99 %v); webhook with reports applied %.0f req/s (p99 %v), ratio %.2f; %d stored and applied",
		refRPS, ref.quantile(0.99), rps, got.quantile(0.99), rps/refRPS, got.ok)
}

// applyEvents applies one batch of the stored events now, as the applier
// does after a webhook, and says how many it applied.
func applyEvents(st *store.Store) (int, error) {
	res, err := delivery.NewApplier(st, delivery.Options{Batch: 100}).Step(context.Background())
	return res.Applied, err
}

// campaignReport builds a campaign's report from its counters, as the
// report page does.
func campaignReport(ctx context.Context, st *store.Store, id int64) (report.Report, error) {
	counts, err := st.CampaignCounters(ctx, id)
	if err != nil {
		return report.Report{}, err
	}
	return report.Build(counts, report.Options{}), nil
}

// seedAccepted makes a running campaign of n recipients whose messages
// the provider accepted.
func seedAccepted(t testing.TB, st *store.Store, channel campaign.Channel, n int) (*campaign.Campaign, []dispatch.Message) {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "seed", FileName: "seed.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var recs []recipient.Recipient
	for i := range n {
		recs = append(recs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("551198765%04d", i), Fields: []string{"Ana"}})
	}
	if err := st.AddRecipients(ctx, l.ID, recs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	c := &campaign.Campaign{RemoteID: 9, Name: "Rajada", Alias: "rajada", Channel: channel, ListID: l.ID, Message: "Oi {{nome}}",
		State: campaign.Scheduled, ScheduledAt: now.Add(-time.Minute)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.StartCampaign(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	msgs, err := st.Claim(ctx, c.ID, 0, n, now)
	if err != nil || len(msgs) != n {
		t.Fatalf("claim got %d %v", len(msgs), err)
	}
	var acc []dispatch.Accepted
	for _, m := range msgs {
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("p-%d", m.ID)})
	}
	if err := st.Accept(ctx, c.ID, acc, now); err != nil {
		t.Fatal(err)
	}
	return c, msgs
}

// waitApplied waits until no stored event is pending.
func waitApplied(t *testing.T, st *store.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pending, _, err := st.PendingEvents(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events still pending after 10s", pending)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestWebhookDuplicateBurst posts the same callback and DLR hundreds of
// times at once while the applier runs: the message is counted once.
func TestWebhookDuplicateBurst(t *testing.T) {
	ls := startLiveServer(t)
	ctx := context.Background()
	st := ls.store
	c, msgs := seedAccepted(t, st, campaign.SMS, 1)
	now := time.Now().UTC()
	actx, cancel := context.WithCancel(ctx)
	applier := delivery.NewApplier(st, delivery.Options{})
	done := make(chan error, 1)
	go func() { done <- applier.Run(actx) }()
	defer func() { cancel(); <-done }()

	corr := dispatch.CorrelationID(c.ID, msgs[0].ID)
	sentAt, delivAt := now.UnixMilli(), now.Add(4*time.Second).UnixMilli()
	cb := fmt.Appendf(nil, `{"id":"p-1","correlationId":%q,"carrierName":"VIVO","sentStatusCode":2,"sentStatus":"SENT_SUCCESS","sentAt":%d}`, corr, sentAt)
	dl := fmt.Appendf(nil, `{"id":"p-1","correlationId":%q,"carrierName":"VIVO","sentStatusCode":2,"sentStatusAt":%d,"deliveredStatusCode":4,"deliveredStatus":"DELIVERED_SUCCESS","deliveredAt":%d}`, corr, sentAt, delivAt)
	url := ls.url + "/webhooks/wavy/" + testSecret + "/sms-status"
	res := hammer(t, url, 32, 300*time.Millisecond, func(n int64) []byte {
		if n%2 == 0 {
			return dl
		}
		return cb
	})
	if res.ok < 100 || res.other+res.errs > 0 {
		t.Fatalf("got %d ok, %d other, %d errors; want a burst of 200s", res.ok, res.other, res.errs)
	}
	waitApplied(t, st)
	counts, err := st.CampaignCounters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"r:sent": 1, "r:delivered": 1, "r:status": 1, "carrier:VIVO:sent": 1, "carrier:VIVO:delivered": 1}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("after %d duplicates got %s = %d, want %d", res.ok, k, counts[k], n)
		}
	}
	rep, err := campaignReport(ctx, st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Latency.Samples != 1 || rep.Latency.Median < 3*time.Second || rep.Latency.Median > 5*time.Second {
		t.Errorf("got latency %+v, want one sample of about 4s", rep.Latency)
	}
}

// TestSandboxReportsEndToEnd sends an SMS campaign through the dispatcher
// to the sandbox, which posts its callbacks, DLRs and replies to the real
// webhook endpoint; the applier turns them into columns, counters, the
// inbox and the suppression list, which must match the sandbox's ledger.
func TestSandboxReportsEndToEnd(t *testing.T) {
	ls := startLiveServer(t)
	ctx := context.Background()
	st := ls.store
	hook := ls.url + "/webhooks/wavy/" + testSecret
	sb := sandbox.New(sandbox.Options{Seed: 11, DelayScale: 0, RateLimit: -1, StatusQueryRate: -1, ReplyRate: 0.2,
		StatusURL: hook + "/sms-status", MOURL: hook + "/sms-mo", WhatsAppURL: hook + "/whatsapp"})
	api := httptest.NewServer(sb)
	defer func() { api.Close(); sb.Close() }()
	client := wavy.New(wavy.Config{APIURL: api.URL, APIGWURL: api.URL, Username: "sandbox", Token: "sandbox",
		RequestsPerSecond: -1, StatusQueriesPerSecond: -1})

	const n = 1500
	l := &recipient.List{Name: "e2e", FileName: "e2e.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var recs []recipient.Recipient
	for i := range n {
		recs = append(recs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55%02d9%08d", 11+i%80, i), Fields: []string{fmt.Sprintf("Cliente %d", i)}})
	}
	if err := st.AddRecipients(ctx, l.ID, recs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 5, Name: "Ponta a ponta", Alias: "e2e", Channel: campaign.SMS, ListID: l.ID,
		Message: "Olá {{nome}}!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}

	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	applier := delivery.NewApplier(st, delivery.Options{})
	sender := wavysender.New(func(context.Context) (*wavy.Client, error) { return client, nil }, wavysender.Config{})
	worker := dispatch.New(st, sender, dispatch.Config{PollInterval: 10 * time.Millisecond, Compile: smsCompiler}, slog.New(slog.DiscardHandler))
	wg.Add(2)
	go func() { defer wg.Done(); applier.Run(runCtx) }()
	go func() { defer wg.Done(); worker.Run(runCtx) }()

	// Wait until the campaign is sent, the sandbox has posted everything
	// and the applier has caught up.
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := st.CampaignByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		led := sb.Ledger()
		pending, _, err := st.PendingEvents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.State == campaign.Completed && led.WebhookPending == 0 && led.Accepted == n && pending == 0 {
			// Replies come after the last status: settle once more.
			time.Sleep(200 * time.Millisecond)
			if l2 := sb.Ledger(); l2.WebhookEvents == led.WebhookEvents && l2.WebhookPending == 0 {
				if p, _, _ := st.PendingEvents(ctx); p == 0 {
					break
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled: campaign %s, ledger %+v, %d events pending", got.State, led, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	led := sb.Ledger()
	if led.WebhookFailures != 0 || led.WebhookDropped != 0 {
		t.Errorf("got %d failed and %d dropped webhooks, want none", led.WebhookFailures, led.WebhookDropped)
	}

	// Every message's columns match the fate the sandbox planned.
	ids := map[string]int64{}
	msgs, err := st.Claim(ctx, c.ID, 0, 1, time.Now()) // nothing left to claim
	if err != nil || len(msgs) != 0 {
		t.Fatalf("claim after completion got %d %v", len(msgs), err)
	}
	want := map[string]int64{}
	for _, m := range sb.Messages() {
		_, mid, ok := dispatch.ParseCorrelationID(m.CorrelationID)
		if !ok {
			t.Fatalf("sandbox message with correlationId %q", m.CorrelationID)
		}
		ids[m.CorrelationID] = mid
		got, err := st.MessageStatus(ctx, mid)
		if err != nil {
			t.Fatal(err)
		}
		if got.SentCode != m.SentStatusCode || got.DeliveredCode != m.DeliveredStatusCode || got.Carrier != m.Carrier || !got.SentAt.Equal(m.SentAt.Truncate(time.Millisecond)) {
			t.Errorf("message %s got sent %d delivered %d carrier %s at %v; sandbox planned %d %d %s at %v", m.CorrelationID,
				got.SentCode, got.DeliveredCode, got.Carrier, got.SentAt, m.SentStatusCode, m.DeliveredStatusCode, m.Carrier, m.SentAt)
		}
		switch {
		case m.SentStatusCode != 2:
			want["r:failed"] += boolInt(m.SentStatusCode != 101)
			want["r:expired"] += boolInt(m.SentStatusCode == 101)
		case m.DeliveredStatusCode == 4:
			want["r:sent"]++
			want["r:delivered"]++
		case m.DeliveredStatusCode == 0:
			want["r:sent"]++
			want["r:noreceipt"]++
		default:
			want["r:sent"]++
			want["r:failed"]++
		}
	}
	counts, err := st.CampaignCounters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range want {
		if counts[k] != w {
			t.Errorf("got %s = %d, want %d from the ledger", k, counts[k], w)
		}
	}
	// Every reply is in the inbox, linked; opt-outs are suppressed.
	inbound := sb.Inbound()
	if len(inbound) == 0 {
		t.Fatal("the sandbox sent no replies; raise ReplyRate")
	}
	page, err := st.Inbox(ctx, store.InboxQuery{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]store.Inbound{}
	for _, in := range page.Items {
		byID[in.ProviderID] = in
	}
	supp, err := st.SuppressedPhones(ctx)
	if err != nil {
		t.Fatal(err)
	}
	optOuts := 0
	for _, mo := range inbound {
		in, ok := byID[mo.ID]
		if !ok {
			t.Errorf("reply %s (%q) not in the inbox", mo.ID, mo.Text)
			continue
		}
		if in.MessageID != ids[mo.MTCorrelationID] || in.CampaignID != c.ID || in.OptOut != mo.OptOut {
			t.Errorf("reply %s got message %d campaign %d opt-out %v, want %d %d %v", mo.ID, in.MessageID, in.CampaignID, in.OptOut, ids[mo.MTCorrelationID], c.ID, mo.OptOut)
		}
		if _, s := supp[mo.Source]; mo.OptOut && !s {
			t.Errorf("%s replied %q but is not suppressed", mo.Source, mo.Text)
		}
		if mo.OptOut {
			optOuts++
		}
	}
	if counts["r:replies"] != int64(len(inbound)) || counts["r:optouts"] != int64(optOuts) {
		t.Errorf("got %d replies %d opt-outs counted, want %d and %d", counts["r:replies"], counts["r:optouts"], len(inbound), optOuts)
	}
	rep, err := campaignReport(ctx, st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("funnel %v; %d failure codes; %d carriers; latency median %v p90 %v; %d replies (%d opt-outs)",
		rep.Funnel, len(rep.Failures), len(rep.Carriers), rep.Latency.Median, rep.Latency.P90, rep.Replies, rep.OptOuts)
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// TestWhatsAppWebhook posts the WhatsApp status and reply bodies the
// provider documents (one URL for both) and checks they are told apart and
// applied: read receipts, the inbox and the opt-out.
func TestWhatsAppWebhook(t *testing.T) {
	ls := startLiveServer(t)
	ctx := context.Background()
	st := ls.store
	c, msgs := seedAccepted(t, st, campaign.WhatsApp, 2)
	actx, cancel := context.WithCancel(ctx)
	applier := delivery.NewApplier(st, delivery.Options{})
	done := make(chan error, 1)
	go func() { done <- applier.Run(actx) }()
	defer func() { cancel(); <-done }()

	t0 := time.Now().UTC().Truncate(time.Millisecond)
	corr0, corr1 := dispatch.CorrelationID(c.ID, msgs[0].ID), dispatch.CorrelationID(c.ID, msgs[1].ID)
	read := wavy.WhatsAppStatus{ID: "w0", CorrelationID: corr0, Destination: msgs[0].Phone, Origin: "5511900000000", Type: "MESSAGE",
		Sent: true, SentStatusCode: 2, SentStatus: "SENT_SUCCESS", SentAt: t0,
		Delivered: true, DeliveredStatusCode: 4, DeliveredStatus: "DELIVERED_SUCCESS", DeliveredAt: t0.Add(2 * time.Second),
		Read: true, ReadAt: t0.Add(time.Minute), UpdatedAt: t0.Add(time.Minute)}
	reply := wavy.WhatsAppMO{ID: "mo-w1", Source: msgs[1].Phone, Origin: "5511900000000", CorrelationID: corr1,
		UserProfile: wavy.UserProfile{Name: "Maria Silva"}, Message: wavy.InboundMessage{Type: "TEXT", MessageText: "Sair"}, ReceivedAt: t0}
	post := func(v any) {
		body, err := json.Marshal(map[string]any{"total": 1, "data": []any{v}, "clientInfo": map[string]int{"customerId": 42}})
		if err != nil {
			t.Fatal(err)
		}
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		defer fasthttp.ReleaseRequest(req)
		defer fasthttp.ReleaseResponse(resp)
		req.SetRequestURI(ls.url + "/webhooks/wavy/" + testSecret + "/whatsapp")
		req.Header.SetMethod("POST")
		req.SetBody(body)
		if err := fasthttp.Do(req, resp); err != nil || resp.StatusCode() != 200 {
			t.Fatalf("POST got %d %v: %s", resp.StatusCode(), err, resp.Body())
		}
	}
	post(read)
	post(reply)
	waitApplied(t, st)
	kinds, err := st.EventCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if kinds[delivery.KindWhatsAppStatus] != 1 || kinds[delivery.KindWhatsAppMO] != 1 {
		t.Errorf("got events %v, want one status and one reply", kinds)
	}
	m, err := st.MessageStatus(ctx, msgs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Outcome() != "read" || !m.DeliveredAt.Equal(t0.Add(2*time.Second)) {
		t.Errorf("got %+v (%s), want read, delivered 2s after sending", m, m.Outcome())
	}
	page, err := st.Inbox(ctx, store.InboxQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].MessageID != msgs[1].ID || !page.Items[0].OptOut || page.Items[0].ProfileName != "Maria Silva" {
		t.Errorf("got inbox %+v, want Maria's opt-out linked to message %d", page.Items, msgs[1].ID)
	}
	supp, _ := st.SuppressedPhones(ctx)
	if _, ok := supp[msgs[1].Phone]; !ok {
		t.Errorf("got suppressions %v, want %s", supp, msgs[1].Phone)
	}
	rep, err := campaignReport(ctx, st, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stage("read").N != 1 || rep.Stage("delivered").N != 1 || rep.Replies != 1 || rep.OptOuts != 1 {
		t.Errorf("got funnel %v replies %d opt-outs %d, want 1 read, 1 delivered, 1 reply that opted out", rep.Funnel, rep.Replies, rep.OptOuts)
	}
}
