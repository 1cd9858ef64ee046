package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/abpick"
	"arauto/internal/abtest"
	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/report"
	"arauto/internal/schedule"
	"arauto/internal/sms"
)

// provider is a fake Wavy that remembers every message it took (by
// correlationId), so a status search finds them; while lose is set it
// takes a batch and loses the answer, as when the process dies between
// the request and recording it.
type provider struct {
	mu    sync.Mutex
	took  map[string]string // correlationId -> text
	sends map[string]int    // phone -> times taken
	texts map[string]string // phone -> last text taken
	lose  bool
}

func newProvider() *provider {
	return &provider{took: map[string]string{}, sends: map[string]int{}, texts: map[string]string{}}
}

func (p *provider) Send(_ context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var acc []dispatch.Accepted
	for _, m := range b.Messages {
		corr := dispatch.CorrelationID(m.CampaignID, m.ID)
		p.took[corr] = m.Text
		p.sends[m.Phone]++
		p.texts[m.Phone] = m.Text
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: "p-" + corr})
	}
	if p.lose {
		return nil, errors.New("connection reset by peer")
	}
	return acc, nil
}

func (p *provider) Find(_ context.Context, ids []string) (map[string]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]string{}
	for _, id := range ids {
		if _, ok := p.took[id]; ok {
			out[id] = "p-" + id
		}
	}
	return out, nil
}

func (p *provider) setLose(v bool) { p.mu.Lock(); p.lose = v; p.mu.Unlock() }

func (p *provider) snapshot() (map[string]int, map[string]string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, t := map[string]int{}, map[string]string{}
	for k, v := range p.sends {
		s[k] = v
	}
	for k, v := range p.texts {
		t[k] = v
	}
	return s, t
}

func abWorkerConfig() dispatch.Config {
	return dispatch.Config{ReconcileAfter: time.Hour, Compile: dispatch.SMSCompiler(func(context.Context) (sms.Rule, error) { return sms.Default, nil })}
}

// TestABTestSendsTheRemainderOnceAcrossACrash runs an A/B campaign end to
// end through the real dispatcher: the test share goes with its variants,
// the rest waits; the winner is chosen (twice, concurrently: by the
// scheduler and by hand) and the process dies while the remainder is on
// the wire; after the restart every recipient has exactly one message,
// the remainder with the winner's text.
func TestABTestSendsTheRemainderOnceAcrossACrash(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	phones := make([]string, 200)
	for i := range phones {
		phones[i] = fmt.Sprintf("5511977%06d", i)
	}
	listID := listOf(t, s, phones...)
	start := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	set := abtest.Settings{Others: []string{"Variante B {{nome}}"}, Share: 20, Criterion: "delivery", Wait: time.Hour}
	id := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, start,
		"abtest = '"+set.Encode()+"'", "ab_seed = 7")
	prov := newProvider()
	cfg := abWorkerConfig()
	stop := startWorker(t, s, prov, cfg)
	waitCounts(t, s, id, map[string]int64{"accepted": 40, "held": 160})
	// The test share: 20 of each variant, each with its own text.
	sends, texts := prov.snapshot()
	byText := map[string]int{}
	for _, txt := range texts {
		byText[strings.Fields(txt)[0]]++
	}
	if len(sends) != 40 || byText["Oi"] != 20 || byText["Variante"] != 20 {
		t.Fatalf("test phase sent %d numbers, texts %v; want 40, 20 of A (Oi) and 20 of B (Variante)", len(sends), byText)
	}
	stats, err := s.VariantStats(ctx, id, 2)
	if err != nil || stats[0].Sent != 20 || stats[1].Sent != 20 {
		t.Fatalf("variant stats got %+v %v, want 20 sent each", stats, err)
	}
	// Not due before the wait ends.
	if due, err := s.DueABTests(ctx, time.Now()); err != nil || len(due) != 0 {
		t.Fatalf("due tests before the wait got %v %v, want none", due, err)
	}
	// The remainder's answers get lost: the process dies with them on the wire.
	prov.setLose(true)
	picker := &abpick.Picker{Store: s, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }}
	var wg sync.WaitGroup
	var hand error
	var auto int
	wg.Add(2)
	go func() { defer wg.Done(); auto, _ = picker.PickDue(ctx) }()
	go func() { defer wg.Done(); hand = picker.ChooseByHand(ctx, id, 2, "Ana") }()
	wg.Wait()
	if (auto == 1) == (hand == nil) {
		t.Fatalf("scheduler chose %d, by hand err %v; want exactly one of them to choose", auto, hand)
	}
	waitCounts(t, s, id, map[string]int64{"accepted": 40, "submitting": 160})
	stop()
	prov.setLose(false)
	// Restart: the reconciler finds the remainder at the provider.
	startWorker(t, s, prov, cfg)
	waitCounts(t, s, id, map[string]int64{"accepted": 200})
	sends, texts = prov.snapshot()
	if len(sends) != 200 {
		t.Fatalf("%d numbers got a message, want all 200", len(sends))
	}
	st, err := s.CampaignABTest(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	for p, n := range sends {
		if n != 1 {
			t.Errorf("%s got %d messages, want 1", p, n)
		}
	}
	rows, err := s.r.QueryContext(ctx, "SELECT phone, variant FROM messages WHERE campaign_id = ?", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		var v int
		if err := rows.Scan(&p, &v); err != nil {
			t.Fatal(err)
		}
		if v < 0 && -v != st.Winner {
			t.Errorf("%s of the remainder names variant %d, want the winner %d", p, -v, st.Winner)
		}
		sent := max(v, -v)
		want := set.Text("Oi", sent)
		if got := strings.Fields(texts[p])[0]; got != strings.Fields(want)[0] {
			t.Errorf("%s (variant %d, winner %d) got %q, want %q", p, v, st.Winner, texts[p], want)
		}
	}
}

