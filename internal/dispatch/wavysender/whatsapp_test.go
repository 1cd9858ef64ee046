package wavysender_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/dispatch/wavysender"
	"arauto/internal/message"
	"arauto/internal/sandbox"
	"arauto/internal/wavy"
	"arauto/store"
)

// waRig is the rig for WhatsApp: a real store, the sandbox behind a
// recorder of the WhatsApp requests, and a WhatsApp campaign.
type waRig struct {
	rig
	dbPath string
	mu     sync.Mutex
	reqs   []wavy.WhatsAppRequest
	times  []time.Time // when each WhatsApp request arrived, answered 503 or not
}

func newWARig(t *testing.T, recipients int, faults sandbox.Faults, openSessions bool, w message.WhatsApp) *waRig {
	t.Helper()
	sb := sandbox.New(sandbox.Options{Seed: 3, DelayScale: 0, RateLimit: -1, StatusQueryRate: -1, Faults: faults, ReplyRate: -1, WhatsAppOpenSessions: openSessions})
	r := &waRig{}
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "/whatsapp/send") {
			r.mu.Lock()
			r.times = append(r.times, time.Now())
			r.mu.Unlock()
			body, _ := io.ReadAll(req.Body)
			var wr wavy.WhatsAppRequest
			if json.Unmarshal(body, &wr) == nil {
				r.mu.Lock()
				r.reqs = append(r.reqs, wr)
				r.mu.Unlock()
			}
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		sb.ServeHTTP(rw, req)
	}))
	t.Cleanup(func() { srv.Close(); sb.Close() })
	r.dbPath = filepath.Join(t.TempDir(), store.FileName)
	st, err := store.Open(r.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.rig = rig{t: t, st: st, sb: sb, n: recipients, suppr: map[string]bool{},
		client: wavy.New(wavy.Config{APIURL: srv.URL, APIGWURL: srv.URL, Username: "sandbox", Token: "sandbox",
			RequestsPerSecond: -1, StatusQueriesPerSecond: -1, RetryBaseDelay: time.Millisecond, RetryMaxDelay: 5 * time.Millisecond})}
	r.seed()
	ctx := context.Background()
	if err := st.CancelCampaign(ctx, r.campID); err != nil { // the SMS campaign seed made
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 78, Name: "Zap", Alias: "zap", Channel: campaign.WhatsApp, ListID: r.listID}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignWhatsApp(ctx, c.ID, w, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	r.campID = c.ID
	return r
}

// replied records WhatsApp replies from these recipients an hour ago.
func (r *waRig) replied(rows ...int) {
	db, err := sql.Open("sqlite3", r.dbPath)
	if err != nil {
		r.t.Fatal(err)
	}
	defer db.Close()
	for _, i := range rows {
		if _, err := db.Exec("INSERT INTO inbound (channel, provider_id, phone, received_at) VALUES ('whatsapp', ?, ?, ?)",
			fmt.Sprintf("mo-%d", i), fmt.Sprintf("55119%08d", i), time.Now().Add(-time.Hour).UnixMilli()); err != nil {
			r.t.Fatal(err)
		}
	}
}

func promo() message.WhatsApp {
	return message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{Namespace: "ns", ElementName: "promo",
		LanguageCode: "pt_BR", BodyText: "Olá {{1}}, cupom {{2}}", BodyParameters: []string{"{{nome}}", "NATAL"}}}
}

// sentOnce counts recipients by how often the sandbox got them.
func (r *waRig) sentOnce() (once, twice, never int) {
	first := firstMessageID(&r.rig)
	for i := 0; i < r.n; i++ {
		switch r.sb.SentCount(dispatch.CorrelationID(r.campID, first+int64(i))) {
		case 0:
			never++
		case 1:
			once++
		default:
			twice++
		}
	}
	return
}

