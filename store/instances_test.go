package store

import (
	"context"
	"sync"
	"testing"

	"arauto/internal/campaign"
)

// TestStartCampaignRepeatedCopiesEachRecipientOnce: a start fired again
// (by a second instance, or a retry) continues the outbox, never copies a
// recipient twice.
func TestStartCampaignRepeatedCopiesEachRecipientOnce(t *testing.T) {
	s := openTestStore(t)
	sd := seedCampaign(t, s, 5, campaign.SMS, false)
	ctx := context.Background()
	// Back to an empty outbox, as before the first start.
	if _, err := s.w.ExecContext(ctx, "DELETE FROM messages WHERE campaign_id = ?", sd.campaignID); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.StartCampaign(ctx, sd.campaignID, tAccept)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var n, rows int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*), count(DISTINCT row) FROM messages WHERE campaign_id = ?", sd.campaignID).Scan(&n, &rows); err != nil {
		t.Fatal(err)
	}
	if n != 5 || rows != 5 {
		t.Errorf("got %d messages over %d rows after starting 4 times at once, want 5 and 5", n, rows)
	}
}
