package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"arauto/internal/campaign"
)

func TestWhatsAppEditor(t *testing.T) {
	e := newSendEnv(t)
	c := &campaign.Campaign{RemoteID: 902, Name: "Zap", Alias: "zap", Channel: campaign.WhatsApp, ListID: e.list.ID}
	if err := e.store.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	// The editor page first: it gives the form its CSRF token.
	wantIn(t, "editor", e.b.do("GET", e.path(c, "/message"), nil).body, `id="whatsapp-form"`)
	form := func(mod func(url.Values)) url.Values {
		v := url.Values{"kind": {"template"}, "namespace": {"ns"}, "element_name": {"promo"}, "language_code": {"pt_BR"},
			"language_policy": {"DETERMINISTIC"}, "body_text": {"Olá {{1}}!"}, "body_params": {"{{nome}}"}}
		if mod != nil {
			mod(v)
		}
		return v
	}
	refused := func(name string, v url.Values, want string) handlerTest {
		return handlerTest{name: name, as: marketer, method: "POST", path: e.path(c, "/message"), form: v, want: 422,
			wantIn: []string{want, `aria-invalid="true"`}}
	}
	runHandlerTests(t, e.testEnv, []handlerTest{
		refused("no namespace", form(func(v url.Values) { v.Set("namespace", "") }), "Obrigatório."),
		refused("body too long with footer", form(func(v url.Values) { v.Set("footer_text", "Loja"); v.Set("body_text", strings.Repeat("a", 161)) }),
			"Com cabeçalho ou rodapé, o corpo aceita no máximo 160 caracteres; este tem 161."),
		refused("header too long", form(func(v url.Values) { v.Set("header_kind", "text"); v.Set("header_text", strings.Repeat("h", 61)) }),
			"O cabeçalho aceita no máximo 60 caracteres; este tem 61."),
		refused("unknown field", form(func(v url.Values) { v.Set("body_params", "{{apelido}}") }), "{{apelido}}"),
	})
	prev := e.b.post(e.path(c, "/whatsapp/preview"), form(nil))
	wantIn(t, "preview", prev.body, "data-wa-bubble", "data-wa-body")
	if strings.Contains(prev.body, "{{1}}") {
		t.Errorf("preview got %q, want the variable filled", prev.body)
	}
	if r := e.b.post(e.path(c, "/message"), form(nil)); r.status != 303 {
		t.Fatalf("save got %d, want 303: %s", r.status, r.body)
	}
	w, err := e.store.CampaignWhatsApp(context.Background(), c.ID)
	if err != nil || w.Template == nil || w.Template.BodyParameters[0] != "{{nome}}" {
		t.Errorf("stored got %+v %v", w, err)
	}
	page := e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "saved page", page.body, `value="promo"`, "{{nome}}</textarea>")
}
