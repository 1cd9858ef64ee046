package store_test

import (
	"context"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
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
