package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/internal/user"
	"arauto/store"
)

// costStat reads one number of the cost panel.
func costStat(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`data-cost="` + name + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return "(absent)"
	}
	return m[1]
}

// phoneCount is the phone's own line: "2 segmentos · UCS-2".
func phoneCount(body string) string {
	m := regexp.MustCompile(`data-phone="count">\s*([^<]*?)\s*<`).FindStringSubmatch(body)
	if m == nil {
		return "(absent)"
	}
	return strings.Join(strings.Fields(m[1]), " ")
}

// TestComposerCountersAgree: the counter, the phone and the cost come from
// one computation over every recipient's rendered text. A text without
// accents whose names have them is billed per 70 (the counter no longer
// says "GSM-7, 1 segmento" while the phone says 2 · UCS-2), and replacing
// the accents in the fields at send time shows its saving over the whole
// list, in all three at once.
func TestComposerCountersAgree(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	l := e.addReadyList(t, "Clientes",
		recipient.Recipient{Row: 2, Phone: "5511987654321", Fields: []string{"Conceição Aparecida", "São Paulo"}},
		recipient.Recipient{Row: 3, Phone: "5521998765432", Fields: []string{"Ana", "Rio"}},
		recipient.Recipient{Row: 4, Phone: "5543999887766", Fields: []string{"João", "Londrina"}},
	)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/templates/new", nil)
	body := "Oi {{nome}}, sua fatura de dezembro vence amanha. Pague pelo app e evite juros."
	count := func(form url.Values) string {
		t.Helper()
		form.Set("body", body)
		form.Set("list_id", fmt.Sprint(l.ID))
		r := b.post("/compose/count", form)
		if r.status != 200 {
			t.Fatalf("count got %d", r.status)
		}
		return html.UnescapeString(r.body)
	}

	tests := []struct {
		name                                 string
		form                                 url.Values
		encoding, segments, phone, billed    string
		saving                               string
		fieldsHint, sercomtelPhone, accentsW bool
	}{
		{"accents in the names", url.Values{"accent_option": {"1"}}, "UCS-2", "2", "2 segmentos · UCS-2", "5",
			"Trocar os acentos economiza 2 segmentos em toda a lista (3 contatos): de 5 para 3.", true, false, true},
		{"replaced in the fields when sending", url.Values{"accent_option": {"1"}, "replace_accents": {"1"}}, "GSM-7", "1",
			"1 segmento · GSM-7", "3", "", false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := count(tt.form)
			if got := meterStat(t, r, "encoding"); got != tt.encoding {
				t.Errorf("counter encoding got %s, want %s", got, tt.encoding)
			}
			if got := meterStat(t, r, "segments"); got != tt.segments {
				t.Errorf("counter segments got %s, want %s", got, tt.segments)
			}
			if got := phoneCount(r); got != tt.phone {
				t.Errorf("phone got %q, want %q (the same message as the counter)", got, tt.phone)
			}
			if got := costStat(t, r, "longest"); got != tt.segments {
				t.Errorf("cost's longest got %s, want the counter's %s", got, tt.segments)
			}
			if got := costStat(t, r, "billed"); got != tt.billed {
				t.Errorf("cost billed got %s, want %s", got, tt.billed)
			}
			if tt.saving != "" && !strings.Contains(r, tt.saving) {
				t.Errorf("the saving over the whole list is not stated as %q", tt.saving)
			}
			if tt.saving == "" && strings.Contains(r, "data-suggest") {
				t.Errorf("nothing left to save, yet a suggestion")
			}
			if got := strings.Contains(r, "Também nos campos") || strings.Contains(r, "só por causa de acentos nos campos"); got != tt.fieldsHint {
				t.Errorf("hint to replace in the fields shown %v, want %v", got, tt.fieldsHint)
			}
			if got := strings.Contains(r, `data-meter="accents-off"`); got != tt.accentsW {
				t.Errorf("accents-off warning shown %v, want %v", got, tt.accentsW)
			}
		})
	}

	// A recipient on Sercomtel: the phone shows what they receive and the
	// cost counts their separate SMS; a price shows R$.
	if err := e.store.SetCarriers(context.Background(), l.ID, []store.CarrierResult{{Row: 2, Carrier: "SERCOMTEL"}}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SaveSettings(context.Background(), map[string]string{billing.SettingSMSPrice: "450", billing.SettingAccents: "1"}); err != nil {
		t.Fatal(err)
	}
	r := count(url.Values{})
	if !strings.Contains(r, `data-phone="sercomtel"`) || !strings.Contains(r, "Oi Conceicao Aparecida, sua fatura de dezembro vence amanha.") {
		t.Errorf("the phone does not show what the Sercomtel recipient receives")
	}
	if got := costStat(t, r, "billed"); got != "4" { // 1 (Sercomtel, 90 plain characters) + 1 (Ana) + 2 (João, per 70)
		t.Errorf("billed with a Sercomtel recipient got %s, want 4", got)
	}
	if got := costStat(t, r, "money"); got != "R$ 0,18" {
		t.Errorf("cost got %q, want R$ 0,18 (4 × R$ 0,045)", got)
	}
	if strings.Contains(r, `data-meter="accents-off"`) {
		t.Errorf("accents enabled in Settings, yet the warning")
	}
}

