package store

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/frequency"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
)

// acceptAll is a provider that takes every message and remembers the
// numbers it was given.
type acceptAll struct {
	mu     sync.Mutex
	phones []string
}

func (a *acceptAll) Send(_ context.Context, b dispatch.Batch) ([]dispatch.Accepted, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var acc []dispatch.Accepted
	for _, m := range b.Messages {
		a.phones = append(a.phones, m.Phone)
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("p-%d", m.ID)})
	}
	return acc, nil
}

func (a *acceptAll) Find(context.Context, []string) (map[string]string, error) { return nil, nil }

func (a *acceptAll) sent() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := slices.Clone(a.phones)
	slices.Sort(out)
	return out
}

// clock is a settable now.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// listOf stores a ready list of the given numbers.
func listOf(t *testing.T, s *Store, phones ...string) int64 {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var rs []recipient.Recipient
	for i, p := range phones {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: p, Fields: []string{"Cliente"}})
	}
	if err := s.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishListImport(ctx, l.ID, recipient.Report{Rows: len(rs), Valid: len(rs), Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	return l.ID
}

// scheduledCampaign stores an SMS campaign to the list, scheduled from at.
func scheduledCampaign(t *testing.T, s *Store, listID int64, sc schedule.Schedule, at time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	remoteIDs++
	c := &campaign.Campaign{RemoteID: 5000 + remoteIDs, Name: fmt.Sprintf("C%d", remoteIDs), Alias: fmt.Sprintf("aud%d", remoteIDs),
		Channel: campaign.SMS, ListID: listID, Message: "Oi {{nome}}", State: campaign.Draft}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCampaignSchedule(ctx, c.ID, sc, at); err != nil {
		t.Fatal(err)
	}
	if err := s.LaunchCampaign(ctx, c.ID, at, at); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// runWorker runs a worker over s until the test ends.
func runWorker(t *testing.T, s *Store, snd dispatch.Sender, cfg dispatch.Config) *dispatch.Worker {
	t.Helper()
	cfg.PollInterval = 10 * time.Millisecond
	w := dispatch.New(s, snd, cfg, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// waitCounts waits until the campaign's dispatch counters are want.
func waitCounts(t *testing.T, s *Store, id int64, want map[string]int64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, err := s.CampaignCounts(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range got {
			if v == 0 {
				delete(got, k)
			}
		}
		if fmt.Sprint(got) == fmt.Sprint(want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %d counts got %v, want %v", id, got, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLocalTimeClaimsOnlyOpenAreas sends a 9h-20h campaign in each
// recipient's own time: at 09:30 in Brasília, São Paulo and Recife (with
// Fernando de Noronha at 10:30) receive; Manaus (08:30) and Acre (07:30)
// wait, and receive once their clocks reach 9h. A number abroad follows the
// campaign's zone.
func TestLocalTimeClaimsOnlyOpenAreas(t *testing.T) {
	s := openTestStore(t)
	sp, ac, am, pe, us := "5511987650001", "5568999870002", "5592981230003", "5581988880004", "14155550100"
	listID := listOf(t, s, sp, ac, am, pe, us)
	clk := &clock{t: time.Date(2026, 5, 12, 12, 30, 0, 0, time.UTC)} // a Tuesday, 09:30 in Brasília
	sc := schedule.Schedule{SendNow: true, Zone: "America/Sao_Paulo", LocalTime: true,
		Window: schedule.Window{Hours: []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}}}
	id := scheduledCampaign(t, s, listID, sc, clk.now())
	snd := &acceptAll{}
	w := runWorker(t, s, snd, dispatch.Config{Now: clk.now})
	waitCounts(t, s, id, map[string]int64{"accepted": 3, "queued": 2})
	if got, want := snd.sent(), []string{us, sp, pe}; fmt.Sprint(got) != fmt.Sprint(sortedCopy(want)) {
		t.Errorf("sent at 09:30 Brasília got %v, want São Paulo, Recife and the number abroad %v", got, sortedCopy(want))
	}
	clk.set(time.Date(2026, 5, 12, 13, 30, 0, 0, time.UTC)) // 09:30 in Manaus, 08:30 in Acre
	w.Wake()
	waitCounts(t, s, id, map[string]int64{"accepted": 4, "queued": 1})
	clk.set(time.Date(2026, 5, 12, 14, 5, 0, 0, time.UTC)) // 09:05 in Acre
	w.Wake()
	waitCounts(t, s, id, map[string]int64{"accepted": 5})
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// TestFrequencyCapSkipsAndNamesTheRule sends two campaigns to the same
// numbers the same day under "at most 1 SMS per number per day": the second
// reaches only the number the first did not, and counts the others as
// capped under the rule.
func TestFrequencyCapSkipsAndNamesTheRule(t *testing.T) {
	s := openTestStore(t)
	a, b, c := "5511987650001", "5511987650002", "5521987650003"
	first := listOf(t, s, a, b)
	second := listOf(t, s, a, b, c)
	clk := &clock{t: time.Date(2026, 5, 12, 12, 0, 0, 0, time.UTC)}
	rule := frequency.Rule{Channel: "sms", Max: 1, Days: 1}
	snd := &acceptAll{}
	runWorker(t, s, snd, dispatch.Config{Now: clk.now, FrequencyCap: func(_ context.Context, ch string) (frequency.Rule, error) {
		if ch == "sms" {
			return rule, nil
		}
		return frequency.Rule{}, nil
	}})
	sc := schedule.Schedule{SendNow: true}
	id1 := scheduledCampaign(t, s, first, sc, clk.now())
	waitCounts(t, s, id1, map[string]int64{"accepted": 2})
	clk.set(clk.now().Add(3 * time.Hour))
	id2 := scheduledCampaign(t, s, second, sc, clk.now())
	waitCounts(t, s, id2, map[string]int64{"accepted": 1, CappedState: 2})
	counters, err := s.CampaignCounters(context.Background(), id2)
	if err != nil {
		t.Fatal(err)
	}
	if got := counters["cap:"+rule.Reason()]; got != 2 {
		t.Errorf("counter of the rule got %d, want 2 (counters %v)", got, counters)
	}
	if got := snd.sent(); fmt.Sprint(got) != fmt.Sprint([]string{a, b, c}) {
		t.Errorf("provider got %v, want each number once", got)
	}
	// A day later the cap no longer holds.
	clk.set(clk.now().Add(24 * time.Hour))
	id3 := scheduledCampaign(t, s, first, sc, clk.now())
	waitCounts(t, s, id3, map[string]int64{"accepted": 2})
}
