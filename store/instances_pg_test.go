package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/store/storetest"
)

// Several console instances share one PostgreSQL database; these tests
// open two stores on the same schema, as two instances would.

func secondInstance(t *testing.T) (*store.Store, *store.Store) {
	t.Helper()
	if !storetest.Postgres() {
		t.Skip("two instances share a database only in PostgreSQL (ARAUTO_TEST_DATABASE_URL)")
	}
	a, url := storetest.NewPostgres(t)
	b, err := store.OpenPostgres(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return a, b
}

// scheduledCampaign makes a campaign of n recipients in s, without starting
// it.
func scheduledCampaign(t *testing.T, s *store.Store, remoteID int64, n int) *campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: fmt.Sprint("l", remoteID), FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	rs := make([]recipient.Recipient, n)
	for i := range rs {
		rs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55119%08d", remoteID*1_000_000+int64(i))}
	}
	if err := s.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: remoteID, Name: fmt.Sprint("c", remoteID), Alias: fmt.Sprint("c", remoteID), Channel: campaign.SMS,
		ListID: l.ID, Message: "oi", State: campaign.Scheduled, ScheduledAt: time.Now()}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c
}

// Two instances claiming the same campaign at once never get the same
// message, and together they get every one.
func TestTwoInstancesNeverClaimTheSameMessage(t *testing.T) {
	a, b := secondInstance(t)
	ctx := context.Background()
	const n = 3000
	c := scheduledCampaign(t, a, 1, n)
	now := time.Now()
	if err := a.StartCampaign(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	claimedBy := map[int64]int{}
	dup := 0
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for i, s := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				msgs, err := s.Claim(ctx, c.ID, 0, 37, now)
				if err != nil {
					errs <- err
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					if _, ok := claimedBy[m.ID]; ok {
						dup++
					}
					claimedBy[m.ID] = i
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	perInstance := [2]int{}
	for _, i := range claimedBy {
		perInstance[i]++
	}
	if dup != 0 || len(claimedBy) != n {
		t.Fatalf("got %d messages claimed, %d twice; want %d, none twice", len(claimedBy), dup, n)
	}
	if perInstance[0] == 0 || perInstance[1] == 0 {
		t.Logf("one instance claimed everything (%v): the claims did not overlap in time", perInstance)
	}
	counts, err := a.CampaignCounts(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if counts["submitting"] != n || counts["queued"] != 0 {
		t.Errorf("got counters %v, want %d submitting and none queued", counts, n)
	}
}

// Campaigns started at once on two instances each get a consecutive
// range of message ids: the dispatcher walks a campaign's outbox by id.
func TestTwoInstancesStartCampaignsWithConsecutiveIDs(t *testing.T) {
	a, b := secondInstance(t)
	ctx := context.Background()
	const n = 5000
	ca, cb := scheduledCampaign(t, a, 1, n), scheduledCampaign(t, a, 2, n)
	now := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, start := range []struct {
		s *store.Store
		c *campaign.Campaign
	}{{a, ca}, {b, cb}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = start.s.StartCampaign(ctx, start.c.ID, now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*campaign.Campaign{ca, cb} {
		var first, last, count int64
		if err := a.QueryRowForTest(ctx, `SELECT first_message_id, last_message_id,
			(SELECT count(*) FROM messages WHERE campaign_id = c.id AND id BETWEEN c.first_message_id AND c.last_message_id)
			FROM campaigns c WHERE id = ?`, c.ID).Scan(&first, &last, &count); err != nil {
			t.Fatal(err)
		}
		if first == 0 || last-first+1 != n || count != n {
			t.Errorf("campaign %d got ids %d..%d, %d of them its own; want %d consecutive ids", c.ID, first, last, count, n)
		}
	}
}

// Instances started together on an empty database migrate it once.
func TestInstancesStartingTogetherMigrateOnce(t *testing.T) {
	if !storetest.Postgres() {
		t.Skip("two instances share a database only in PostgreSQL (ARAUTO_TEST_DATABASE_URL)")
	}
	url := storetest.PostgresSchema(t)
	stores := make([]*store.Store, 3)
	errs := make([]error, 3)
	var wg sync.WaitGroup
	for i := range stores {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = store.OpenPostgres(url)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	var versions, distinct int
	if err := stores[0].QueryRowForTest(context.Background(), "SELECT count(*), count(DISTINCT version) FROM schema_migrations").Scan(&versions, &distinct); err != nil {
		t.Fatal(err)
	}
	if versions != distinct || versions == 0 {
		t.Errorf("got %d migrations recorded for %d versions, want each once", versions, distinct)
	}
}

// A campaign started by two instances at once is copied into the outbox
// once.
func TestTwoInstancesStartingOneCampaignCopyItOnce(t *testing.T) {
	a, b := secondInstance(t)
	ctx := context.Background()
	const n = 5000
	c := scheduledCampaign(t, a, 1, n)
	now := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, s := range []*store.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.StartCampaign(ctx, c.ID, now)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var messages, rows int
	if err := a.QueryRowForTest(ctx, "SELECT count(*), count(DISTINCT row) FROM messages WHERE campaign_id = ?", c.ID).Scan(&messages, &rows); err != nil {
		t.Fatal(err)
	}
	if messages != n || rows != n {
		t.Errorf("got %d messages for %d rows, want %d, each row once", messages, rows, n)
	}
}