// TestCampaignKeepsTheAccentOption: the campaign composer offers to replace
// accents in the fields when sending, and the choice is kept with the
// message (the dispatcher honours it).
func TestCampaignKeepsTheAccentOption(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Acentos", "")
	e.prepare(t, c, "Oi {{nome}}", nil)
	page := e.b.do("GET", e.path(c, "/message"), nil).body
	wantIn(t, "message page", page, "Trocar acentos também nos campos da lista, ao enviar", `name="accent_option" value="1"`)
	if r := e.b.post(e.path(c, "/message"), url.Values{"body": {"Oi {{nome}}"}, "replace_accents": {"1"}}); r.status != 303 {
		t.Fatalf("save got %d: %s", r.status, excerpt(r.body))
	}
	if got := e.reload(t, c); !got.ReplaceAccents {
		t.Errorf("the option was not kept")
	}
	page = e.b.do("GET", e.path(c, "/message"), nil).body
	wantIn(t, "message page after saving", page, `name="replace_accents" value="1" checked`)
	if r := e.b.post(e.path(c, "/message"), url.Values{"body": {"Oi {{nome}}"}}); r.status != 303 {
		t.Fatalf("save got %d", r.status)
	}
	if got := e.reload(t, c); got.ReplaceAccents {
		t.Errorf("unticking the option did not clear it")
	}
}

// TestPreflightCountsEachRecipientAfterPersonalisation: 700 emoji in a
// field make 1,400 characters: refused at the pre-flight, counted as the
// provider counts (sms.Length), not passed and then failed message by
// message.
func TestPreflightCountsEachRecipientAfterPersonalisation(t *testing.T) {
	e := newSendEnv(t)
	e.list = e.addReadyList(t, "Emoji",
		recipient.Recipient{Row: 2, Phone: "5511987654321", Fields: []string{strings.Repeat("😀", 700), "SP"}},
		recipient.Recipient{Row: 3, Phone: "5521998765432", Fields: []string{"Ana", "RJ"}},
	)
	c := e.create(t, e.b, "Emoji", "")
	e.prepare(t, c, "{{nome}}", nil)
	r := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "review", r.body, `data-check="message" data-status="fail"`,
		"Mensagens que passariam de 1280 caracteres depois de preenchidas e seriam recusadas: 1.")
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 422 {
		t.Errorf("launch got %d, want 422: refused", r.status)
	}
	if got := e.reload(t, c); got.State != campaign.Draft {
		t.Errorf("state got %s, want draft", got.State)
	}
}

