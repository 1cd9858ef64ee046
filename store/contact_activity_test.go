package store

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/contact"
	"arauto/internal/delivery"
	"arauto/internal/segment"
)

// contactsOf makes the numbers contacts, as importing a list does.
func contactsOf(t *testing.T, s *Store, phones []string) {
	t.Helper()
	ctx := context.Background()
	src, err := s.StartContactImport(ctx, listOf(t, s, phones...), []string{"nome"})
	if err != nil {
		t.Fatal(err)
	}
	enc := contact.NewEncoder([]string{"nome"})
	var recs []contact.Record
	for i, p := range phones {
		rec, _ := enc.Encode(p, i+2, []string{"Cliente"})
		recs = append(recs, rec)
	}
	if err := s.UpsertContacts(ctx, src, recs); err != nil {
		t.Fatal(err)
	}
}

// deliver applies delivery reports as the applier commits them.
func deliver(t *testing.T, s *Store, states ...delivery.State) {
	t.Helper()
	ctx := context.Background()
	err := s.ApplyBatch(ctx, func(b delivery.Batch) error { return b.Commit(ctx, delivery.Changes{States: states}) })
	if err != nil {
		t.Fatal(err)
	}
}

// TestContactActivityFoldsSendsAndDeliveries: sends and deliveries show
// on their contacts once folded, a send and its delivery as one; a
// delivery older than the one known (folded late) moves nothing back,
// and the carrier follows the latest delivery; the segment rules read
// the folded facts.
func TestContactActivityFoldsSendsAndDeliveries(t *testing.T) {
	s := openTestStore(t)
	ctx := context.Background()
	first := seedCampaign(t, s, 3, campaign.SMS, true)
	contactsOf(t, s, first.phones)
	d0, d1, d2, d3 := tAccept.Add(-time.Hour), tAccept.Add(time.Minute), tAccept.Add(2*time.Minute), tAccept.Add(time.Hour)
	deliver(t, s,
		delivery.State{ID: first.msgIDs[0], CampaignID: first.campaignID, Phone: first.phones[0], Carrier: "VIVO", DeliveredCode: 4, DeliveredAt: toMS(d1)},
		delivery.State{ID: first.msgIDs[1], CampaignID: first.campaignID, Phone: first.phones[1], Carrier: "TIM", DeliveredCode: 4, DeliveredAt: toMS(d2)})
	if n, _ := s.ContactActivityDue(ctx); n != 3 {
		t.Errorf("noted got %d, want 3 (a delivery of a message noted for its send adds nothing)", n)
	}
	foldActivity(t, s, 3)

	second := seedCampaign(t, s, 2, campaign.SMS, true)
	for i, id := range second.msgIDs {
		if _, err := s.w.Exec("UPDATE messages SET phone = ? WHERE id = ?", first.phones[i], id); err != nil {
			t.Fatal(err)
		}
	}
	deliver(t, s,
		delivery.State{ID: second.msgIDs[0], CampaignID: second.campaignID, Phone: first.phones[0], Carrier: "CLARO", DeliveredCode: 4, DeliveredAt: toMS(d3)},
		delivery.State{ID: second.msgIDs[1], CampaignID: second.campaignID, Phone: first.phones[1], Carrier: "OI", DeliveredCode: 4, DeliveredAt: toMS(d0)})
	foldActivity(t, s, 2)

	tests := []struct {
		phone     string
		delivered time.Time
		carrier   string
	}{
		{first.phones[0], d3, "CLARO"},
		{first.phones[1], d2, "TIM"},
		{first.phones[2], time.Time{}, ""},
	}
	for _, tt := range tests {
		c, err := s.Contact(ctx, tt.phone)
		if err != nil {
			t.Fatal(err)
		}
		if !c.LastSent.Equal(tAccept) || !c.LastDelivered.Equal(tt.delivered) || c.Carrier != tt.carrier {
			t.Errorf("contact %s got sent %s delivered %s carrier %q, want sent %s delivered %s carrier %q",
				tt.phone, c.LastSent, c.LastDelivered, c.Carrier, tAccept, tt.delivered, tt.carrier)
		}
	}
	if n, _ := s.ContactActivityDue(ctx); n != 0 {
		t.Errorf("noted after folding got %d, want 0", n)
	}
	rule := func(r segment.Rule) segment.Filter {
		return segment.Filter{Match: segment.All, Rules: []segment.Rule{r}}
	}
	counts := []struct {
		name string
		f    segment.Filter
		at   time.Time
		want int64
	}{
		{"never messaged", rule(segment.Rule{Kind: segment.KindNeverMessaged}), d3, 0},
		{"delivered within a day", rule(segment.Rule{Kind: segment.KindDelivered, Days: 1}), d3, 2},
		{"delivered within a day, two days on", rule(segment.Rule{Kind: segment.KindDelivered, Days: 1}), d3.Add(48 * time.Hour), 0},
		{"carrier", rule(segment.Rule{Kind: segment.KindCarrier, Values: []string{"claro"}}), d3, 1},
	}
	for _, tt := range counts {
		if n, err := s.CountSegment(ctx, tt.f, tt.at); err != nil || n != tt.want {
			t.Errorf("%s got %d %v, want %d", tt.name, n, err, tt.want)
		}
	}
}

// TestFoldActivityRunsInTheBackground: the console's fold loop brings a
// send to its contact within a few of its periods, and lets go of a
// message deleted before it was folded.
func TestFoldActivityRunsInTheBackground(t *testing.T) {
	s := openTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	sd := seedCampaign(t, s, 2, campaign.SMS, true)
	contactsOf(t, s, sd.phones)
	if _, err := s.w.Exec("DELETE FROM messages WHERE id = ?", sd.msgIDs[1]); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		contact.FoldActivity(ctx, s, 10*time.Millisecond, slog.New(slog.DiscardHandler))
	}()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := s.Contact(context.Background(), sd.phones[0])
		if err != nil {
			t.Fatal(err)
		}
		due, _ := s.ContactActivityDue(context.Background())
		if c.LastSent.Equal(tAccept) && due == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 5 s the contact's last send is %s and %d messages are still noted, want %s and none", c.LastSent, due, tAccept)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
