package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/fallback"
	"arauto/internal/report"
	"arauto/internal/wavy"
)

// waStatus is a WhatsApp status of message i of sd: a sent code, and a
// delivered code when not 0.
func waStatus(t *testing.T, sd seeded, i, sent, delivered int) ev {
	t.Helper()
	at := tAccept.Add(time.Minute)
	st := wavy.WhatsAppStatus{ID: fmt.Sprintf("w-%d", i), CorrelationID: sd.corr(i), Destination: sd.phones[i],
		Sent: sent == 2, SentStatusCode: sent, SentStatus: statusName(sent), SentAt: at, UpdatedAt: at}
	if delivered != 0 {
		st.Delivered, st.DeliveredStatusCode, st.DeliveredStatus, st.DeliveredAt = delivered == 4, delivered, statusName(delivered), at
	}
	return ev{delivery.KindWhatsAppStatus, waBody(t, st), time.Time{}}
}

// TestSweepFallbacks follows one WhatsApp campaign with a fallback through
// its statuses: the codes that mean "not reachable by WhatsApp" fall back
// at once, the silent ones after the wait, the others never; each once,
// however often the sweep runs.
func TestSweepFallbacks(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	sd := seedCampaign(t, s, 7, campaign.WhatsApp, true)
	set := fallback.Settings{Text: "Oi {{nome}}, veja por SMS", Wait: 2 * time.Hour}
	if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", set.Encode(), sd.campaignID); err != nil {
		t.Fatal(err)
	}
	// Message 6's number is suppressed after the start: its SMS is
	// recorded, never sent.
	if _, err := s.AddSuppressions(ctx, []string{sd.phones[6]}, "manual", ""); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, s,
		waStatus(t, sd, 0, 210, 0), // no session: falls back now
		waStatus(t, sd, 1, 2, 104), // not delivered: falls back now
		waStatus(t, sd, 2, 2, 4),   // delivered: never
		waStatus(t, sd, 3, 204, 0), // opted out: never
		waStatus(t, sd, 4, 2, 0),   // sent, silent: after the wait
		// 5: no status at all: after the wait
		waStatus(t, sd, 6, 202, 0), // not a WhatsApp user, suppressed
	)
	applyAll(t, s, tAccept.Add(time.Hour))

	steps := []struct {
		at      time.Duration
		queued  int
		fellFor []int
	}{
		{time.Hour, 3, []int{0, 1, 6}},
		{time.Hour + time.Minute, 0, []int{0, 1, 6}},
		{2 * time.Hour, 2, []int{0, 1, 4, 5, 6}},
		{48 * time.Hour, 0, []int{0, 1, 4, 5, 6}},
	}
	for _, st := range steps {
		n, err := s.SweepFallbacks(ctx, tAccept.Add(st.at), 100)
		if err != nil {
			t.Fatal(err)
		}
		if n != st.queued {
			t.Errorf("sweep at +%v queued %d, want %d", st.at, n, st.queued)
		}
		got, err := s.Fallbacks(ctx, sd.msgIDs)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(st.fellFor) {
			t.Errorf("at +%v %d messages fell back, want %d", st.at, len(got), len(st.fellFor))
		}
		for _, i := range st.fellFor {
			if _, ok := got[sd.msgIDs[i]]; !ok {
				t.Errorf("at +%v message %d has no fallback, want one", st.at, i)
			}
		}
	}
	got, err := s.Fallbacks(ctx, sd.msgIDs)
	if err != nil {
		t.Fatal(err)
	}
	wantReason := map[int]string{0: "code-210", 1: "code-104", 4: "timeout", 5: "timeout", 6: "code-202"}
	for i, r := range wantReason {
		fb := got[sd.msgIDs[i]]
		if fb.Reason != r {
			t.Errorf("message %d reason = %q, want %q", i, fb.Reason, r)
		}
		wantState := "queued"
		if i == 6 {
			wantState = "suppressed"
		}
		if fb.SMS.State != wantState || fb.SMS.Phone != sd.phones[i] {
			t.Errorf("message %d SMS = %s to %s, want %s to %s", i, fb.SMS.State, fb.SMS.Phone, wantState, sd.phones[i])
		}
	}

	counts, err := s.CampaignCounters(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	f := report.Summarize(counts, 0).Fallback
	if f.FellBack != 5 || f.Waiting != 4 || f.Suppressed != 1 || f.ByReason["timeout"] != 2 || f.ByReason["code-210"] != 1 {
		t.Errorf("fallback figures = %+v, want 5 fell back (2 timeout, 1 code-210), 4 waiting, 1 suppressed", f)
	}
	fig, err := s.FigureCounters(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if g := report.Summarize(fig, 0).Fallback; g.FellBack != f.FellBack || g.Waiting != f.Waiting {
		t.Errorf("figure counters give %+v, report counters %+v; want the same", g, f)
	}

	// The companion is hidden, and the dispatcher sends it: its claim
	// renders from the WhatsApp campaign's list.
	var companion int64
	if err := s.r.QueryRow("SELECT id FROM campaigns WHERE fallback_of = ?", sd.campaignID).Scan(&companion); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.ListCampaigns(ctx, CampaignFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range list {
		if c.ID == companion {
			t.Errorf("the SMS companion %d is listed, want it hidden", companion)
		}
	}
	claimed, err := s.Claim(ctx, companion, 0, 100, tAccept.Add(3*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(claimed) != 4 {
		t.Fatalf("claimed %d fallback SMS, want 4", len(claimed))
	}
	if claimed[0].Phone != sd.phones[0] || len(claimed[0].Fields) == 0 || claimed[0].Fields[0] != "Cliente 0" {
		t.Errorf("first claimed SMS = %s %v, want %s with the fields of its row", claimed[0].Phone, claimed[0].Fields, sd.phones[0])
	}
}

// TestSweepFallbacksWithoutSettingsOrBeforeLaunch checks nothing falls
// back without a fallback, and that the sweep respects its limit.
func TestSweepFallbacksLimitAndNoSettings(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	plain := seedCampaign(t, s, 3, campaign.WhatsApp, true)
	with := seedCampaign(t, s, 5, campaign.WhatsApp, true)
	set := fallback.Settings{Text: "Oi", Wait: time.Hour}
	if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", set.Encode(), with.campaignID); err != nil {
		t.Fatal(err)
	}
	later := tAccept.Add(2 * time.Hour)
	n, err := s.SweepFallbacks(ctx, later, 2)
	if err != nil || n != 2 {
		t.Fatalf("first sweep = %d %v, want 2 (the limit)", n, err)
	}
	n, err = s.SweepFallbacks(ctx, later, 10)
	if err != nil || n != 3 {
		t.Fatalf("second sweep = %d %v, want the other 3", n, err)
	}
	got, err := s.Fallbacks(ctx, plain.msgIDs)
	if err != nil || len(got) != 0 {
		t.Errorf("campaign without fallback has %d fallbacks (%v), want 0", len(got), err)
	}
}

// TestFallbackTriggerMatchesCodes checks the trigger that queues a
// message when its status is applied against fallback.Codes, the one
// table: every documented code, sent and delivered, queues exactly when
// the table says WhatsApp cannot reach the number.
func TestFallbackTriggerMatchesCodes(t *testing.T) {
	codes := []int{2, 4, 101, 102, 103, 104, 105, 201, 202, 203, 204, 205, 207, 209, 210, 213, 214, 215, 301, 401}
	s := openTestStore(t)
	sd := seedCampaign(t, s, 2*len(codes), campaign.WhatsApp, true)
	if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", fallback.Settings{Text: "Oi", Wait: time.Hour}.Encode(), sd.campaignID); err != nil {
		t.Fatal(err)
	}
	for i, code := range codes {
		for phase, col := range []string{"sent_code", "delivered_code"} {
			id := sd.msgIDs[2*i+phase]
			if _, err := s.w.Exec("UPDATE messages SET "+col+" = ? WHERE id = ?", code, id); err != nil {
				t.Fatal(err)
			}
			var queued int
			if err := s.r.QueryRow("SELECT count(*) FROM fallback_due WHERE message_id = ?", id).Scan(&queued); err != nil {
				t.Fatal(err)
			}
			if want := fallback.IsUnreachable(code, phase == 1); (queued == 1) != want {
				t.Errorf("%s %d queued %v, want %v (fallback.Codes)", col, code, queued == 1, want)
			}
		}
	}
}

// TestFallbackWaitsForPausedAndDropsCancelled: a paused campaign's
// unreachable recipients fall back once it runs again; a cancelled
// campaign's never do.
func TestFallbackWaitsForPausedAndDropsCancelled(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	paused := seedCampaign(t, s, 1, campaign.WhatsApp, true)
	cancelled := seedCampaign(t, s, 1, campaign.WhatsApp, true)
	set := fallback.Settings{Text: "Oi", Wait: 6 * time.Hour}
	for _, sd := range []seeded{paused, cancelled} {
		if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", set.Encode(), sd.campaignID); err != nil {
			t.Fatal(err)
		}
	}
	appendEvents(t, s, waStatus(t, paused, 0, 210, 0), waStatus(t, cancelled, 0, 210, 0))
	applyAll(t, s, tAccept.Add(time.Minute))
	if _, err := s.w.Exec("UPDATE campaigns SET state = 'paused' WHERE id = ?", paused.campaignID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec("UPDATE campaigns SET state = 'cancelled' WHERE id = ?", cancelled.campaignID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SweepFallbacks(ctx, tAccept.Add(2*time.Minute), 100); err != nil || n != 0 {
		t.Fatalf("sweep while paused and cancelled = %d %v, want 0", n, err)
	}
	if _, err := s.w.Exec("UPDATE campaigns SET state = 'running' WHERE id = ?", paused.campaignID); err != nil {
		t.Fatal(err)
	}
	n, err := s.SweepFallbacks(ctx, tAccept.Add(3*time.Minute), 100)
	if err != nil || n != 1 {
		t.Fatalf("sweep after the resume = %d %v, want 1 (the paused campaign's)", n, err)
	}
	got, err := s.Fallbacks(ctx, []int64{paused.msgIDs[0], cancelled.msgIDs[0]})
	if err != nil || len(got) != 1 || got[paused.msgIDs[0]].Reason != "code-210" {
		t.Errorf("fallbacks = %v %v, want only the paused campaign's, for 210", got, err)
	}
}

// BenchmarkSweepFallbacks measures a sweep of a 30,000-recipient
// WhatsApp campaign: with nothing due (every message waiting for its
// status: the walk stops at the first) and after statuses put 9,000 in
// the queue (drained 5,000 a sweep, as the Sweeper does).
func BenchmarkSweepFallbacks(b *testing.B) {
	ctx := context.Background()
	s := openTestStore(b)
	const n = 30_000
	sd := seedCampaign(b, s, n, campaign.WhatsApp, true)
	if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", fallback.Settings{Text: "Oi {{nome}}", Wait: 24 * time.Hour}.Encode(), sd.campaignID); err != nil {
		b.Fatal(err)
	}
	at := tAccept.Add(time.Hour)
	b.Run("nothing due", func(b *testing.B) {
		for b.Loop() {
			if got, err := s.SweepFallbacks(ctx, at, 5000); err != nil || got != 0 {
				b.Fatalf("sweep = %d %v, want 0", got, err)
			}
		}
	})
	b.Run("9000 due", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := s.w.Exec("DELETE FROM fallbacks"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.w.Exec("UPDATE messages SET sent_code = 0 WHERE campaign_id = ?", sd.campaignID); err != nil {
				b.Fatal(err)
			}
			if _, err := s.w.Exec("UPDATE messages SET sent_code = 202 WHERE campaign_id = ? AND id % 10 < 3", sd.campaignID); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			total := 0
			for {
				got, err := s.SweepFallbacks(ctx, at, 5000)
				if err != nil {
					b.Fatal(err)
				}
				total += got
				if got < 5000 {
					break
				}
			}
			if total != 9_000 {
				b.Fatalf("swept %d, want 9000", total)
			}
		}
	})
}

// TestRecentCampaignsCarryTheFallback: the dashboard's counters of a
// WhatsApp campaign include its fallbacks and its hidden SMS companion's
// counters, as FigureCounters reads them, so its figures and cost count
// the SMS.
func TestRecentCampaignsCarryTheFallback(t *testing.T) {
	ctx := context.Background()
	s := openTestStore(t)
	sd := seedCampaign(t, s, 3, campaign.WhatsApp, true)
	set := fallback.Settings{Text: "Oi {{nome}}, veja por SMS", Wait: 2 * time.Hour}
	if _, err := s.w.Exec("UPDATE campaigns SET fallback = ? WHERE id = ?", set.Encode(), sd.campaignID); err != nil {
		t.Fatal(err)
	}
	appendEvents(t, s, waStatus(t, sd, 0, 210, 0))
	applyAll(t, s, tAccept.Add(time.Hour))
	if _, err := s.SweepFallbacks(ctx, tAccept.Add(time.Hour), 100); err != nil {
		t.Fatal(err)
	}
	want, err := s.FigureCounters(ctx, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := s.RecentCampaigns(ctx, tAccept.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]int64
	for _, c := range cs {
		if c.ID == sd.campaignID {
			got = c.Counts
		}
	}
	if got[report.KeyFallbacks] != 1 || got[report.FallbackPrefix+"queued"] != 1 {
		t.Fatalf("dashboard counters %v, want 1 fallback and its SMS queued", got)
	}
	for k, n := range want {
		if strings.HasPrefix(k, report.FallbackPrefix) && got[k] != n {
			t.Errorf("dashboard %s = %d, the campaign's figures say %d", k, got[k], n)
		}
	}
}