// TestLaunchUnderAClosedWindowSaysWhenItOpens: a send-now campaign
// confirmed while its window is closed starts when the window opens, and
// the confirmation says so instead of "o envio começa agora".
func TestLaunchUnderAClosedWindowSaysWhenItOpens(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Janela", "")
	// The test clock is 09:00 in Brasília; the window opens at 12:00.
	sched := url.Values{"when": {"now"}, "zone": {"America/Sao_Paulo"}, "expiry": {"none"}, "hour": {"12", "13", "14"}}
	e.prepare(t, c, "Oi {{nome}}", sched)
	e.b.do("GET", e.path(c, "/review"), nil)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	page := e.b.do("GET", e.path(c, ""), nil).body
	wantIn(t, "campaign page after launch", page, "Campanha “Janela” confirmada: o envio começa às 12:00 (Horário de Brasília (UTC-3)), quando a janela de envio abre.")
	if strings.Contains(page, "o envio começa agora") {
		t.Errorf("the confirmation says sending starts now under a closed window")
	}
}

// TestTemplatePickedInTheComposer: saved templates ("Modelos") are offered
// in a campaign's composer, and the chosen one's text fills the text box;
// viewers cannot ask for it.
func TestTemplatePickedInTheComposer(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Com modelo", "")
	e.prepare(t, c, "Oi", nil)
	page := e.b.do("GET", e.path(c, "/message"), nil).body
	wantIn(t, "composer without templates", page, `data-templates="none"`, `href="/templates/new"`)
	e.b.do("GET", "/templates/new", nil)
	if r := e.b.post("/templates", tplForm("Lembrete", "Oi {{nome}}, sua fatura vence amanhã.", e.list.ID)); r.status != 303 {
		t.Fatalf("create template got %d: %s", r.status, excerpt(r.body))
	}
	tpl, err := e.store.Templates(context.Background())
	if err != nil || len(tpl) != 1 {
		t.Fatalf("templates got %v %v", tpl, err)
	}
	page = e.b.do("GET", e.path(c, "/message"), nil).body
	wantIn(t, "composer with a template", page, `<label for="template-pick">Começar de um modelo</label>`, ">Lembrete</option>", `hx-get="/compose/template"`)
	r := e.b.do("GET", fmt.Sprintf("/compose/template?template_id=%d", tpl[0].ID), nil)
	if r.status != 200 || !strings.Contains(html.UnescapeString(r.body), "Oi {{nome}}, sua fatura vence amanhã.</textarea>") || !strings.Contains(r.body, `id="compose-body"`) {
		t.Errorf("picking the template got %d %s, want the text box with its text", r.status, r.body)
	}
	if r := e.b.do("GET", "/compose/template?template_id=999", nil); r.status != 404 {
		t.Errorf("a missing template got %d, want 404", r.status)
	}
	v := e.browser(t)
	v.signIn(viewer)
	if r := v.do("GET", fmt.Sprintf("/compose/template?template_id=%d", tpl[0].ID), nil); r.status != 403 {
		t.Errorf("a viewer picking a template got %d, want 403", r.status)
	}
}

// TestAbandonedMappingCanBeResumed: a list left at the mapping step shows
// how to carry on, on the lists page, and for how long it is kept.
func TestAbandonedMappingCanBeResumed(t *testing.T) {
	e := newSendEnv(t)
	l := &recipient.List{Name: "Meio caminho", FileName: "meio.csv"}
	if err := e.store.CreateList(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	page := e.b.do("GET", "/lists", nil).body
	wantIn(t, "lists page", page, fmt.Sprintf(`href="/lists/%d/mapping">Continuar o mapeamento</a>`, l.ID),
		"Listas aguardando colunas são apagadas, com o arquivo, depois de 7 dias sem o mapeamento.")
	page = e.b.do("GET", fmt.Sprintf("/lists/%d", l.ID), nil).body
	wantIn(t, "list page", page, "Conferir colunas", "depois de 7 dias sem o mapeamento")
}