// startWorker runs a worker until stop (or the test's end).
func startWorker(t *testing.T, s *Store, snd dispatch.Sender, cfg dispatch.Config) (stop func()) {
	t.Helper()
	cfg.PollInterval = 10 * time.Millisecond
	w := dispatch.New(s, snd, cfg, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// TestChooseWinnerOnlyOnce checks the conditional UPDATE: a second choice,
// a variant the test lacks, or a campaign without a test change nothing.
func TestChooseWinnerOnlyOnce(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	listID := listOf(t, s, "5511911110001", "5511911110002", "5511911110003", "5511911110004")
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	set := abtest.Settings{Others: []string{"B", "C"}, Share: 50, Criterion: "reply", Manual: true}
	id := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, at, "abtest = '"+set.Encode()+"'")
	plain := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, at)
	for _, c := range []int64{id, plain} {
		if err := s.StartCampaign(ctx, c, at); err != nil {
			t.Fatal(err)
		}
	}
	counts, _ := s.CampaignCounts(ctx, id)
	if counts["queued"] != 3 || counts["held"] != 1 {
		t.Fatalf("after the split counts = %v, want 3 test rows queued (at least one per variant) and 1 held", counts)
	}
	if st, _ := s.CampaignABTest(ctx, id); !st.DecideAt.IsZero() || !st.Assigned {
		t.Fatalf("a test chosen by hand got decide at %v, assigned %v; want none, assigned", st.DecideAt, st.Assigned)
	}
	tests := []struct {
		name     string
		campaign int64
		variant  int
		chose    bool
		err      error
	}{
		{"variant the test lacks", id, 4, false, ErrNoTest},
		{"campaign without a test", plain, 1, false, ErrNoTest},
		{"first choice", id, 3, true, nil},
		{"second choice", id, 1, false, nil},
	}
	for _, tt := range tests {
		chose, err := s.ChooseWinner(ctx, tt.campaign, tt.variant, "Ana", "hand", at)
		if chose != tt.chose || !errors.Is(err, tt.err) {
			t.Errorf("%s: chose %v err %v, want %v %v", tt.name, chose, err, tt.chose, tt.err)
		}
	}
	st, _ := s.CampaignABTest(ctx, id)
	if st.Winner != 3 || st.DecidedBy != "Ana" || st.Reason != "hand" {
		t.Errorf("winner = %d by %q (%s), want C by Ana (hand)", st.Winner, st.DecidedBy, st.Reason)
	}
	counts, _ = s.CampaignCounts(ctx, id)
	if counts["queued"] != 4 || counts["held"] != 0 {
		t.Errorf("after the choice counts = %v, want all 4 queued", counts)
	}
}

