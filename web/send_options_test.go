package web

import (
	"net/url"
	"testing"

	"arauto/internal/campaign"
)

// TestCampaignSendOptions: the SMS message editor takes the sub-account,
// a Wavy SMS template and a bot flow; a template that is not a number is
// refused on its field; the campaign page shows what was chosen.
func TestCampaignSendOptions(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Boas-vindas", "")
	e.prepare(t, c, "Oi {{nome}}", nil)
	r := e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "message page", r.body, "Opções da Wavy", "Subconta (centro de custo)", `title="templateId"`, "Fluxo de bot da Wavy")

	bad := url.Values{"body": {"Oi {{nome}}"}, "template_id": {"trinta"}, "sub_account": {"Loja 12"}}
	r = e.b.post(e.path(c, "/message"), bad)
	if r.status != 422 {
		t.Fatalf("a template that is not a number got %d, want 422", r.status)
	}
	wantIn(t, "refused options", r.body, "Use o número do modelo, como 31.", `value="Loja 12"`, `<details class="send-options" open`)

	good := url.Values{"body": {"Oi {{nome}}"}, "template_id": {"31"}, "template_name": {"boas-vindas"}, "sub_account": {"Loja 12"},
		"flow_id": {"14f8142d-e731-4971-8220-5a76a12c413f"}}
	if r = e.b.post(e.path(c, "/message"), good); r.status != 303 {
		t.Fatalf("save got %d: %s", r.status, excerpt(r.body))
	}
	got := e.reload(t, c)
	want := campaign.SendOptions{SubAccount: "Loja 12", FlowID: "14f8142d-e731-4971-8220-5a76a12c413f", TemplateID: 31, TemplateName: "boas-vindas"}
	if got.Options != want {
		t.Errorf("stored options %+v, want %+v", got.Options, want)
	}
	wantIn(t, "campaign page", e.b.do("GET", e.path(c, ""), nil).body, `data-option="sub_account">Loja 12<`, "31 · boas-vindas",
		`data-option="flow_id">14f8142d-e731-4971-8220-5a76a12c413f<`)
	// Saved options come back in the editor.
	wantIn(t, "message page again", e.b.do("GET", e.path(c, "/message"), nil).body, `value="31"`, `value="boas-vindas"`)
}
