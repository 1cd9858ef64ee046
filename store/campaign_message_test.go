package store_test

import (
	"context"
	"errors"
	"testing"

	"arauto/internal/campaign"
	"arauto/store"
	"arauto/store/storetest"
)

// TestSaveCampaignMessage: the SMS editor's whole save (text, Flash,
// extraInfo, accents, send options) lands at once, and none of it on a
// campaign that is not a draft or does not exist.
func TestSaveCampaignMessage(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := newCampaign(31, "Mensagem", "mensagem")
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	want := campaign.SMSMessage{Body: "Oi {{nome}}", Flash: true, ExtraInfo: "lote-7", ReplaceAccents: true,
		Options: campaign.SendOptions{SubAccount: "loja", FlowID: "f1", TemplateID: 12, TemplateName: "boas-vindas"}}
	if err := s.SaveCampaignMessage(ctx, c.ID, want, t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.CampaignByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	saved := campaign.SMSMessage{Body: got.Message, Flash: got.Flash, ExtraInfo: got.ExtraInfo, ReplaceAccents: got.ReplaceAccents, Options: got.Options}
	if saved != want {
		t.Errorf("saved got %+v, want %+v", saved, want)
	}

	if err := s.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, t0); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		id   int64
		want error
	}{
		{"scheduled campaign", c.ID, store.ErrConflict},
		{"missing campaign", 999, store.ErrNotFound},
	} {
		if err := s.SaveCampaignMessage(ctx, tt.id, campaign.SMSMessage{Body: "Outra"}, t0); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if got, _ := s.CampaignByID(ctx, c.ID); got.Message != want.Body || got.Options != want.Options {
		t.Errorf("a refused save changed the campaign: %+v", got)
	}
}