// TestCancelDropsTheHeldRemainder: a cancelled test campaign never sends
// its remainder, and can complete.
func TestCancelDropsTheHeldRemainder(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	listID := listOf(t, s, "5511911120001", "5511911120002", "5511911120003", "5511911120004", "5511911120005")
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	set := abtest.Settings{Others: []string{"B"}, Share: 20, Criterion: "delivery", Wait: time.Hour}
	id := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, at, "abtest = '"+set.Encode()+"'")
	if err := s.StartCampaign(ctx, id, at); err != nil {
		t.Fatal(err)
	}
	if err := s.CancelCampaign(ctx, id); err != nil {
		t.Fatal(err)
	}
	counts, _ := s.CampaignCounts(ctx, id)
	if counts["held"] != 0 || counts["cancelled"] != 5 {
		t.Errorf("after cancel counts = %v, want 5 cancelled, none held", counts)
	}
	if chose, err := s.ChooseWinner(ctx, id, 1, "", "delivery", at); chose || err != nil {
		t.Errorf("choosing for a cancelled campaign: chose %v err %v, want nothing chosen", chose, err)
	}
}

// TestDuplicateCarriesTheTest: a copy is a draft with the same variants
// and settings, its own seed, and no winner.
func TestDuplicateCarriesTheTest(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	listID := listOf(t, s, "5511911130001", "5511911130002")
	at := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	set := abtest.Settings{Others: []string{"B {{nome}}"}, Share: 50, Criterion: "reply", Manual: true}
	id := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, at, "abtest = '"+set.Encode()+"'", "ab_seed = 7")
	if err := s.StartCampaign(ctx, id, at); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChooseWinner(ctx, id, 2, "Ana", "hand", at); err != nil {
		t.Fatal(err)
	}
	remoteIDs++
	cp := &campaign.Campaign{RemoteID: 7000 + remoteIDs, Name: "Cópia", Alias: fmt.Sprint("copia", remoteIDs)}
	if err := s.CopyCampaign(ctx, cp, id, time.Time{}); err != nil {
		t.Fatal(err)
	}
	got, err := s.CampaignABTest(ctx, cp.ID)
	if err != nil || fmt.Sprint(got.Settings) != fmt.Sprint(set) || got.Winner != 0 || got.Assigned {
		t.Errorf("copy's test %+v %v, want the same settings, unassigned, no winner", got, err)
	}
	var seed int64
	if err := s.r.QueryRowContext(ctx, "SELECT ab_seed FROM campaigns WHERE id = ?", cp.ID).Scan(&seed); err != nil || seed == 7 || seed < 0 {
		t.Errorf("copy's seed %d %v, want a fresh non-negative one", seed, err)
	}
}

