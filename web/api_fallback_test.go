package web

import (
	"context"
	"fmt"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/user"
)

// TestAPIShowsTheFallback: a WhatsApp campaign's resource carries its SMS
// fallback and its figures (checked against the OpenAPI document); other
// campaigns and the listing carry none.
func TestAPIShowsTheFallback(t *testing.T) {
	e := newAPIEnv(t)
	ctx := context.Background()
	secret, _ := e.token(t, marketer, user.Marketer, 0, time.Time{})
	wa := &campaign.Campaign{RemoteID: 931, Name: "Zap API", Alias: "zap-api", Channel: campaign.WhatsApp}
	if err := e.store.CreateCampaign(ctx, wa); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetCampaignFallback(ctx, wa.ID, fallback.Settings{Text: "Oi {{nome}}, por SMS", Wait: 6 * time.Hour}, time.Now()); err != nil {
		t.Fatal(err)
	}
	bare := &campaign.Campaign{RemoteID: 932, Name: "Zap sem", Alias: "zap-sem", Channel: campaign.WhatsApp}
	if err := e.store.CreateCampaign(ctx, bare); err != nil {
		t.Fatal(err)
	}
	a := e.call(t, secret, "GET", fmt.Sprintf("%s/campaigns/%d", apiPrefix, wa.ID), nil)
	if a.status != 200 {
		t.Fatalf("get got %d: %s", a.status, a.body)
	}
	got := fmt.Sprint(a.json(t)["fallback"])
	want := "map[fell_back:0 reached_any:0 sms_delivered:0 sms_failed:0 sms_submitted:0 text:Oi {{nome}}, por SMS wait_hours:6]"
	if got != want {
		t.Errorf("fallback got %s, want %s", got, want)
	}
	if a := e.call(t, secret, "GET", fmt.Sprintf("%s/campaigns/%d", apiPrefix, bare.ID), nil); a.json(t)["fallback"] != nil {
		t.Errorf("a campaign without a fallback shows %v", a.json(t)["fallback"])
	}
}
