package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/report"
	"arauto/store/internal/pgtest"
)

// Two instances' appliers working through the same events at once count
// each one once: an applier's transaction waits for the other's before it
// reads the messages' states.
func TestTwoAppliersApplyEachEventOnce(t *testing.T) {
	if !pgtest.Enabled() {
		t.Skip("two instances share a database only in PostgreSQL (ARAUTO_TEST_DATABASE_URL)")
	}
	url := pgtest.Schema(t)
	a, err := OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	b, err := OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	const n = 300
	sd := seedCampaign(t, a, n, campaign.SMS, true)
	sent := tAccept.Add(time.Second)
	var evs []ev
	for i := range sd.msgIDs {
		evs = append(evs, ev{delivery.KindSMSStatus, mustJSON(t, callback(sd.corr(i), "VIVO", 2, sent)), time.Time{}},
			ev{delivery.KindSMSStatus, dlrBody(t, dlr(sd.corr(i), "VIVO", sent, 4, sent.Add(3*time.Second))), time.Time{}})
	}
	appendEvents(t, a, evs...)
	now := tAccept.Add(time.Hour)
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ap := applierAt(s, now, 20)
			for {
				res, err := ap.Step(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if res.Read == 0 {
					return
				}
			}
		}()
	}
	wg.Wait()
	got := reportCounts(t, a, sd.campaignID)
	if got[report.KeySent] != n || got[report.KeyDelivered] != n {
		t.Errorf("got %d sent and %d delivered, want %d each", got[report.KeySent], got[report.KeyDelivered], n)
	}
}
