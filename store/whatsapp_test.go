package store

import (
	"context"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
)

func TestWhatsAppMessageAndSessions(t *testing.T) {
	ctx := context.Background()
	s, err := Open(t.TempDir() + "/arauto.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	l := &recipient.List{Name: "l", FileName: "l.csv"}
	if err := s.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	if err := s.AddRecipients(ctx, l.ID, []recipient.Recipient{
		{Row: 2, Phone: "5511900000001", Fields: []string{"Ana"}},
		{Row: 3, Phone: "5511900000002", Fields: []string{"Bia"}},
		{Row: 4, Phone: "5511900000003", Fields: []string{"Caio"}},
	}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 5, Name: "Zap", Alias: "zap", Channel: campaign.WhatsApp, ListID: l.ID}
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	w := message.WhatsApp{Kind: message.WhatsAppText, Text: "Oi {{nome}}"}
	if err := s.SetCampaignWhatsApp(ctx, c.ID, w, "x", now); err != nil {
		t.Fatal(err)
	}
	got, err := s.CampaignWhatsApp(ctx, c.ID)
	if err != nil || got.Text != w.Text {
		t.Errorf("whatsapp message got %+v %v, want %+v", got, err, w)
	}
	cp, _ := s.CampaignByID(ctx, c.ID)
	if cp.Message != "Oi {{nome}}" {
		t.Errorf("campaign message got %q, want the summary", cp.Message)
	}
	for i, r := range []struct {
		phone, channel string
		at             time.Time
	}{
		{"5511900000001", "whatsapp", now.Add(-time.Hour)},
		{"5511900000002", "whatsapp", now.Add(-25 * time.Hour)},
		{"5511900000003", "sms", now.Add(-time.Hour)},
	} {
		if _, err := s.w.ExecContext(ctx, "INSERT INTO inbound (channel, provider_id, phone, received_at) VALUES (?, ?, ?, ?)",
			r.channel, "mo"+string(rune('a'+i)), r.phone, toMS(r.at)); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.SessionCount(ctx, l.ID, now)
	if err != nil || n != 1 {
		t.Errorf("session count got %d %v, want 1", n, err)
	}
	open, err := s.OpenSessions(ctx, []string{"5511900000001", "5511900000002", "5511900000003"}, now)
	if err != nil || len(open) != 1 || !open["5511900000001"] {
		t.Errorf("open sessions got %v %v, want only 5511900000001", open, err)
	}
	ch, err := s.CampaignChannels(ctx, []int64{c.ID, 999})
	if err != nil || ch[c.ID] != "whatsapp" || len(ch) != 1 {
		t.Errorf("channels got %v %v", ch, err)
	}
	if err := s.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, now); err != nil {
		t.Fatal(err)
	}
	due, err := s.DueCampaigns(ctx, now)
	if err != nil || len(due) != 1 || !due[0].SessionOnly || due[0].WhatsApp == "" {
		t.Errorf("due campaigns got %+v %v, want the session-only whatsapp campaign", due, err)
	}
}
