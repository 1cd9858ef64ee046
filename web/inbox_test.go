package web

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/user"
	"arauto/internal/wavy"
	"arauto/views"
)

// webhook posts one webhook body the way the provider would.
func (e *testEnv) webhook(t *testing.T, kind, body string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/webhooks/wavy/"+testSecret+"/"+kind, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("webhook %s got %d, want 200", kind, resp.StatusCode)
	}
}

// seedReplies stores an SMS opt-out, an SMS question and a WhatsApp
// location and contact card, and applies them.
func (e *testEnv) seedReplies(t *testing.T) {
	t.Helper()
	e.webhook(t, "sms-mo", `{"id":"mo-1","source":"5519997712322","shortCode":"28128","messageText":"Sair","receivedAt":1766660300000}`)
	e.webhook(t, "sms-mo", `{"id":"mo-2","source":"5521988887777","shortCode":"28128","messageText":"Qual o horário da loja?","receivedAt":1766660400000}`)
	at := time.UnixMilli(1766660500000)
	wa, err := json.Marshal(map[string]any{"total": 2, "data": []wavy.WhatsAppMO{
		{ID: "wa-1", Source: "5511977776666", UserProfile: wavy.UserProfile{Name: "Maria Silva"}, ReceivedAt: at,
			Message: wavy.InboundMessage{Location: &wavy.Location{GeoPoint: "-23.5613,-46.6565", Name: "Loja Paulista"}}},
		{ID: "wa-2", Source: "5511977776666", UserProfile: wavy.UserProfile{Name: "Maria Silva"}, ReceivedAt: at.Add(time.Minute),
			Message: wavy.InboundMessage{Contacts: []wavy.Contact{{Name: &wavy.ContactName{FirstName: "João", LastName: "Souza"},
				Phones: []wavy.ContactPhone{{Phone: "+55 11 91234-5678"}}}}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.webhook(t, "whatsapp", string(wa))
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
}

func TestInboxPages(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "view@example.com", user.Viewer)
	e.seedReplies(t)
	page := func(name, path string, wantIn, wantOut []string) handlerTest {
		return handlerTest{name: name, as: "view@example.com", method: "GET", path: path, want: 200, wantIn: wantIn, wantOut: wantOut}
	}
	runHandlerTests(t, e, []handlerTest{
		page("all", "/inbox", []string{"+55 19 99771-2322", "Qual o horário da loja?", "Loja Paulista", "openstreetmap.org/?mlat=-23.561300", "João Souza · +55 11 91234-5678", "Pediu para sair", "/suppression"}, nil),
		page("by number", "/inbox?q="+url.QueryEscape("(21) 98888-7777"), []string{"Qual o horário"}, []string{"99771-2322"}),
		page("by text", "/inbox?q=hor%C3%A1rio", []string{"Qual o horário"}, []string{"99771-2322"}),
		page("opt-outs only", "/inbox?optout=1", []string{"99771-2322"}, []string{"Qual o horário"}),
		page("whatsapp only", "/inbox?channel=whatsapp", []string{"Maria Silva"}, []string{"Qual o horário"}),
		page("nothing matches", "/inbox?q=zzz", []string{"Nenhuma resposta encontrada"}, nil),
		page("bad cursor", "/inbox?before=abc&channel=fax", []string{"Qual o horário"}, nil),
		page("conversation", "/inbox/5519997712322", []string{"Conversa com +55 19 99771-2322", "Sair", "Bloqueado: Pediu para sair"}, nil),
		page("conversation of a stranger", "/inbox/5511900001111", []string{"Nenhuma mensagem trocada"}, nil),
		// A viewer sees no button to change the suppression list.
		page("no suppress button for a viewer", "/inbox/5521988887777", nil, []string{"Bloquear número"}),
		{name: "conversation with a non-number", as: "view@example.com", method: "GET", path: "/inbox/not-a-number", want: 404},
	})
}

func TestInboxPaging(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "view@example.com", user.Viewer)
	var mos []string
	for i := 0; i < inboxPerPage+5; i++ {
		mos = append(mos, `{"id":"p-`+string(rune('a'+i/26))+string(rune('a'+i%26))+`","source":"5521988880000","messageText":"oi","receivedAt":1766660300000}`)
	}
	e.webhook(t, "sms-mo", "["+strings.Join(mos, ",")+"]")
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("view@example.com")
	r := b.do("GET", "/inbox", nil)
	if got := strings.Count(r.body, "data-reply="); got != inboxPerPage {
		t.Errorf("first page has %d replies, want %d", got, inboxPerPage)
	}
	i := strings.Index(r.body, `/inbox?before=`)
	if i < 0 {
		t.Fatal("first page has no link to the next")
	}
	next := r.body[i : i+strings.IndexByte(r.body[i:], '"')]
	r = b.do("GET", strings.ReplaceAll(next, "&amp;", "&"), nil)
	if got := strings.Count(r.body, "data-reply="); got != 5 {
		t.Errorf("second page has %d replies, want 5", got)
	}
}

func TestOptOutAndPollingSettings(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "mkt@example.com", user.Marketer)
	ctx := context.Background()

	keywords := func(name, raw string, want int, wantIn ...string) handlerTest {
		return handlerTest{name: name, as: "admin@example.com", method: "POST", path: "/settings/optout",
			form: url.Values{"keywords": {raw}}, want: want, wantIn: wantIn}
	}
	runHandlerTests(t, e, []handlerTest{
		{name: "marketer may not save keywords", as: "mkt@example.com", method: "POST", path: "/settings/optout",
			form: url.Values{"keywords": {"X"}}, want: 403},
		{name: "the defaults and the polling switch", as: "admin@example.com", method: "GET", path: "/settings", want: 200,
			wantIn: []string{"SAIR, PARAR, CANCELAR, DESCADASTRAR, STOP", "Consulta de status"}},
		keywords("blank", " , \n ", 422, "Informe pelo menos uma palavra-chave."),
		keywords("punctuation only", "SAIR, !!!", 422, "“!!!” não serve"),
		keywords("too long", "SAIR, "+strings.Repeat("A", 41), 422, "não serve"),
		keywords("good", "Sair\nPARE, stop, sair", 303),
	})
	b := e.browser(t)
	b.signIn("admin@example.com")
	if v, _ := e.store.Setting(ctx, config.SettingOptOutKeywords); v != "Sair, PARE, stop" {
		t.Errorf("saved keywords got %q, want %q", v, "Sair, PARE, stop")
	}
	b.do("GET", "/settings", nil)
	if r := b.post("/settings/polling", url.Values{"polling": {"1"}}); r.status != 303 {
		t.Errorf("polling on got %d, want 303", r.status)
	}
	if v, _ := e.store.Setting(ctx, config.SettingPolling); v != "1" {
		t.Errorf("polling setting got %q, want 1", v)
	}
	if r := b.do("GET", "/settings", nil); !strings.Contains(r.body, "Ligado: os status são buscados") {
		t.Errorf("settings page does not say polling is on")
	}
	b.post("/settings/polling", url.Values{})
	if v, _ := e.store.Setting(ctx, config.SettingPolling); v != "0" {
		t.Errorf("polling setting after switching off got %q, want 0", v)
	}

	// The applier reads the new keywords: PARE now opts out, CANCELAR not.
	e.webhook(t, "sms-mo", `[{"id":"k-1","source":"5519997710001","messageText":"pare","receivedAt":1766660300000},`+
		`{"id":"k-2","source":"5519997710002","messageText":"CANCELAR","receivedAt":1766660300000}]`)
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.SuppressionByPhone(ctx, "5519997710001"); err != nil {
		t.Errorf("PARE did not suppress: %v", err)
	}
	if _, err := e.store.SuppressionByPhone(ctx, "5519997710002"); err == nil {
		t.Errorf("CANCELAR suppressed though no longer a keyword")
	}
}

func TestReplyAfterMessage(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	in := &views.Reply{MessageID: 7, Text: "SAIR"}
	out := &views.Sent{MessageID: 7, Text: "Oi"}
	other := &views.Reply{Text: "antes"}
	got := replyAfterMessage([]views.ChatEntry{
		{At: t0.Add(-time.Minute), In: other},
		{At: t0.Add(-time.Millisecond), In: in}, // the provider's clock runs a little behind
		{At: t0, Out: out},
	})
	var order []string
	for _, e := range got {
		if e.In != nil {
			order = append(order, e.In.Text)
		} else {
			order = append(order, e.Out.Text)
		}
	}
	if strings.Join(order, ",") != "antes,Oi,SAIR" {
		t.Errorf("got order %v, want antes, Oi, SAIR", order)
	}
}

// TestInboxWhatsAppReplyKinds: every kind of WhatsApp reply reads in
// plain words — a quick-reply button and the code it sent, the ad a
// click-to-WhatsApp conversation started from, media with its caption, a
// location's name and address, a contact card with its phone, e-mail and
// company. A javascript: link in a payload is never linked.
func TestInboxWhatsAppReplyKinds(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "view@example.com", user.Viewer)
	at := time.UnixMilli(1766660500000)
	mo := func(id string, m wavy.InboundMessage, ref *wavy.Referral) wavy.WhatsAppMO {
		return wavy.WhatsAppMO{ID: id, Source: "5511977776666", UserProfile: wavy.UserProfile{Name: "Maria Silva"}, ReceivedAt: at, Message: m, Referral: ref}
	}
	wa, err := json.Marshal(map[string]any{"total": 5, "data": []wavy.WhatsAppMO{
		mo("b-1", wavy.InboundMessage{Type: "BUTTON", MessageText: "Quero o cupom", Payload: "CUPOM_NATAL"}, nil),
		mo("r-1", wavy.InboundMessage{Type: "TEXT", MessageText: "Vi o anúncio, ainda vale?"},
			&wavy.Referral{HeadLine: "Ofertas de fim de ano", Body: "Até 50% em toda a loja.", SourceType: "ad", SourceURL: "https://fb.me/ad-1"}),
		mo("i-1", wavy.InboundMessage{Type: "IMAGE", MediaURL: "https://cdn.example.com/foto.jpg", Caption: "Olha a foto"}, nil),
		mo("l-1", wavy.InboundMessage{Location: &wavy.Location{GeoPoint: "-23.561414,-46.655881", Name: "MASP", Address: "Av. Paulista, 1578"}}, nil),
		mo("c-1", wavy.InboundMessage{Contacts: []wavy.Contact{{Name: &wavy.ContactName{FormattedName: "Maria Silva"},
			Phones: []wavy.ContactPhone{{Phone: "+55 11 98888-7777"}}, Emails: []wavy.ContactEmail{{Email: "maria@example.com"}},
			Org: &wavy.ContactOrg{Company: "Padaria Silva", Title: "Dona"}}}}, nil),
		mo("x-1", wavy.InboundMessage{Type: "TEXT", MessageText: "oi"}, &wavy.Referral{HeadLine: "Post", SourceType: "post", SourceURL: "javascript:alert(1)"}),
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.webhook(t, "whatsapp", string(wa))
	if _, err := applyEvents(e.store); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("view@example.com")
	r := b.do("GET", "/inbox", nil)
	wantIn(t, "inbox", r.body,
		"Tocou no botão “Quero o cupom”", "Código que o botão enviou: CUPOM_NATAL",
		"A conversa começou por um anúncio:", "“Ofertas de fim de ano”", "Até 50% em toda a loja.", `href="https://fb.me/ad-1"`, "Ver o anúncio",
		"Imagem", "Olha a foto", `href="https://cdn.example.com/foto.jpg"`,
		"<strong>MASP</strong>", "Av. Paulista, 1578", "openstreetmap.org",
		"Maria Silva · +55 11 98888-7777 · maria@example.com · Dona Padaria Silva",
		"A conversa começou por uma publicação:")
	if strings.Contains(r.body, "javascript:") {
		t.Errorf("a javascript: link from a payload reached the page")
	}
	// The conversation page reads the same.
	wantIn(t, "conversation", b.do("GET", "/inbox/5511977776666", nil).body, "Tocou no botão “Quero o cupom”", "A conversa começou por um anúncio:")
}
