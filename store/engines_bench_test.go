package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/store/storetest"
)

// BenchmarkOutbox100k measures the dispatcher's side of the store on the
// engine under test (SQLite, or PostgreSQL with ARAUTO_TEST_DATABASE_URL,
// e.g. through scripts/pg-throwaway): a 100,000-recipient campaign copied
// into the outbox, then claimed and accepted in batches of 500, as one
// instance's dispatcher does. Numbers are shuffled across DDDs.
func BenchmarkOutbox100k(b *testing.B) {
	const n, batch = 100_000, 500
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s := storetest.New(b)
		l := &recipient.List{Name: "l", FileName: "l.csv"}
		if err := s.CreateList(ctx, l); err != nil {
			b.Fatal(err)
		}
		ddds := []int{11, 21, 31, 41, 51, 61, 71, 81, 91, 27, 48, 85}
		rs := make([]recipient.Recipient, n)
		for i, p := range rand.Perm(n) {
			rs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55%d9%08d", ddds[p%len(ddds)], p)}
		}
		if err := s.AddRecipients(ctx, l.ID, rs); err != nil {
			b.Fatal(err)
		}
		now := time.Now()
		c := &campaign.Campaign{RemoteID: 1, Name: "c", Alias: "c", Channel: campaign.SMS, ListID: l.ID, Message: "oi", State: campaign.Scheduled, ScheduledAt: now}
		if err := s.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		if err := s.StartCampaign(ctx, c.ID, now); err != nil {
			b.Fatal(err)
		}
		copied := time.Since(start)
		claimed := 0
		for after := int64(0); ; {
			msgs, err := s.Claim(ctx, c.ID, after, batch, now)
			if err != nil {
				b.Fatal(err)
			}
			if len(msgs) == 0 {
				break
			}
			acc := make([]dispatch.Accepted, len(msgs))
			for i, m := range msgs {
				acc[i] = dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("00000000-0000-4000-8000-%012d", m.ID), Segments: 1}
			}
			if err := s.Accept(ctx, c.ID, acc, now); err != nil {
				b.Fatal(err)
			}
			claimed += len(msgs)
			after = msgs[len(msgs)-1].ID
		}
		total := time.Since(start)
		if claimed != n {
			b.Fatalf("claimed %d, want %d", claimed, n)
		}
		b.ReportMetric(copied.Seconds(), "copy-s")
		b.ReportMetric(float64(n)/(total-copied).Seconds(), "claimed+accepted/s")
	}
}
