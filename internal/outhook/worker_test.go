package outhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/outhook"
	"arauto/store/storetest"
)

// receiver is a local webhook receiver that checks signatures and answers
// the statuses it is told to, in turn.
type receiver struct {
	t      *testing.T
	secret string
	mu     sync.Mutex
	answer []int
	got    []map[string]any
	bad    int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := outhook.Verify(r.secret, req.Header.Get(outhook.SignatureHeader), body, time.Now(), 48*time.Hour); err != nil {
		r.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	status := http.StatusOK
	if len(r.answer) > 0 {
		status, r.answer = r.answer[0], r.answer[1:]
	}
	if status == http.StatusOK {
		var ev map[string]any
		json.Unmarshal(body, &ev)
		r.got = append(r.got, ev)
	}
	w.WriteHeader(status)
	io.WriteString(w, "answered")
}

func TestSignedInOrderWithRetryAfterA500(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	rcv := &receiver{t: t, secret: outhook.NewSecret(), answer: []int{http.StatusInternalServerError}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	ep := &outhook.Endpoint{URL: srv.URL, Events: []string{outhook.CampaignStateChange}, Active: true, Secret: rcv.secret}
	if err := st.CreateEndpoint(ctx, ep, 0); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	clock := func() time.Time { return now }
	cp := &campaign.Campaign{RemoteID: 7, Name: "Black Friday", Alias: "bf", Channel: campaign.SMS}
	if err := st.CreateCampaign(ctx, cp); err != nil {
		t.Fatal(err)
	}
	for _, move := range [][2]campaign.State{{campaign.Draft, campaign.Scheduled}, {campaign.Scheduled, campaign.Running}, {campaign.Running, campaign.Paused}} {
		if err := st.SetCampaignState(ctx, cp.ID, move[0], move[1], now); err != nil {
			t.Fatal(err)
		}
	}
	w := outhook.NewWorker(st, outhook.Options{Now: clock})
	eps, err := w.Reload(ctx)
	if err != nil || len(eps) != 1 {
		t.Fatalf("got %d receivers, %v; want 1", len(eps), err)
	}
	if n, err := w.FanOut(ctx); err != nil || n != 3 {
		t.Fatalf("fan out: got %d facts, %v; want 3", n, err)
	}
	// The first event is refused with a 500: the two after it wait, so
	// the receiver never sees them out of order.
	if n, down, err := w.Round(ctx, eps[0], 256); err != nil || n != 1 || down {
		t.Fatalf("first round: got %d tried (unreachable %v), %v; want 1 (one subject, in order), the receiver reached", n, down, err)
	}
	if n, _, _ := w.Round(ctx, eps[0], 256); n != 0 {
		t.Fatalf("got %d tried before the retry is due, want 0", n)
	}
	log, err := st.DeliveryLog(ctx, ep.ID, "", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var first outhook.Delivery
	for _, d := range log {
		if d.Attempts == 1 {
			first = d
		}
	}
	if first.LastStatus != 500 || first.LastBody != "answered" || first.State != "pending" {
		t.Fatalf("got last answer %d %q state %s, want 500 \"answered\" pending", first.LastStatus, first.LastBody, first.State)
	}
	now = now.Add(outhook.Backoff(1) + time.Second)
	for range 3 {
		if _, _, err := w.Round(ctx, eps[0], 256); err != nil {
			t.Fatal(err)
		}
	}
	if rcv.bad != 0 {
		t.Errorf("got %d deliveries with a bad signature", rcv.bad)
	}
	var tos []string
	for _, ev := range rcv.got {
		tos = append(tos, ev["data"].(map[string]any)["to"].(string))
	}
	if want := []string{"scheduled", "running", "paused"}; len(tos) != 3 || tos[0] != want[0] || tos[1] != want[1] || tos[2] != want[2] {
		t.Fatalf("got states %v, want %v in order", tos, want)
	}
}

func TestNoFactsWithoutAReceiver(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	cp := &campaign.Campaign{RemoteID: 8, Name: "Quiet", Alias: "quiet", Channel: campaign.SMS}
	if err := st.CreateCampaign(ctx, cp); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, cp.ID, campaign.Draft, campaign.Scheduled, time.Now()); err != nil {
		t.Fatal(err)
	}
	facts, err := st.OutgoingFacts(ctx, 10)
	if err != nil || len(facts) != 0 {
		t.Fatalf("got %d facts, %v; want none while no receiver is active", len(facts), err)
	}
}

func TestRetriesForADayThenGivesUp(t *testing.T) {
	total, attempts := time.Duration(0), 0
	for total <= outhook.GiveUpAfter {
		attempts++
		total += outhook.Backoff(attempts)
	}
	if attempts < 8 || attempts > 12 {
		t.Errorf("got %d attempts within a day, want about 10", attempts)
	}
	if got := outhook.Backoff(1); got > 10*time.Second {
		t.Errorf("got a first retry after %v, want within seconds", got)
	}
}
