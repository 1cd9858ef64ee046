package store_test

import (
	"context"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/store/storetest"
)

// Dispatch progress and delivery reports share campaign_counts; the
// progress must only see dispatch states, and starting a campaign must not
// wipe delivery counters.
func TestCampaignCountsAreDispatchStatesOnly(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, l.ID, []recipient.Recipient{{Row: 2, Phone: "5511987654321"}, {Row: 3, Phone: "5511987654322"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 5, Name: "c", Alias: "c", Channel: campaign.SMS, ListID: l.ID, Message: "oi", State: campaign.Scheduled, ScheduledAt: time.Now()}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.StartCampaign(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTest(ctx, "INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, 'r:sent', 7), (?, 'code:104', 3)", c.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.StartCampaign(ctx, c.ID, time.Now()); err != nil { // idempotent re-run after a crash
		t.Fatal(err)
	}
	counts, err := s.CampaignCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) != 1 || counts["queued"] != 2 {
		t.Errorf("got %v, want only queued=2", counts)
	}
	var n int64
	if err := s.QueryRowForTest(ctx, "SELECT n FROM campaign_counts WHERE campaign_id = ? AND state = 'r:sent'", c.ID).Scan(&n); err != nil || n != 7 {
		t.Errorf("delivery counter after restart got %d %v, want 7 kept", n, err)
	}
}

// What the figures are made of: a refusal here counted by its kind, what
// each accepted message is billed kept with it, and the figure counters
// without the timeline.
func TestFigureCounters(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, l.ID, []recipient.Recipient{{Row: 2, Phone: "5511987654321"}, {Row: 3, Phone: "5511987654322"}, {Row: 4, Phone: "5511987654323"}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &campaign.Campaign{RemoteID: 5, Name: "c", Alias: "c", Channel: campaign.SMS, ListID: l.ID, Message: "oi", State: campaign.Scheduled, ScheduledAt: now}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.StartCampaign(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	msgs, err := s.Claim(ctx, c.ID, 0, 10, now)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("claim got %d %v", len(msgs), err)
	}
	if err := s.Fail(ctx, c.ID, []int64{msgs[0].ID}, dispatch.TooLongReason); err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, c.ID, []int64{msgs[1].ID}, "wavysender: dispatch: rejected: HTTP 400"); err != nil {
		t.Fatal(err)
	}
	if err := s.Accept(ctx, c.ID, []dispatch.Accepted{{MessageID: msgs[2].ID, ProviderID: "u", Segments: 2, SercomtelSegments: 3}}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecForTest(ctx, "INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, 'ts:1:sent', 1), (?, 'carrier:VIVO:sent', 1), (?, 'cap:frequency_cap:sms:1:1', 4)", c.ID, c.ID, c.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.FigureCounters(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"failed": 2, "accepted": 1, "queued": 0, "submitting": 0, "refused:too_long": 1, "refused:rejected": 1,
		"cap:frequency_cap:sms:1:1": 4}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s got %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
	if _, ok := got["ts:1:sent"]; ok {
		t.Errorf("figure counters include the timeline: %v", got)
	}
	m, err := s.MessageStatus(ctx, msgs[2].ID)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.CampaignMessages(ctx, c.ID, store.MessageFilter{}, 0, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	last := page.Rows[len(page.Rows)-1]
	if last.ID != m.ID || last.Segments != 2 || last.SercomtelSegments != 3 {
		t.Errorf("accepted message got segments %d/%d, want 2/3 kept", last.Segments, last.SercomtelSegments)
	}
}

// The campaign's accent option reaches the dispatcher.
func TestDueCampaignsCarryTheAccentOption(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := &campaign.Campaign{RemoteID: 9, Name: "a", Alias: "a", Channel: campaign.SMS, Message: "oi", State: campaign.Draft}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveCampaignMessage(ctx, c.ID, campaign.SMSMessage{Body: "oi", ReplaceAccents: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.LaunchCampaign(ctx, c.ID, time.Now(), 11, time.Now()); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueCampaigns(ctx, time.Now())
	if err != nil || len(due) != 1 || !due[0].ReplaceAccents {
		t.Errorf("due got %+v %v, want the campaign with its accent option", due, err)
	}
	got, err := s.CampaignByID(ctx, c.ID)
	if err != nil || got.EstimatedSegments != 11 || !got.ReplaceAccents {
		t.Errorf("campaign got %+v %v, want the estimate 11 kept at launch", got, err)
	}
}
