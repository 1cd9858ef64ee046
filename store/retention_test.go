package store

import (
	"arauto/store/internal/pgtest"
	"context"
	"maps"
	"reflect"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/report"
	"arauto/internal/retention"
)

// TestPruningKeepsReportFigures prunes a finished, fully reported
// campaign's raw events, reply texts and per-recipient rows, and checks
// that its report, its counters and the dashboard read exactly as before
// while the rows are gone and the file gives the space back.
func TestPruningKeepsReportFigures(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 300, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	var evs []ev
	for i := range 300 {
		switch {
		case i%10 == 0:
			evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "CLARO", 202, sent)), time.Time{}})
		case i%7 == 0:
			evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "OI", 2, sent)), time.Time{}})
		default:
			evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "VIVO", 2, sent)), time.Time{}},
				ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(i), "VIVO", sent, 4, sent.Add(time.Duration(i)*time.Second))), time.Time{}})
		}
	}
	appendEvents(t, s, evs...)
	applyAll(t, s, tAccept.Add(2*time.Hour))
	if _, err := s.Finish(ctx, sd.campaignID, tAccept.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	beforeCounts := reportCounts(t, s, sd.campaignID)
	beforeReport, err := campaignReport(ctx, s, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	beforeDash, err := s.RecentCampaigns(ctx, tAccept.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if beforeCounts[report.KeyBilled] == 0 || beforeCounts["r:delivered"] == 0 {
		t.Fatalf("seeded campaign got billed segments %d, delivered %d; want a reported campaign", beforeCounts[report.KeyBilled], beforeCounts["r:delivered"])
	}

	now := tAccept.AddDate(0, 2, 0)
	cut := retention.Policy{RawEventsDays: ptr(30), ReplyTextsDays: ptr(30), ResultsDays: ptr(30)}.At(now)
	usage, err := s.StorageUsage(ctx, cut)
	if err != nil {
		t.Fatal(err)
	}
	// A PostgreSQL database's files do not shrink by themselves
	// (autovacuum makes the space reusable; Compact rewrites them).
	shrinks := !pgtest.Enabled()
	if usage.RawEvents != int64(len(evs)) || usage.Results != 300 || usage.ResultCampaigns != 1 || usage.Shrinks != shrinks || usage.FileBytes == 0 {
		t.Errorf("got usage %+v, want %d raw events, 300 results of 1 campaign, a size, shrinking %v", usage, len(evs), shrinks)
	}
	if n, err := s.PruneRawEvents(ctx, cut.RawEvents); err != nil || n != int64(len(evs)) {
		t.Errorf("pruned %d raw events (%v), want %d", n, err, len(evs))
	}
	if n, err := s.PruneResults(ctx, cut.Results); err != nil || n != 300 {
		t.Errorf("pruned %d results (%v), want 300", n, err)
	}
	freed, err := s.ReclaimSpace(ctx)
	if err != nil || (freed == 0) == shrinks {
		t.Errorf("reclaimed %d bytes (%v), want the pruned pages back", freed, err)
	}

	got := reportCounts(t, s, sd.campaignID)
	if !maps.Equal(got, beforeCounts) {
		t.Errorf("counters changed by pruning:\n got %v\nwant %v", got, beforeCounts)
	}
	afterReport, err := campaignReport(ctx, s, sd.campaignID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(afterReport, beforeReport) {
		t.Errorf("report changed by pruning:\n got %+v\nwant %+v", afterReport, beforeReport)
	}
	afterDash, err := s.RecentCampaigns(ctx, tAccept.Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(afterDash, beforeDash) {
		t.Errorf("dashboard changed by pruning:\n got %+v\nwant %+v", afterDash, beforeDash)
	}
	page, err := s.CampaignMessages(ctx, sd.campaignID, MessageFilter{}, 0, 0, 50)
	if err != nil || len(page.Rows) != 0 {
		t.Errorf("got %d per-recipient rows (%v) after pruning, want none", len(page.Rows), err)
	}
	if counts, _ := s.EventCounts(ctx); len(counts) != 0 {
		t.Errorf("got raw events %v after pruning, want none", counts)
	}
	// Pruning again finds nothing.
	if n, _ := s.PruneResults(ctx, cut.Results); n != 0 {
		t.Errorf("second pruning removed %d results, want 0", n)
	}
}

// TestPruneKeepsUnapplied never deletes an event that is not applied yet,
// however old.
func TestPruneKeepsUnapplied(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	appendEvents(t, s, ev{delivery.KindSMSStatus, []byte(`{"correlationId":"x"}`), tAccept})
	if n, err := s.PruneRawEvents(ctx, tAccept.AddDate(1, 0, 0)); err != nil || n != 0 {
		t.Errorf("pruned %d (%v), want the unapplied event kept", n, err)
	}
	if p, _, _ := s.PendingEvents(ctx); p != 1 {
		t.Errorf("got %d pending, want 1", p)
	}
}

func ptr(n int) *int { return &n }

// TestRepackKeepsEveryEvent repacks applied events stored one per commit
// into one chunk: every event reads back the same, the counts stay, the
// bytes shrink, and events not applied yet are left alone.
func TestRepackKeepsEveryEvent(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	sd := seedCampaign(t, s, 200, campaign.SMS, true)
	for i := range 200 {
		appendEvents(t, s, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "VIVO", 2, tAccept.Add(time.Second))), time.Time{}})
	}
	applyAll(t, s, tAccept.Add(2*time.Hour))
	appendEvents(t, s, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(0), "VIVO", 2, tAccept)), time.Time{}}) // not applied
	var before []delivery.Event
	for id := int64(1); id <= 201; id++ {
		e, err := s.Event(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, e)
	}
	size := func() (chunks, bytes int64) {
		s.r.QueryRow("SELECT count(*), sum(length(body) + length(meta)) FROM event_chunks").Scan(&chunks, &bytes)
		return
	}
	chunks0, bytes0 := size()
	n, err := s.RepackRawEvents(ctx)
	if err != nil || n != 200 {
		t.Fatalf("repacked %d (%v), want the 200 applied", n, err)
	}
	chunks1, bytes1 := size()
	if chunks1 != 2 || bytes1*3 > bytes0 {
		t.Errorf("got %d chunks of %d bytes from %d of %d, want 2 (the applied ones in one) and a third of the bytes", chunks1, bytes1, chunks0, bytes0)
	}
	for _, want := range before {
		got, err := s.Event(ctx, want.ID)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("event %d reads %+v (%v) after repacking, want %+v", want.ID, got, err, want)
		}
	}
	if p, _, _ := s.PendingEvents(ctx); p != 1 {
		t.Errorf("got %d pending, want the one not applied", p)
	}
	if c, _ := s.EventCounts(ctx); c[delivery.KindSMSStatus] != 201 {
		t.Errorf("got counts %v, want 201 status events", c)
	}
}

// Compact rewrites the database on either engine (VACUUM in SQLite,
// VACUUM FULL in PostgreSQL) and keeps every row.
func TestCompactKeepsRows(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	if err := s.SaveSettings(ctx, map[string]string{"compact.check": "kept"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Compact(ctx); err != nil {
		t.Fatalf("compact: %v", err)
	}
	got, err := s.Setting(ctx, "compact.check")
	if err != nil || got != "kept" {
		t.Errorf("after compacting got %q, %v; want the setting kept", got, err)
	}
}
