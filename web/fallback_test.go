package web

import (
	"context"
	"html"
	"net/url"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/user"
)

// TestFallbackEditor: a marketer writes a WhatsApp campaign's SMS
// fallback on its own page; an unknown placeholder and a wait out of
// bounds are refused on their fields, naming what is wrong; the saved
// fallback shows on the campaign page and its review prices it apart; an
// SMS campaign has no fallback, a viewer cannot change one, and a
// campaign that is no longer a draft keeps its own.
func TestFallbackEditor(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := &campaign.Campaign{RemoteID: 903, Name: "Zap", Alias: "zap-fb", Channel: campaign.WhatsApp, ListID: e.list.ID}
	if err := e.store.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantIn(t, "editor", e.b.do("GET", e.path(c, "/fallback"), nil).body, `id="campaign-fallback-form"`, `name="fallback_text"`, `value="24"`)
	tests := []struct {
		name  string
		v     url.Values
		wants []string
	}{
		{"unknown placeholder", url.Values{"fallback_text": {"Oi {{apelido}}"}, "wait_hours": {"6"}}, []string{"{{apelido}}", "{{nome}}", `aria-invalid="true"`}},
		{"empty text", url.Values{"fallback_text": {"  "}, "wait_hours": {"6"}}, []string{`aria-invalid="true"`}},
		{"wait too long", url.Values{"fallback_text": {"Oi {{nome}}"}, "wait_hours": {"100"}}, []string{"Escolha um prazo entre 1 e 72 horas.", `id="wait-error"`}},
	}
	for _, tt := range tests {
		r := e.b.post(e.path(c, "/fallback"), tt.v)
		if r.status != 422 {
			t.Errorf("%s: status got %d, want 422", tt.name, r.status)
		}
		wantIn(t, tt.name, html.UnescapeString(r.body), tt.wants...)
	}
	if got, _ := e.store.CampaignFallback(ctx, c.ID); got.On() {
		t.Fatalf("a refused fallback was stored: %+v", got)
	}
	if r := e.b.post(e.path(c, "/fallback"), url.Values{"fallback_text": {"Oi {{nome}}, veja por SMS"}, "wait_hours": {"6"}}); r.status != 303 {
		t.Fatalf("save got %d, want 303: %s", r.status, excerpt(r.body))
	}
	got, err := e.store.CampaignFallback(ctx, c.ID)
	if err != nil || got != (fallback.Settings{Text: "Oi {{nome}}, veja por SMS", Wait: 6 * time.Hour}) {
		t.Fatalf("stored %+v %v, want the text and 6 hours", got, err)
	}
	wantIn(t, "campaign page", html.UnescapeString(e.b.do("GET", e.path(c, ""), nil).body), `data-section="fallback"`, "Oi {{nome}}, veja por SMS", "6 horas")
	review := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "review", review.body, `data-review="fallback"`, `data-review="fallback-messages">3<`)

	sms := &campaign.Campaign{RemoteID: 904, Name: "Torpedo", Alias: "torpedo-fb", Channel: campaign.SMS, ListID: e.list.ID}
	if err := e.store.CreateCampaign(ctx, sms); err != nil {
		t.Fatal(err)
	}
	if r := e.b.do("GET", e.path(sms, "/fallback"), nil); r.status != 404 {
		t.Errorf("an SMS campaign's fallback page got %d, want 404", r.status)
	}

	e.addUser(t, "viewer-fb@example.com", user.Viewer)
	v := e.browser(t)
	v.signIn("viewer-fb@example.com")
	v.do("GET", e.path(c, ""), nil)
	if r := v.post(e.path(c, "/fallback"), url.Values{"remove": {"1"}}); r.status != 403 {
		t.Errorf("a viewer removing the fallback got %d, want 403", r.status)
	}

	if err := e.store.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Cancelled, time.Now()); err != nil {
		t.Fatal(err)
	}
	if r := e.b.post(e.path(c, "/fallback"), url.Values{"remove": {"1"}}); r.status != 303 || r.location != e.path(c, "") {
		t.Errorf("removing a cancelled campaign's fallback got %d %q, want 303 back to its page", r.status, r.location)
	}
	if got, _ := e.store.CampaignFallback(ctx, c.ID); !got.On() {
		t.Errorf("a campaign that is no longer a draft lost its fallback")
	}
}
