package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/store"
	"arauto/store/storetest"
)

var t0 = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func newCampaign(remoteID int64, name, alias string) *campaign.Campaign {
	return &campaign.Campaign{RemoteID: remoteID, Name: name, Alias: alias, Channel: campaign.SMS,
		CreatedAt: t0.Add(time.Duration(remoteID) * time.Minute)}
}

func TestCampaignCreateAndRead(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := newCampaign(10, "Promoção de Natal", "promocao-de-natal")
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.State != campaign.Draft {
		t.Errorf("created campaign got id %d state %q, want an id and draft", c.ID, c.State)
	}
	got, err := s.CampaignByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RemoteID != 10 || got.Name != "Promoção de Natal" || got.Alias != "promocao-de-natal" || got.Channel != campaign.SMS ||
		got.ListID != 0 || got.Message != "" || !got.ScheduledAt.IsZero() || got.SentCount != 0 || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("CampaignByID got %+v, want what was created", got)
	}
	if _, err := s.CampaignByID(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing campaign got %v, want ErrNotFound", err)
	}
	if got, err := s.CampaignByRemoteID(ctx, 10); err != nil || got.ID != c.ID {
		t.Errorf("CampaignByRemoteID(10) got %+v %v, want campaign %d", got, err, c.ID)
	}
	if _, err := s.CampaignByRemoteID(ctx, 11); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("missing remote id got %v, want ErrNotFound", err)
	}

	// The optional parts round-trip too.
	full := newCampaign(11, "Completa", "completa")
	full.ListID, full.Message, full.ScheduledAt, full.Channel = 4, "Oi {{nome}}", t0.Add(48*time.Hour), campaign.WhatsApp
	if err := s.CreateCampaign(ctx, full); err != nil {
		t.Fatal(err)
	}
	got, _ = s.CampaignByID(ctx, full.ID)
	if got.ListID != 4 || got.Message != "Oi {{nome}}" || !got.ScheduledAt.Equal(full.ScheduledAt) || got.Channel != campaign.WhatsApp {
		t.Errorf("optional parts got list %d message %q schedule %v channel %q, want 4, the text, %v, whatsapp",
			got.ListID, got.Message, got.ScheduledAt, got.Channel, full.ScheduledAt)
	}

	tests := []struct {
		name string
		c    *campaign.Campaign
	}{
		{"same alias", newCampaign(12, "Outra", "promocao-de-natal")},
		{"same remote id", newCampaign(10, "Outra", "outra")},
	}
	for _, tt := range tests {
		if err := s.CreateCampaign(ctx, tt.c); !errors.Is(err, store.ErrConflict) {
			t.Errorf("%s got %v, want ErrConflict", tt.name, err)
		}
	}
	// Campaigns imported without an alias do not clash with each other.
	for _, id := range []int64{20, 21} {
		if err := s.CreateCampaign(ctx, newCampaign(id, "Sem alias", "")); err != nil {
			t.Errorf("second campaign without alias got %v, want nil", err)
		}
	}
	taken, err := s.CampaignAliasTaken(ctx, "promocao-de-natal", 0)
	if err != nil || !taken {
		t.Errorf("CampaignAliasTaken(used) got %v %v, want true", taken, err)
	}
	if taken, _ := s.CampaignAliasTaken(ctx, "promocao-de-natal", c.ID); taken {
		t.Errorf("CampaignAliasTaken(own alias) got true, want false")
	}
	if taken, _ := s.CampaignAliasTaken(ctx, "", 0); taken {
		t.Errorf("CampaignAliasTaken(empty) got true, want false")
	}
}