func TestWhatsAppTemplatePerRecipient(t *testing.T) {
	r := newWARig(t, 1500, sandbox.Faults{}, false, promo())
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 1000}), 60*time.Second)
	once, twice, never := r.sentOnce()
	if once != r.n || twice != 0 || never != 0 {
		t.Errorf("ledger: %d once, %d twice, %d never, want all %d once", once, twice, never, r.n)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	if counts["accepted"] != int64(r.n) {
		t.Errorf("counts got %v, want %d accepted", counts, r.n)
	}
	dests := 0
	for _, req := range r.reqs {
		tp := req.Message.Template
		if tp == nil || tp.ElementName != "promo" || len(tp.BodyParameters) != 2 || req.CampaignAlias != "zap" {
			t.Fatalf("request got %+v, want the promo template with 2 parameters and the alias", req)
		}
		for _, d := range req.Destinations {
			var i int
			fmt.Sscanf(d.Destination, "55119%08d", &i)
			if want := fmt.Sprintf("Cliente %d", i); tp.BodyParameters[0] != want || tp.BodyParameters[1] != "NATAL" {
				t.Fatalf("%s got parameters %v, want [%s NATAL]", d.Destination, tp.BodyParameters, want)
			}
			if d.CorrelationID == "" {
				t.Fatalf("destination without correlationId")
			}
			dests++
		}
	}
	if dests != r.n {
		t.Errorf("destinations sent got %d, want %d", dests, r.n)
	}
}

func TestWhatsAppSameParametersShareARequest(t *testing.T) {
	w := promo()
	w.Template.BodyParameters[0] = "cliente"
	r := newWARig(t, 2500, sandbox.Faults{}, false, w)
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 1000}), 60*time.Second)
	if len(r.reqs) != 3 {
		t.Errorf("requests got %d, want 3 (one per batch of identical parameters)", len(r.reqs))
	}
	for _, req := range r.reqs {
		if len(req.Destinations) > 1000 {
			t.Errorf("request with %d destinations, want at most 1000", len(req.Destinations))
		}
	}
}

func TestWhatsAppFreeFormOnlyWithSession(t *testing.T) {
	r := newWARig(t, 200, sandbox.Faults{}, true, message.WhatsApp{Kind: message.WhatsAppText, Text: "Oi {{nome}}, respondendo!"})
	r.replied(1, 5, 150)
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 50}), 60*time.Second)
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	if counts["accepted"] != 3 || counts["failed"] != 197 {
		t.Errorf("counts got %v, want 3 accepted and 197 failed for lack of a session", counts)
	}
	if l := r.sb.Ledger(); l.WhatsApp != 3 {
		t.Errorf("sandbox got %d whatsapp messages, want 3", l.WhatsApp)
	}
	for _, m := range r.sb.Messages() {
		if !strings.HasPrefix(m.Text, "Oi Cliente ") {
			t.Errorf("sandbox got text %q, want it rendered", m.Text)
		}
	}
}

func TestWhatsApp503IsRetried(t *testing.T) {
	r := newWARig(t, 1000, sandbox.Faults{Status503Rate: 0.4}, false, promo())
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 100}), 90*time.Second)
	once, twice, never := r.sentOnce()
	if once != r.n || twice != 0 || never != 0 {
		t.Errorf("ledger: %d once, %d twice, %d never, want all %d once", once, twice, never, r.n)
	}
}

// An accepted request answered 500 cannot be looked up on WhatsApp: its
// messages are marked unknown and never sent again.
func TestWhatsAppAcceptThen500NotResent(t *testing.T) {
	r := newWARig(t, 1000, sandbox.Faults{AcceptThen500Rate: 0.4}, false, promo())
	r.runUntilDone(r.worker(dispatch.Config{BatchSize: 100}), 90*time.Second)
	once, twice, never := r.sentOnce()
	if twice != 0 || once != r.n || never != 0 {
		t.Errorf("ledger: %d once, %d twice, %d never, want all %d once", once, twice, never, r.n)
	}
	counts, _ := r.st.CampaignCounts(context.Background(), r.campID)
	if counts["unknown"] == 0 || counts["unknown"]+counts["accepted"] != int64(r.n) {
		t.Errorf("counts got %v, want some unknown and the rest accepted", counts)
	}
}

