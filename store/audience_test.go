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
	"arauto/internal/contact"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/frequency"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/segment"
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
func scheduledCampaign(t *testing.T, s *Store, listID int64, sc schedule.Schedule, at time.Time, set ...string) int64 {
	t.Helper()
	ctx := context.Background()
	remoteIDs++
	c := &campaign.Campaign{RemoteID: 5000 + remoteIDs, Name: fmt.Sprintf("C%d", remoteIDs), Alias: fmt.Sprintf("aud%d", remoteIDs),
		Channel: campaign.SMS, ListID: listID, Message: "Oi {{nome}}", State: campaign.Draft}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	for _, col := range set {
		if _, err := s.w.ExecContext(ctx, "UPDATE campaigns SET "+col+" WHERE id = ?", c.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveCampaignSchedule(ctx, c.ID, sc, at); err != nil {
		t.Fatal(err)
	}
	if err := s.LaunchCampaign(ctx, c.ID, at, 0, at); err != nil {
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
	// Messages sent one by one through the API (a transactional stream)
	// are never held back by the marketing rule.
	idT := scheduledCampaign(t, s, second, sc, clk.now(), "api_stream = 1")
	waitCounts(t, s, idT, map[string]int64{"accepted": 3})
}

// TestContactActivityFollowsSendsAndEvents: an accepted message, a
// delivery and a reply show on the contact, and an opt-in reply becomes
// its consent.
func TestContactActivityFollowsSendsAndEvents(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	phone := "5511987650001"
	src, err := s.StartContactImport(ctx, listOf(t, s, phone), []string{"nome"})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := contact.NewEncoder([]string{"nome"}).Encode(phone, 2, []string{"Ana"})
	if err := s.UpsertContacts(ctx, src, []contact.Record{rec}); err != nil {
		t.Fatal(err)
	}
	never := segment.Filter{Match: segment.All, Rules: []segment.Rule{{Kind: segment.KindNeverMessaged}}}
	if n, _ := s.CountSegment(ctx, never, time.Now()); n != 1 {
		t.Fatalf("never messaged before sending got %d, want 1", n)
	}
	sd := seedCampaign(t, s, 1, campaign.SMS, false)
	// seedCampaign makes its own numbers; send to ours instead.
	if _, err := s.w.Exec("UPDATE messages SET phone = ? WHERE id = ?", phone, sd.msgIDs[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.Accept(ctx, sd.campaignID, []dispatch.Accepted{{MessageID: sd.msgIDs[0], ProviderID: "p1"}}, tAccept); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.CountSegment(ctx, never, time.Now()); n != 0 {
		t.Errorf("never messaged after sending got %d, want 0", n)
	}
	delivered, replied := tAccept.Add(time.Minute), tAccept.Add(time.Hour)
	err = s.ApplyBatch(ctx, func(b delivery.Batch) error {
		return b.Commit(ctx, delivery.Changes{
			States:  []delivery.State{{ID: sd.msgIDs[0], CampaignID: sd.campaignID, Phone: phone, Carrier: "VIVO", DeliveredCode: 4, DeliveredAt: toMS(delivered)}},
			Replies: []delivery.Reply{{Channel: "sms", ProviderID: "mo-1", Phone: phone, Text: "SIM, quero", ReceivedAt: replied, OptIn: "SIM"}},
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Contact(ctx, phone)
	if err != nil {
		t.Fatal(err)
	}
	if !c.LastSent.Equal(tAccept) || !c.LastDelivered.Equal(delivered) || !c.LastReplied.Equal(replied) || c.Carrier != "VIVO" {
		t.Errorf("contact got sent %s delivered %s replied %s carrier %q, want the times and VIVO", c.LastSent, c.LastDelivered, c.LastReplied, c.Carrier)
	}
	srcs, err := s.ContactSources(ctx, []int64{c.Consent})
	if err != nil || len(srcs) != 1 || srcs[0].Kind != contact.SourceKeyword || srcs[0].Basis != contact.BasisConsent || len(c.Sources) != 2 {
		t.Errorf("consent got %+v (sources %v) %v, want the keyword reply, after the import", srcs, c.Sources, err)
	}
	within := segment.Filter{Match: segment.All, Rules: []segment.Rule{{Kind: segment.KindDelivered, Days: 1}, {Kind: segment.KindReplied, Days: 1}}}
	if n, _ := s.CountSegment(ctx, within, replied.Add(time.Hour)); n != 1 {
		t.Errorf("delivered and replied within a day got %d, want 1", n)
	}
	if n, _ := s.CountSegment(ctx, within, replied.Add(48*time.Hour)); n != 0 {
		t.Errorf("two days later got %d, want 0", n)
	}
}