func TestListCampaigns(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	for i := int64(1); i <= 25; i++ {
		c := newCampaign(i, fmt.Sprintf("Oferta %02d", i), fmt.Sprintf("oferta-%02d", i))
		if err := s.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []*campaign.Campaign{newCampaign(30, "Natal 100% off", "natal-100"), newCampaign(31, "Natal_vip", "natal-vip")} {
		if err := s.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetCampaignState(ctx, 1, campaign.Draft, campaign.Archived, t0); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		f         store.CampaignFilter
		wantTotal int
		wantNames []string
	}{
		{"first page, newest first", store.CampaignFilter{Limit: 3}, 26, []string{"Natal_vip", "Natal 100% off", "Oferta 25"}},
		// Oferta 01 is archived, so the second page of 20 ends at Oferta 02.
		{"second page", store.CampaignFilter{Limit: 20, Offset: 20}, 26, []string{"Oferta 07", "Oferta 06", "Oferta 05", "Oferta 04", "Oferta 03", "Oferta 02"}},
		{"by name, any case", store.CampaignFilter{Query: "NATAL"}, 2, []string{"Natal_vip", "Natal 100% off"}},
		{"percent is literal", store.CampaignFilter{Query: "100%"}, 1, []string{"Natal 100% off"}},
		{"underscore is literal", store.CampaignFilter{Query: "l_v"}, 1, []string{"Natal_vip"}},
		{"by alias", store.CampaignFilter{Query: "oferta-2"}, 6, nil},
		{"archived only", store.CampaignFilter{Archived: true}, 1, []string{"Oferta 01"}},
		{"nothing", store.CampaignFilter{Query: "páscoa"}, 0, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, total, err := s.ListCampaigns(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if total != tt.wantTotal {
				t.Errorf("got total %d, want %d", total, tt.wantTotal)
			}
			if tt.wantNames == nil {
				return
			}
			names := []string{}
			for _, c := range cs {
				names = append(names, c.Name)
			}
			if !slices.Equal(names, tt.wantNames) {
				t.Errorf("got %v, want %v", names, tt.wantNames)
			}
		})
	}
}

func TestRenameCampaign(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	a, b := newCampaign(1, "A", "alfa"), newCampaign(2, "B", "beta")
	for _, c := range []*campaign.Campaign{a, b} {
		if err := s.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RenameCampaign(ctx, a.ID, "A nova", "alfa-nova", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.CampaignByID(ctx, a.ID)
	if got.Name != "A nova" || got.Alias != "alfa-nova" || !got.UpdatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("renamed got %q %q %v, want A nova alfa-nova and the new time", got.Name, got.Alias, got.UpdatedAt)
	}
	if err := s.RenameCampaign(ctx, a.ID, "A", "beta", t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("rename to a taken alias got %v, want ErrConflict", err)
	}
	if err := s.RenameCampaign(ctx, 999, "X", "x", t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rename missing got %v, want ErrNotFound", err)
	}
}

func TestCampaignStateDeleteAndSent(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := newCampaign(1, "A", "alfa")
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCampaignState(ctx, c.ID, campaign.Scheduled, campaign.Running, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("move from a state it is not in got %v, want ErrConflict", err)
	}
	if err := s.SetCampaignState(ctx, 999, campaign.Draft, campaign.Archived, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("move missing got %v, want ErrNotFound", err)
	}
	// As the dispatcher's Accept counts them.
	if err := s.ExecForTest(ctx, "UPDATE campaigns SET sent_count = sent_count + 3 WHERE id = ?", c.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCampaign(ctx, c.ID); !errors.Is(err, store.ErrCampaignSent) {
		t.Errorf("delete a campaign that sent got %v, want ErrCampaignSent", err)
	}
	if got, err := s.CampaignByID(ctx, c.ID); err != nil || got.SentCount != 3 {
		t.Errorf("after refused delete got %+v %v, want the campaign with 3 sent", got, err)
	}
	if err := s.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Archived, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CampaignByID(ctx, c.ID); got.State != campaign.Archived {
		t.Errorf("archived got state %q, want archived", got.State)
	}

	d := newCampaign(2, "B", "beta")
	if err := s.CreateCampaign(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteCampaign(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CampaignByID(ctx, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deleted campaign got %v, want ErrNotFound", err)
	}
	if err := s.DeleteCampaign(ctx, d.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("delete twice got %v, want ErrNotFound", err)
	}
}

func TestImportCampaigns(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	if err := s.CreateCampaign(ctx, newCampaign(1, "Local", "local")); err != nil {
		t.Fatal(err)
	}
	remote := []*campaign.Campaign{
		{RemoteID: 1, Name: "Local renamed remotely", Alias: "local"},
		{RemoteID: 2, Name: "Nova", Alias: "nova"},
		{RemoteID: 3, Name: "Sem alias"},
		{RemoteID: 4, Name: "Outra sem alias"},
		{RemoteID: 5, Name: "Clash", Alias: "local"},
	}
	got, err := s.ImportCampaigns(ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	if got.Imported != 3 || got.Known != 1 || !slices.Equal(got.AliasTaken, []string{"local"}) {
		t.Errorf("import got %+v, want 3 imported, 1 known, alias local taken", got)
	}
	if remote[1].ID == 0 {
		t.Errorf("imported campaign got no id")
	}
	c, _ := s.CampaignByID(ctx, remote[1].ID)
	if c.State != campaign.Draft || c.Channel != "" || c.RemoteID != 2 {
		t.Errorf("imported got state %q channel %q remote %d, want draft, no channel, 2", c.State, c.Channel, c.RemoteID)
	}
	again, err := s.ImportCampaigns(ctx, remote)
	if err != nil || again.Imported != 0 || again.Known != 4 {
		t.Errorf("import twice got %+v %v, want nothing new and 4 known", again, err)
	}
}

func TestCampaignSendSettings(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	c := newCampaign(30, "Envio", "envio")
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	l := readyList(t, s, []recipient.Recipient{{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}}})

	if err := s.SetCampaignList(ctx, c.ID, l.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCampaignMessage(ctx, c.ID, "Oi {{nome}}", true, "lote-7", t0); err != nil {
		t.Fatal(err)
	}
	got, _ := s.CampaignByID(ctx, c.ID)
	if got.ListID != l.ID || got.Message != "Oi {{nome}}" || !got.Flash || got.ExtraInfo != "lote-7" {
		t.Errorf("after saving got list %d message %q flash %v extra %q, want %d, the text, true, lote-7", got.ListID, got.Message, got.Flash, got.ExtraInfo, l.ID)
	}
	if err := s.SetCampaignMessage(ctx, c.ID, "Oi", false, "", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CampaignByID(ctx, c.ID); got.Flash || got.ExtraInfo != "" || got.Message != "Oi" {
		t.Errorf("flash and extra info did not clear: %+v", got)
	}

	// Only drafts change.
	if err := s.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.SetCampaignList(ctx, c.ID, 0, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("list of a scheduled campaign got %v, want ErrConflict", err)
	}
	if err := s.SetCampaignMessage(ctx, c.ID, "Outra", false, "", t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("message of a scheduled campaign got %v, want ErrConflict", err)
	}
	if err := s.SetCampaignList(ctx, 999, l.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("list of a missing campaign got %v, want ErrNotFound", err)
	}
}

func TestResumeCampaign(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := readyList(t, s, []recipient.Recipient{{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}}})
	c := newCampaign(40, "Retomar", "retomar")
	c.ListID, c.Message, c.ScheduledAt = l.ID, "Oi", t0
	if err := s.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.ResumeCampaign(ctx, c.ID, t0); !errors.Is(err, store.ErrConflict) {
		t.Errorf("resuming a draft got %v, want ErrConflict", err)
	}
	if err := s.ResumeCampaign(ctx, 999, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("resuming a missing campaign got %v, want ErrNotFound", err)
	}
	// Paused before it started: it is scheduled again.
	if err := s.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.PauseWithError(ctx, c.ID, "no recipient list"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CampaignByID(ctx, c.ID); got.State != campaign.Paused || got.LastError != "no recipient list" {
		t.Fatalf("after PauseWithError got %s %q, want paused with the reason", got.State, got.LastError)
	}
	if err := s.ResumeCampaign(ctx, c.ID, t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.CampaignByID(ctx, c.ID); got.State != campaign.Scheduled || got.LastError != "" {
		t.Errorf("resumed before starting got %s %q, want scheduled without the error", got.State, got.LastError)
	}
	// Started, then paused by refused credentials: it runs again.
	if err := s.StartCampaign(ctx, c.ID, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.PauseWithError(ctx, c.ID, "unauthorized: HTTP 401"); err != nil {
		t.Fatal(err)
	}
	if err := s.ResumeCampaign(ctx, c.ID, t0); err != nil {
		t.Fatal(err)
	}
	got, _ := s.CampaignByID(ctx, c.ID)
	if got.State != campaign.Running || got.LastError != "" || !got.StartedAt.Equal(t0) {
		t.Errorf("resumed after starting got %s %q started %v, want running, no error, started at %v", got.State, got.LastError, got.StartedAt, t0)
	}
}

func TestEachRecipientFlagsCurrentSuppressions(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	l := readyList(t, s, []recipient.Recipient{
		{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}},
		{Row: 3, Phone: "5521998765432", Fields: []string{"Ana", "Niterói"}},
		{Row: 4, Phone: "5519997712322", Fields: []string{"", "Campinas"}},
	})
	// Suppressed after the import: the walk still says so.
	if _, err := s.AddSuppressions(ctx, []string{"5521998765432"}, "opt-out", ""); err != nil {
		t.Fatal(err)
	}
	var got []string
	err := s.EachRecipient(ctx, l.ID, func(r *recipient.Recipient) error {
		got = append(got, fmt.Sprintf("%s/%s/%v", r.Fields[0], r.Fields[1], r.Suppressed))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"João/São Paulo/false", "Ana/Niterói/true", "/Campinas/false"}
	if !slices.Equal(got, want) {
		t.Errorf("walk got %v, want %v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	if err := s.EachRecipient(ctx, l.ID, func(*recipient.Recipient) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("stopping got %v after %d, want the callback's error after 1", err, n)
	}
}