// TestVariantStatsAgreeWithTheReport: the per-variant delivered figure is
// the report's (report.KeyDelivered), message by message: a 104 after a
// sent status, a failed sent code, a delivered one.
func TestVariantStatsAgreeWithTheReport(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	phones := make([]string, 40)
	for i := range phones {
		phones[i] = fmt.Sprintf("5511955%06d", i)
	}
	listID := listOf(t, s, phones...)
	set := abtest.Settings{Others: []string{"B"}, Share: 50, Criterion: "delivery", Manual: true}
	id := scheduledCampaign(t, s, listID, schedule.Schedule{SendNow: true}, tAccept, "abtest = '"+set.Encode()+"'", "ab_seed = 3")
	if err := s.StartCampaign(ctx, id, tAccept); err != nil {
		t.Fatal(err)
	}
	claimed, err := s.Claim(ctx, id, 0, 100, tAccept)
	if err != nil || len(claimed) != 20 {
		t.Fatalf("claimed %d %v, want the 20 test rows", len(claimed), err)
	}
	var acc []dispatch.Accepted
	var evs []ev
	sent := tAccept.Add(time.Second)
	for i, m := range claimed {
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("ab-%d", m.ID)})
		corr := dispatch.CorrelationID(id, m.ID)
		switch i % 4 {
		case 0:
			evs = append(evs, ev{delivery.KindSMSStatus, dlrBody(t, dlr(corr, "VIVO", sent, 4, sent.Add(time.Second))), time.Time{}})
		case 1:
			evs = append(evs, ev{delivery.KindSMSStatus, dlrBody(t, dlr(corr, "VIVO", sent, 104, sent.Add(time.Second))), time.Time{}})
		case 2:
			evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(corr, "VIVO", 202, sent)), time.Time{}})
		}
	}
	if err := s.Accept(ctx, id, acc, tAccept); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, s, evs...)
	applyAll(t, s, tAccept.Add(time.Minute))
	stats, err := s.VariantStats(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	counts := reportCounts(t, s, id)
	if got := stats[0].Delivered + stats[1].Delivered; got != counts[report.KeyDelivered] || got != 5 {
		t.Errorf("variants delivered %d (%+v), the report %d; want both 5", got, stats, counts[report.KeyDelivered])
	}
	dispatchCounts, _ := s.CampaignCounts(ctx, id)
	if got := stats[0].Sent + stats[1].Sent; got != dispatchCounts[report.StateAccepted] || got != 20 {
		t.Errorf("variants sent %d, the report's submitted %d; want both 20", got, dispatchCounts[report.StateAccepted])
	}
}

// TestLocalTimeRemainderGoesOnceReleased: a test sent in each recipient's
// own time sends its remainder as soon as the winner is chosen (the
// dispatcher is woken), not when the open areas next change; the areas
// still closed keep theirs queued.
func TestLocalTimeRemainderGoesOnceReleased(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	var phones []string
	for i := range 10 {
		phones = append(phones, fmt.Sprintf("55119876%05d", i)) // São Paulo
	}
	phones = append(phones, "5568999870002") // Acre: closed at 09:30 Brasília
	listID := listOf(t, s, phones...)
	clk := &clock{t: time.Date(2026, 5, 12, 12, 30, 0, 0, time.UTC)}
	sc := schedule.Schedule{SendNow: true, Zone: "America/Sao_Paulo", LocalTime: true,
		Window: schedule.Window{Hours: []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}}}
	set := abtest.Settings{Others: []string{"B"}, Share: 20, Criterion: "delivery", Manual: true}
	id := scheduledCampaign(t, s, listID, sc, clk.now(), "abtest = '"+set.Encode()+"'", "ab_seed = 5")
	snd := &acceptAll{}
	cfg := abWorkerConfig()
	cfg.Now = clk.now
	w := runWorker(t, s, snd, cfg)
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, _ := s.CampaignCounts(ctx, id)
		if c["held"] > 0 && c["queued"]+c["submitting"] == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Idle for these areas now; the choice releases the rest.
	time.Sleep(50 * time.Millisecond)
	if _, err := s.ChooseWinner(ctx, id, 2, "Ana", "hand", clk.now()); err != nil {
		t.Fatal(err)
	}
	w.Wake()
	deadline = time.Now().Add(5 * time.Second)
	for {
		c, _ := s.CampaignCounts(ctx, id)
		acre := 0
		if slices.Contains(snd.sent(), "5568999870002") {
			acre = 1
		}
		if c["accepted"] == 10 && c["queued"] == 1 && acre == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the choice counts %v, Acre sent %d; want the 10 of São Paulo accepted, Acre still queued", c, acre)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
