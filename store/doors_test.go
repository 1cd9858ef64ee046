package store_test

import (
	"context"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/delivery"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/store/storetest"
)

// startedCampaign makes a running campaign over three recipients, the
// second of them checked as an OI number.
func startedCampaign(t *testing.T, s *store.Store) *campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	rs := []recipient.Recipient{{Row: 2, Phone: "5511987654321", Fields: []string{"Ana"}}, {Row: 3, Phone: "5521987654322", Fields: []string{"Bia"}},
		{Row: 4, Phone: "5531987654323", Fields: []string{"Caio"}}}
	if err := s.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishListImport(ctx, l.ID, recipient.Report{Rows: 3, Valid: 3, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCarriers(ctx, l.ID, []store.CarrierResult{{Row: 3, Carrier: "OI"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 77, Name: "c", Alias: "c", Channel: campaign.SMS, ListID: l.ID, Message: "Oi {{nome}}", State: campaign.Scheduled, ScheduledAt: time.Now()}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.StartCampaign(ctx, c.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestProviderLinks records an SMPP send (every part's id linked) and an
// HTTPS one (nothing linked), and finds messages by the parts' ids.
func TestProviderLinks(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := startedCampaign(t, s)
	now := time.Now()
	msgs, err := s.Claim(ctx, c.ID, 0, 10, now)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("claim got %d messages, %v", len(msgs), err)
	}
	acc := []dispatch.Accepted{
		{MessageID: msgs[0].ID, ProviderID: "p1-a", Links: []string{"p1-a", "p1-b"}},
		{MessageID: msgs[1].ID, ProviderID: "https-2"},
	}
	if err := s.Accept(ctx, c.ID, acc, now); err != nil {
		t.Fatal(err)
	}
	got, err := s.LinkedMessages(ctx, []string{"p1-a", "p1-b", "https-2", "nobody"})
	if err != nil {
		t.Fatal(err)
	}
	want := delivery.Link{CampaignID: c.ID, MessageID: msgs[0].ID}
	if len(got) != 2 || got["p1-a"] != want || got["p1-b"] != want {
		t.Errorf("linked got %v, want both parts of message %d and nothing else", got, msgs[0].ID)
	}
	// Recording the same send again (the reconciler) changes nothing.
	if err := s.Accept(ctx, c.ID, acc[:1], now); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.QueryRowForTest(ctx, "SELECT count(*) FROM provider_links").Scan(&n); err != nil || n != 2 {
		t.Errorf("links got %d (%v), want 2", n, err)
	}
	// Links go with their message (retention deletes old messages).
	if err := s.ExecForTest(ctx, "DELETE FROM messages WHERE id = ?", msgs[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, err := s.LinkedMessages(ctx, []string{"p1-a", "p1-b"}); err != nil || len(got) != 0 {
		t.Errorf("after deleting the message got links %v (%v), want none", got, err)
	}
	// The carrier the list's check found came along into the outbox.
	st, err := s.MessageStatus(ctx, msgs[1].ID)
	if err != nil || st.Carrier != "OI" {
		t.Errorf("carrier of the checked number got %q (%v), want OI", st.Carrier, err)
	}
}

// TestCampaignFileMessages reads what a campaign's batch files carry:
// messages sent or still to send, with their fields, in id order.
func TestCampaignFileMessages(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := startedCampaign(t, s)
	sending, inFlight, err := s.SendingCampaigns(ctx)
	if err != nil || sending != 1 || inFlight != 0 {
		t.Errorf("sending got %d campaigns, %d in flight (%v), want 1 and 0", sending, inFlight, err)
	}
	msgs, err := s.Claim(ctx, c.ID, 0, 1, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Fail(ctx, c.ID, []int64{msgs[0].ID}, "refused"); err != nil {
		t.Fatal(err)
	}
	if claimed, err := s.Claim(ctx, c.ID, msgs[0].ID, 1, time.Now()); err != nil || len(claimed) != 1 {
		t.Fatalf("claim got %d, %v", len(claimed), err)
	}
	if _, inFlight, _ = s.SendingCampaigns(ctx); inFlight != 1 {
		t.Errorf("in flight got %d, want the claimed message", inFlight)
	}
	got, err := s.FileMessages(ctx, c.ID, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Phone != "5521987654322" || got[0].Fields[0] != "Bia" || got[1].Fields[0] != "Caio" || got[0].CampaignID != c.ID {
		t.Errorf("file messages got %+v, want Bia (on its way) and Caio (queued), not the failed one", got)
	}
	if page, err := s.FileMessages(ctx, c.ID, got[0].ID, 10); err != nil || len(page) != 1 {
		t.Errorf("after the first got %d (%v), want 1", len(page), err)
	}
	// Caio asks to be left alone after the launch: the file leaves him
	// out, as the claim that would send him does.
	if _, err := s.AddSuppressions(ctx, []string{"5531987654323"}, "manual", "asked"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FileMessages(ctx, c.ID, 0, 10); err != nil || len(got) != 1 || got[0].Fields[0] != "Bia" {
		t.Errorf("file messages after Caio was suppressed got %+v (%v), want Bia alone", got, err)
	}
	dc, err := s.DispatchCampaign(ctx, c.ID)
	if err != nil || dc.Message != "Oi {{nome}}" || len(dc.Columns) != 1 || dc.Columns[0] != "nome" || dc.Channel != "sms" {
		t.Errorf("dispatch campaign got %+v (%v), want the message and the list's columns", dc, err)
	}
}