// After a crash, WhatsApp messages left submitting are marked unknown,
// not resent.
func TestWhatsAppRestartMarksUnknown(t *testing.T) {
	r := newWARig(t, 300, sandbox.Faults{}, false, promo())
	ctx := context.Background()
	now := time.Now()
	if err := r.st.StartCampaign(ctx, r.campID, now); err != nil {
		t.Fatal(err)
	}
	if _, err := r.st.Claim(ctx, r.campID, 0, 100, now); err != nil {
		t.Fatal(err)
	}
	r.runUntilDone(r.worker(dispatch.Config{}), 60*time.Second)
	counts, _ := r.st.CampaignCounts(ctx, r.campID)
	if counts["unknown"] != 100 || counts["accepted"] != 200 {
		t.Errorf("counts got %v, want 100 unknown and 200 accepted", counts)
	}
	if l := r.sb.Ledger(); l.WhatsApp != 200 {
		t.Errorf("sandbox got %d messages, want 200", l.WhatsApp)
	}
}

// TestWhatsAppPersonalisedRateLimitAndRetries sends 200 personalised
// WhatsApp templates (one request each) with 20 requests per second
// allowed while the provider answers 20% of requests 503. Every recipient
// must get exactly one message, no second may carry more requests than
// the limit allows, and the 503s must cost retries of their own
// recipients, not pauses of the whole campaign (which took 80-130 s).
func TestWhatsAppPersonalisedRateLimitAndRetries(t *testing.T) {
	const n, rps, burst = 200, 20, 2
	r := newWARig(t, n, sandbox.Faults{Status503Rate: 0.2}, false, promo())
	// The dispatcher's campaign-wide backoff as in production (1 s).
	took := r.runUntilDone(r.workerWith(dispatch.Config{BatchSize: 1000, RequestsPerSecond: rps, RetryBackoff: time.Second},
		wavysender.Config{RequestsPerSecond: rps}), 90*time.Second)
	once, twice, never := r.sentOnce()
	if once != n || twice != 0 || never != 0 {
		t.Errorf("ledger: %d once, %d twice, %d never, want all %d once", once, twice, never, n)
	}
	r.mu.Lock()
	times := slices.Clone(r.times)
	r.mu.Unlock()
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	// The limiter hands out tokens at the limit; the requests reach the
	// provider a little later, by varying amounts on a loaded machine, so
	// windows of two seconds are checked with a quarter second of slack.
	const window = 2 * time.Second
	worst := 0
	for i := range times {
		j := sort.Search(len(times), func(k int) bool { return !times[k].Before(times[i].Add(window)) })
		worst = max(worst, j-i)
	}
	if allowed := 2*rps + burst + rps/4; worst > allowed {
		t.Errorf("%d requests within %s, want at most %d (limit %d/s, burst %d)", worst, window, allowed, rps, burst)
	}
	if len(times) > 1 {
		if got := float64(len(times)-burst) / times[len(times)-1].Sub(times[0]).Seconds(); got > rps*1.05 {
			t.Errorf("average %.1f requests/s, want at most %d", got, rps)
		}
	}
	faults := r.sb.Ledger().Faults
	if faults == 0 || len(times) != n+int(faults) {
		t.Errorf("%d requests with %d answered 503, want %d recipients plus one retry per 503", len(times), faults, n)
	}
	t.Logf("%d personalised WhatsApp recipients, %d requests (%d answered 503) at %d/s: %s, busiest 2 s %d requests",
		n, len(times), faults, rps, took.Round(10*time.Millisecond), worst)
	if limit := 45 * time.Second; took > limit {
		t.Errorf("took %s, want under %s (the rate allows about %s)", took, limit, time.Duration(len(times))*time.Second/rps)
	}
}
