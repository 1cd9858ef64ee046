package web

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/internal/user"
)

// countingWaker counts the dispatcher wake-ups the handlers ask for.
type countingWaker struct{ n atomic.Int32 }

func (w *countingWaker) Wake() { w.n.Add(1) }

// sendEnv is a campaign console with a ready list "Clientes" (fields nome
// and cidade) and a marketer signed in.
type sendEnv struct {
	*campaignEnv
	b    *browser
	list *recipient.List
	wake *countingWaker
}

func newSendEnv(t *testing.T) *sendEnv {
	t.Helper()
	e := newCampaignEnv(t)
	w := &countingWaker{}
	e.srv.campaigns.Dispatcher = w
	b := e.browser(t)
	b.signIn(marketer)
	return &sendEnv{campaignEnv: e, b: b, list: e.addReadyList(t, "Clientes", clientes...), wake: w}
}

func (e *sendEnv) path(c *campaign.Campaign, suffix string) string {
	return fmt.Sprintf("/campaigns/%d%s", c.ID, suffix)
}

func (e *sendEnv) reload(t *testing.T, c *campaign.Campaign) *campaign.Campaign {
	t.Helper()
	got, err := e.store.CampaignByID(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// prepare fills a campaign's list, message and schedule through the editors.
func (e *sendEnv) prepare(t *testing.T, c *campaign.Campaign, body string, sched url.Values) {
	t.Helper()
	e.b.do("GET", e.path(c, "/list"), nil)
	if r := e.b.post(e.path(c, "/list"), url.Values{"list_id": {fmt.Sprint(e.list.ID)}}); r.status != 303 {
		t.Fatalf("choose list got %d, want 303: %s", r.status, excerpt(r.body))
	}
	if r := e.b.post(e.path(c, "/message"), url.Values{"body": {body}}); r.status != 303 {
		t.Fatalf("save message got %d, want 303: %s", r.status, excerpt(r.body))
	}
	if sched == nil {
		sched = url.Values{"when": {"now"}, "zone": {"America/Sao_Paulo"}, "expiry": {"none"}}
	}
	if r := e.b.post(e.path(c, "/schedule"), sched); r.status != 303 {
		t.Fatalf("save schedule got %d, want 303: %s", r.status, excerpt(r.body))
	}
}

func wantIn(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	plain := html.UnescapeString(body)
	for _, w := range wants {
		if !strings.Contains(plain, w) {
			t.Errorf("%s lacks %q; got:\n%s", what, w, excerpt(body))
		}
	}
}

func TestCampaignSendJourney(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.create(t, e.b, "Natal", "natal")

	page := e.b.do("GET", e.path(c, ""), nil)
	wantIn(t, "draft page", page.body, "Escolher lista", "Complete os itens acima")

	// Recipients: the ready lists with their valid counts.
	r := e.b.do("GET", e.path(c, "/list"), nil)
	wantIn(t, "list page", r.body, "Clientes — 3 contatos válidos", "{{nome}}")
	r = e.b.post(e.path(c, "/list"), url.Values{"list_id": {fmt.Sprint(e.list.ID)}})
	if r.status != 303 || r.location != e.path(c, "") {
		t.Fatalf("choose list got %d %q, want 303 to the campaign", r.status, r.location)
	}
	wantIn(t, "page after choosing", e.b.follow(r).body, "Lista “Clientes” escolhida. Contatos válidos: 3.", "Escrever mensagem")

	// Message: the composer with the list's fields.
	r = e.b.do("GET", e.path(c, "/message"), nil)
	wantIn(t, "message page", r.body, `name="list_id" value="`+fmt.Sprint(e.list.ID)+`"`, "data-insert=\"{{nome}}\"", "Flash SMS", `title="extraInfo"`)
	r = e.b.post(e.path(c, "/message"), url.Values{"body": {"Oi {{nome}}, feliz Natal!"}, "flash": {"1"}, "extra_info": {"natal-2026"}})
	if r.status != 303 {
		t.Fatalf("save message got %d: %s", r.status, excerpt(r.body))
	}
	got := e.reload(t, c)
	if got.Message != "Oi {{nome}}, feliz Natal!" || !got.Flash || got.ExtraInfo != "natal-2026" {
		t.Errorf("stored message got %q flash %v extra %q", got.Message, got.Flash, got.ExtraInfo)
	}

	// Schedule: send now.
	r = e.b.do("GET", e.path(c, "/schedule"), nil)
	wantIn(t, "schedule page", r.body, "Horário de Brasília (UTC-3)", "Fernando de Noronha (UTC-2)", "Europe/Lisbon", "Enviar agora",
		"A Wavy conta os minutos a partir de quando recebe cada mensagem")
	r = e.b.post(e.path(c, "/schedule"), url.Values{"when": {"now"}, "zone": {"America/Sao_Paulo"}, "expiry": {"none"}})
	if r.status != 303 {
		t.Fatalf("save schedule got %d: %s", r.status, excerpt(r.body))
	}
	page = e.b.follow(r)
	wantIn(t, "ready page", page.body, "Tudo pronto para enviar.", "Revisar e enviar", "Envio imediato, ao confirmar")

	// Pre-flight: everything passes; the cost is the list's.
	r = e.b.do("GET", e.path(c, "/review"), nil)
	if r.status != 200 {
		t.Fatalf("review got %d", r.status)
	}
	wantIn(t, "review", r.body, "Tudo certo: a campanha pode ser enviada.", "Conexão funcionando: a Wavy aceitou as credenciais de "+wavyUser,
		`data-review="recipients">3<`, `data-review="messages">3<`, `data-review="segments">3<`, "Oi Maximiliano, feliz Natal!", "Confirmar e enviar agora")
	if strings.Contains(r.body, `data-status="fail"`) {
		t.Errorf("review has a failed check: %s", r.body)
	}

	// Confirm: scheduled, the dispatcher is woken.
	wakes := e.wake.n.Load()
	r = e.b.post(e.path(c, "/launch"), nil)
	if r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	if got := e.reload(t, c); got.State != campaign.Scheduled || !got.ScheduledAt.Equal(e.clock.now()) {
		t.Errorf("after launch got %s at %v, want scheduled at now (%v)", got.State, got.ScheduledAt, e.clock.now())
	}
	if e.wake.n.Load() == wakes {
		t.Errorf("launch did not wake the dispatcher")
	}
	page = e.b.follow(r)
	wantIn(t, "scheduled page", page.body, "o envio começa agora", `sse-connect="/campaigns/`+fmt.Sprint(c.ID)+`/events?state=scheduled"`,
		"Editar agendamento", "Cancelar envio", `data-progress="remaining">3<`)

	// Editing the schedule takes it back to draft, until it starts.
	r = e.b.post(e.path(c, "/unschedule"), nil)
	if r.status != 303 || r.location != e.path(c, "/schedule") {
		t.Fatalf("unschedule got %d %q, want 303 to the schedule", r.status, r.location)
	}
	if got := e.reload(t, c); got.State != campaign.Draft {
		t.Errorf("after unschedule got %s, want draft", got.State)
	}
	e.b.do("GET", e.path(c, "/review"), nil)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("second launch got %d: %s", r.status, excerpt(r.body))
	}

	// The dispatcher starts it: progress, pause, resume, cancel.
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if r := e.b.post(e.path(c, "/unschedule"), nil); r.status != 303 {
		t.Errorf("unschedule of a running campaign got %d, want 303 with a flash", r.status)
	} else if p := e.b.follow(r); !strings.Contains(p.body, "A campanha já começou a enviar") {
		t.Errorf("unschedule of a running campaign did not say why: %s", excerpt(p.body))
	}
	r = e.b.do("GET", e.path(c, "/progress"), nil)
	wantIn(t, "running progress", r.body, "Enviando", `data-progress="remaining">3<`, "0 de 3 processadas (0%)", "Janela aberta — enviando agora")
	page = e.b.do("GET", e.path(c, ""), nil)
	wantIn(t, "running page", page.body, "events?state=running", "Pausar")

	wakes = e.wake.n.Load()
	if r := e.b.post(e.path(c, "/pause"), nil); r.status != 303 {
		t.Fatalf("pause got %d", r.status)
	}
	if got := e.reload(t, c); got.State != campaign.Paused {
		t.Errorf("after pause got %s, want paused", got.State)
	}
	wantIn(t, "paused page", e.b.do("GET", e.path(c, ""), nil).body, "Retomar", "Janela aberta — o envio espera você retomar")
	if r := e.b.post(e.path(c, "/resume"), nil); r.status != 303 {
		t.Fatalf("resume got %d", r.status)
	}
	if got := e.reload(t, c); got.State != campaign.Running {
		t.Errorf("after resume got %s, want running", got.State)
	}
	if r := e.b.post(e.path(c, "/cancel"), nil); r.status != 303 {
		t.Fatalf("cancel got %d", r.status)
	}
	if got := e.reload(t, c); got.State != campaign.Cancelled {
		t.Errorf("after cancel got %s, want cancelled", got.State)
	}
	if n := e.wake.n.Load() - wakes; n != 3 {
		t.Errorf("pause, resume and cancel woke the dispatcher %d times, want 3", n)
	}
	page = e.b.do("GET", e.path(c, ""), nil)
	wantIn(t, "cancelled page", page.body, "Campanha “Natal” cancelada", `data-progress="cancelled">3<`)
	if strings.Contains(page.body, "sse-connect") {
		t.Errorf("a cancelled campaign's page still streams")
	}
	counts, _ := e.store.CampaignCounts(ctx, c.ID)
	if counts["cancelled"] != 3 || counts["queued"] != 0 {
		t.Errorf("counts after cancel got %v, want 3 cancelled", counts)
	}
}

func TestCampaignListEditor(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Natal", "natal")
	pending := &recipient.List{Name: "Importando", FileName: "x.csv"}
	if err := e.store.CreateList(context.Background(), pending); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, listID, want string
	}{
		{"none", "0", "Escolha uma lista."},
		{"missing", "999", "Esta lista não existe mais ou ainda não está pronta."},
		{"not ready", fmt.Sprint(pending.ID), "Esta lista não existe mais ou ainda não está pronta."},
	}
	e.b.do("GET", e.path(c, "/list"), nil)
	for _, tt := range tests {
		r := e.b.post(e.path(c, "/list"), url.Values{"list_id": {tt.listID}})
		if r.status != 422 || !strings.Contains(html.UnescapeString(r.body), tt.want) {
			t.Errorf("%s got %d, want 422 with %q: %s", tt.name, r.status, tt.want, excerpt(r.body))
		}
	}
	if got := e.reload(t, c); got.ListID != 0 {
		t.Errorf("refused choices stored list %d", got.ListID)
	}
	if r := e.b.do("GET", e.path(c, "/list"), nil); strings.Contains(r.body, "Importando") {
		t.Errorf("the list page offers a list that is not ready")
	}
}

func TestCampaignMessageEditor(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Natal", "natal")
	e.b.do("GET", e.path(c, "/list"), nil)
	e.b.post(e.path(c, "/list"), url.Values{"list_id": {fmt.Sprint(e.list.ID)}})
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"empty", url.Values{"body": {"  "}}, "Escreva o texto da mensagem."},
		{"unknown field", url.Values{"body": {"Oi {{nome}}, seu código é {{codigo}}"}}, "O campo {{codigo}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."},
		{"unknown fields", url.Values{"body": {"{{a}} {{b}}"}}, "Os campos {{a}}, {{b}} não existem"},
		{"unclosed", url.Values{"body": {"Oi {{nome"}}, "não foi fechado com }}"},
		{"long extra info", url.Values{"body": {"Oi"}, "extra_info": {strings.Repeat("x", 256)}}, "no máximo 255 caracteres (tem 256)"},
		{"too long", url.Values{"body": {strings.Repeat("a", 1281)}}, "A mensagem pode ter até 1280 caracteres (tem 1281)."},
	}
	for _, tt := range tests {
		r := e.b.post(e.path(c, "/message"), tt.form)
		if r.status != 422 {
			t.Errorf("%s got %d, want 422", tt.name, r.status)
		}
		wantIn(t, tt.name, r.body, tt.want, "A mensagem não foi salva")
	}
	if got := e.reload(t, c); got.Message != "" {
		t.Errorf("refused messages stored %q", got.Message)
	}
	// What was typed stays in the box.
	r := e.b.post(e.path(c, "/message"), url.Values{"body": {"Oi {{codigo}}"}, "flash": {"1"}})
	wantIn(t, "refused form", r.body, "Oi {{codigo}}</textarea>", `name="flash" value="1" checked`)

	// WhatsApp campaigns get the WhatsApp editor.
	zap := &campaign.Campaign{RemoteID: 900, Name: "Zap", Alias: "zap", Channel: campaign.WhatsApp}
	if err := e.store.CreateCampaign(context.Background(), zap); err != nil {
		t.Fatal(err)
	}
	r = e.b.do("GET", e.path(zap, "/message"), nil)
	wantIn(t, "whatsapp message page", r.body, `id="whatsapp-form"`, `name="body_params"`)
	if strings.Contains(r.body, "compose-body") {
		t.Errorf("the whatsapp message page offers the SMS composer")
	}
}

func TestCampaignScheduleEditor(t *testing.T) {
	e := newSendEnv(t)
	c := e.create(t, e.b, "Natal", "natal")
	// The test clock: 2026-11-22 12:00 UTC, 09:00 in São Paulo (a Sunday).
	later := func(kv ...string) url.Values {
		v := url.Values{"when": {"later"}, "zone": {"America/Sao_Paulo"}, "start_at": {"2026-12-01T09:00"}, "expiry": {"none"}}
		for i := 0; i+1 < len(kv); i += 2 {
			v[kv[i]] = strings.Split(kv[i+1], ",")
		}
		return v
	}
	tests := []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"no start", later("start_at", ""), "start_at", "Informe a data e a hora do envio."},
		{"garbled start", later("start_at", "amanhã"), "start_at", "Informe a data e a hora no formato do campo."},
		{"start in the past", later("start_at", "2026-11-22T08:00"), "start_at", "Esse horário já passou."},
		{"unknown zone", later("zone", "Mars/Olympus"), "zone", "Escolha um fuso horário da lista."},
		{"bad hour", later("hour", "9,25"), "hours", "As horas vão de 0 a 23."},
		{"bad weekday", later("weekday", "1,9"), "weekdays", "Escolha dias da semana da lista."},
		{"zero minutes", later("expiry", "minutes", "expiry_minutes", "0"), "expiry_minutes", "Informe quantos minutos"},
		{"no expiry date", later("expiry", "date", "expiry_date", ""), "expiry_date", "Informe o dia da validade."},
		{"expiry before start", later("expiry", "at", "expiry_at", "2026-12-01T08:00"), "expiry_at", "A validade termina antes de o envio começar."},
		{"window after expiry", later("expiry", "at", "expiry_at", "2026-12-01T12:00", "hour", "18"), "expiry_at", "A janela de envio só abre depois da validade"},
	}
	e.b.do("GET", e.path(c, "/schedule"), nil)
	for _, tt := range tests {
		r := e.b.post(e.path(c, "/schedule"), tt.form)
		if r.status != 422 {
			t.Errorf("%s got %d, want 422", tt.name, r.status)
			continue
		}
		wantIn(t, tt.name, r.body, `id="`+tt.field+`-error">`+tt.want)
	}
	if got := e.reload(t, c); !got.ScheduledAt.IsZero() {
		t.Errorf("refused schedules stored a start: %v", got.ScheduledAt)
	}

	// A valid one is stored with its start in UTC and shown in both zones.
	r := e.b.post(e.path(c, "/schedule"), later("hour", "9,10,11,18", "weekday", "1,2,3,4,5", "expiry", "minutes", "expiry_minutes", "120"))
	if r.status != 303 {
		t.Fatalf("valid schedule got %d: %s", r.status, excerpt(r.body))
	}
	got := e.reload(t, c)
	if want := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC); !got.ScheduledAt.Equal(want) {
		t.Errorf("scheduled_at got %v, want %v", got.ScheduledAt, want)
	}
	sc, err := e.store.CampaignSchedule(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sc.SendNow || sc.Zone != "America/Sao_Paulo" || len(sc.Window.Hours) != 4 || len(sc.Window.Weekdays) != 5 || sc.Expiry.InMinutes != 120 {
		t.Errorf("stored schedule got %+v", sc)
	}
	page := e.b.follow(r)
	wantIn(t, "campaign page", page.body, "01/12/2026 09:00 — Horário de Brasília (UTC-3)", "seg a sex, 09h–12h e 18h",
		"expiram 120 minutos depois do início")
	if strings.Contains(page.body, "no seu fuso") {
		t.Errorf("campaign page repeats a start given in the reader's own zone")
	}

	// The form shows it again as saved.
	r = e.b.do("GET", e.path(c, "/schedule"), nil)
	wantIn(t, "schedule page", r.body, `value="later" checked`, `value="2026-12-01T09:00"`, `value="18" checked`, `value="minutes" checked`, `value="120"`)

	// The summary follows the form.
	r = e.b.post(e.path(c, "/schedule/preview"), later("zone", "America/Manaus", "start_at", "2026-12-01T09:00"))
	wantIn(t, "preview", r.body, "01/12/2026 09:00 — Amazonas (UTC-4)", "= 01/12/2026 10:00 no seu fuso: Horário de Brasília (UTC-3)")
	r = e.b.post(e.path(c, "/schedule/preview"), later("start_at", "2020-01-01T09:00"))
	wantIn(t, "preview with a problem", r.body, "Corrija o campo marcado")
}

// launchable makes a campaign ready for the pre-flight check.
func (e *sendEnv) launchable(t *testing.T, name string) *campaign.Campaign {
	t.Helper()
	c := e.create(t, e.b, name, "")
	e.prepare(t, c, "Oi {{nome}}", nil)
	return e.reload(t, c)
}

func TestPreflightRefusals(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, e *sendEnv, c *campaign.Campaign)
		check   string
		want    string
	}{
		{"no list", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			if err := e.store.SetCampaignList(context.Background(), c.ID, 0, e.clock.now()); err != nil {
				t.Fatal(err)
			}
		}, "list", "Nenhuma lista escolhida"},
		{"list deleted", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			if err := e.store.DeleteList(context.Background(), e.list.ID); err != nil {
				t.Fatal(err)
			}
		}, "list", "A lista escolhida foi excluída"},
		{"unknown placeholder", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			if err := e.store.SetCampaignMessage(context.Background(), c.ID, "Oi {{nome}}, use {{cupom}}", false, "", e.clock.now()); err != nil {
				t.Fatal(err)
			}
		}, "message", "O campo {{cupom}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."},
		{"bad credentials", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			e.useProvider(t, e.api.URL, "token-errado")
		}, "provider", "Credenciais recusadas pela Wavy (401)"},
		{"provider unreachable", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			e.useProvider(t, closedURL(t), wavyToken)
		}, "provider", "Não foi possível conectar a 127.0.0.1:"},
		{"start passed", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			// 10:00 in São Paulo, an hour after the test clock; two
			// hours later it has passed.
			sc := schedule.Schedule{Zone: "America/Sao_Paulo", StartAt: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
			if err := e.store.SaveCampaignSchedule(context.Background(), c.ID, sc, time.Date(2026, 11, 22, 13, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
			e.clock.add(2 * time.Hour)
		}, "schedule", "Esse horário já passou."},
		{"everyone suppressed", func(t *testing.T, e *sendEnv, c *campaign.Campaign) {
			for _, r := range clientes {
				if _, err := e.store.AddSuppressions(context.Background(), []string{r.Phone}, "opt-out", ""); err != nil {
					t.Fatal(err)
				}
			}
		}, "message", "Todos os contatos da lista estão na lista de bloqueio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newSendEnv(t)
			c := e.launchable(t, "Natal")
			tt.arrange(t, e, c)
			r := e.b.do("GET", e.path(c, "/review"), nil)
			wantIn(t, "review", r.body, `data-check="`+tt.check+`" data-status="fail"`, tt.want, "Ainda não dá para enviar")
			if strings.Contains(r.body, "/launch") {
				t.Errorf("a blocked review offers the confirm form")
			}
			// Posting anyway is refused the same way.
			r = e.b.post(e.path(c, "/launch"), nil)
			if r.status != 422 {
				t.Errorf("launch got %d, want 422", r.status)
			}
			wantIn(t, "refused launch", r.body, tt.want)
			if got := e.reload(t, c); got.State != campaign.Draft {
				t.Errorf("refused launch left the campaign %s, want draft", got.State)
			}
			if n := e.wake.n.Load(); n != 0 {
				t.Errorf("refused launch woke the dispatcher %d times", n)
			}
		})
	}
}

func TestPreflightWarnings(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	l := e.addReadyList(t, "Mista", []recipient.Recipient{
		{Row: 2, Phone: "5511987654321", Fields: []string{"João", "São Paulo"}},
		{Row: 3, Phone: "5521998765432", Fields: []string{"", "Niterói"}},
		{Row: 4, Phone: "5519997712322", Fields: []string{"Ana", "Campinas"}},
	}...)
	c := e.launchable(t, "Avisos")
	if err := e.store.SetCampaignList(ctx, c.ID, l.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.AddSuppressions(ctx, []string{"5519997712322"}, "opt-out", ""); err != nil {
		t.Fatal(err)
	}
	r := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "review", r.body, "Tudo certo", `data-check="message" data-status="warn"`, "Contatos com {{nome}} vazio, cuja mensagem vai sem esse dado: 1.",
		`data-check="suppressed" data-status="warn"`, "estão na lista de bloqueio (pediram para sair ou foram bloqueados) e não vão receber: 1.",
		`data-review="recipients">3<`, `data-review="suppressed">1<`, `data-review="messages">2<`, `data-check="encoding" data-status="warn"`)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Errorf("warnings blocked the launch: %d %s", r.status, excerpt(r.body))
	}
}

func TestWhatsAppCampaignWithoutMessageCannotLaunch(t *testing.T) {
	e := newSendEnv(t)
	c := &campaign.Campaign{RemoteID: 901, Name: "Zap", Alias: "zap", Channel: campaign.WhatsApp, ListID: e.list.ID, Message: "Oi",
		ScheduledAt: e.clock.now()}
	if err := e.store.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	r := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "whatsapp review", r.body, `data-check="channel" data-status="ok"`, `data-check="message" data-status="fail"`)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 422 {
		t.Errorf("whatsapp launch got %d, want 422", r.status)
	}
}

func TestEditorsOnlyWhileDraft(t *testing.T) {
	e := newSendEnv(t)
	c := e.launchable(t, "Natal")
	e.b.do("GET", e.path(c, "/review"), nil)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	for _, p := range []string{"/list", "/message", "/schedule"} {
		r := e.b.do("GET", e.path(c, p), nil)
		if r.status != 303 || r.location != e.path(c, "") {
			t.Errorf("GET %s of a scheduled campaign got %d %q, want 303 to its page", p, r.status, r.location)
		}
		r = e.b.post(e.path(c, p), url.Values{"list_id": {"1"}, "body": {"Mudou"}, "when": {"now"}})
		if r.status != 303 {
			t.Errorf("POST %s of a scheduled campaign got %d, want 303", p, r.status)
		}
	}
	wantIn(t, "flash", e.b.do("GET", e.path(c, ""), nil).body, "A campanha está “Agendada”: a lista, a mensagem e o agendamento só mudam em rascunho.")
	if got := e.reload(t, c); got.Message != "Oi {{nome}}" {
		t.Errorf("a scheduled campaign's message changed to %q", got.Message)
	}
	for _, p := range []string{"/pause", "/resume"} {
		if r := e.b.post(e.path(c, p), nil); r.status != 303 {
			t.Errorf("%s of a scheduled campaign got %d, want 303", p, r.status)
		}
	}
	if got := e.reload(t, c); got.State != campaign.Scheduled {
		t.Errorf("pause/resume of a scheduled campaign moved it to %s", got.State)
	}
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Errorf("second launch got %d, want 303 with a flash", r.status)
	}
}

func TestPausedByTheDispatcher(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.launchable(t, "Natal")
	e.b.do("GET", e.path(c, "/review"), nil)
	e.b.post(e.path(c, "/launch"), nil)
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.PauseWithError(ctx, c.ID, "unauthorized: wavy: send sms: HTTP 401 Unauthorized: invalid token"); err != nil {
		t.Fatal(err)
	}
	page := e.b.do("GET", e.path(c, ""), nil)
	wantIn(t, "paused page", page.body, "Credenciais recusadas pela Wavy (401): campanha pausada.", "Retomar")
	if r := e.b.post(e.path(c, "/resume"), nil); r.status != 303 {
		t.Fatalf("resume got %d", r.status)
	}
	got := e.reload(t, c)
	if got.State != campaign.Running || got.LastError != "" {
		t.Errorf("after resume got %s %q, want running without the error", got.State, got.LastError)
	}
	if strings.Contains(e.b.do("GET", e.path(c, ""), nil).body, "Credenciais recusadas") {
		t.Errorf("the resumed campaign still shows the old error")
	}
}

func TestCampaignEventsStream(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.launchable(t, "Natal")
	e.b.do("GET", e.path(c, "/review"), nil)
	e.b.post(e.path(c, "/launch"), nil)
	// The page was drawn while scheduled; the campaign runs now: reload.
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	r := e.b.do("GET", e.path(c, "/events?state=scheduled"), nil)
	r.body = strings.TrimPrefix(r.body, ": open\n\n")
	if r.status != 200 || !strings.HasPrefix(r.body, "event: reload\n") || !strings.Contains(r.body, `hx-select="#campaign-main"`) {
		t.Errorf("stream after a state change got %d %q, want a reload event", r.status, r.body)
	}
	// Completed: the stream says done at once.
	if _, err := e.store.Claim(ctx, c.ID, 0, 10, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	if err := e.store.Fail(ctx, c.ID, []int64{1, 2, 3}, "test"); err != nil {
		t.Fatal(err)
	}
	if done, err := e.store.Finish(ctx, c.ID, e.clock.now()); err != nil || !done {
		t.Fatalf("finish got %v %v", done, err)
	}
	// Just completed: the page is drawn again, and keeps following the
	// campaign a while (late statuses may pause it for the account).
	r = e.b.do("GET", e.path(c, "/events?state=running"), nil)
	if !strings.HasPrefix(r.body, ": open\n\nevent: reload\n") {
		t.Errorf("stream of a campaign that just completed got %q, want reload", r.body)
	}
	if page := e.b.do("GET", e.path(c, ""), nil); !strings.Contains(page.body, "sse-connect") {
		t.Errorf("the page of a campaign that just completed does not follow it")
	}
	// Long completed: the stream says done at once.
	e.clock.add(campaign.LateStatusWindow)
	r = e.b.do("GET", e.path(c, "/events?state=completed"), nil)
	if !strings.HasPrefix(r.body, ": open\n\nevent: done\n") {
		t.Errorf("stream of a completed campaign got %q, want done", r.body)
	}
	page := e.b.do("GET", e.path(c, ""), nil)
	wantIn(t, "completed page", page.body, "Concluída em", `data-figure="failed">3<`, "3 de 3 processadas (100%)")
	if strings.Contains(page.body, "sse-connect") {
		t.Errorf("a completed campaign's page still streams")
	}
}

func TestRateMeter(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var m rateMeter
	if _, ok := m.rate(); ok {
		t.Errorf("empty meter has a rate")
	}
	m.add(t0, 0)
	m.add(t0.Add(500*time.Millisecond), 100)
	if _, ok := m.rate(); ok {
		t.Errorf("half a second of samples gave a rate")
	}
	for i := 2; i <= 20; i++ {
		m.add(t0.Add(time.Duration(i)*500*time.Millisecond), int64(i)*100)
	}
	r, ok := m.rate()
	if !ok || r < 199 || r > 201 {
		t.Errorf("rate got %v %v, want 200/s", r, ok)
	}
	if span := m.samples[len(m.samples)-1].at.Sub(m.samples[0].at); span > rateWindow+time.Second {
		t.Errorf("meter keeps %v of samples, want about %v", span, rateWindow)
	}
	// A pause: nothing moves, the rate falls to zero.
	last := t0.Add(10 * time.Second)
	for i := 1; i <= 12; i++ {
		m.add(last.Add(time.Duration(i)*500*time.Millisecond), 2000)
	}
	if r, ok := m.rate(); !ok || r != 0 {
		t.Errorf("rate after a pause got %v %v, want 0", r, ok)
	}
}

func TestCampaignSendRoles(t *testing.T) {
	e := newSendEnv(t)
	c := e.launchable(t, "Natal")
	form := url.Values{"list_id": {"1"}, "body": {"x"}, "when": {"now"}}
	tests := []handlerTest{
		{method: "GET", path: "/list", want: 403},
		{method: "GET", path: "/message", want: 403},
		{method: "GET", path: "/schedule", want: 403},
		{method: "GET", path: "/review", want: 200},
		{method: "GET", path: "/progress", want: 200},
		{method: "POST", path: "/list", want: 403},
		{method: "POST", path: "/message", want: 403},
		{method: "POST", path: "/schedule", want: 403},
		{method: "POST", path: "/schedule/preview", want: 403},
		{method: "POST", path: "/launch", want: 403},
		{method: "POST", path: "/unschedule", want: 403},
		{method: "POST", path: "/pause", want: 403},
		{method: "POST", path: "/resume", want: 403},
		{method: "POST", path: "/cancel", want: 403},
	}
	for i := range tests {
		tests[i].as, tests[i].path = viewer, e.path(c, tests[i].path)
		if tests[i].method == "POST" {
			tests[i].form = form
		}
	}
	runHandlerTests(t, e.testEnv, tests)
	v := e.browser(t)
	v.signIn(viewer)
	// The viewer sees everything but the controls.
	page := v.do("GET", e.path(c, ""), nil)
	wantIn(t, "viewer page", page.body, "Clientes", "Oi {{nome}}", "Envio imediato, ao confirmar", "Revisar e enviar")
	for _, hidden := range []string{"/list\"", "/message\"", "/schedule\""} {
		if strings.Contains(page.body, hidden) {
			t.Errorf("viewer's page offers %s", hidden)
		}
	}
	if r := v.do("GET", e.path(c, "/review"), nil); strings.Contains(r.body, "/launch") || !strings.Contains(r.body, "Tudo certo") {
		t.Errorf("viewer's review offers the confirm form or lacks the checks")
	}
	if got := e.reload(t, c); got.State != campaign.Draft {
		t.Errorf("viewer requests moved the campaign to %s", got.State)
	}
	if n := e.wake.n.Load(); n != 0 {
		t.Errorf("viewer requests woke the dispatcher %d times", n)
	}
}

func TestCampaignSendInEnglish(t *testing.T) {
	e := newSendEnv(t)
	e.addUser(t, "admin@example.com", user.Admin) // changing a user checks an admin remains
	e.addUser(t, "ann@example.com", user.Marketer)
	u, _ := e.store.UserByEmail(context.Background(), "ann@example.com")
	if err := e.store.SetUserLang(context.Background(), u.ID, "en"); err != nil {
		t.Fatal(err)
	}
	e.b = e.browser(t)
	e.b.signIn("ann@example.com")
	c := e.launchable(t, "Sale")
	r := e.b.do("GET", e.path(c, "/review"), nil)
	wantIn(t, "english review", r.body, "All good: the campaign can be sent.", "Billed segments", "Confirm and send now")
	if r := e.b.post(e.path(c, "/schedule"), url.Values{"when": {"later"}, "start_at": {""}}); !strings.Contains(r.body, "Enter the sending date and time.") {
		t.Errorf("english schedule problem missing: %s", excerpt(r.body))
	}
}

func TestProgressWindowState(t *testing.T) {
	e := newSendEnv(t)
	ctx := context.Background()
	c := e.create(t, e.b, "Noite", "noite")
	// Sunday 09:00 in São Paulo by the test clock; the window opens at 18:00.
	e.prepare(t, c, "Oi {{nome}}", url.Values{"when": {"now"}, "zone": {"America/Sao_Paulo"}, "hour": {"18", "19"}, "expiry": {"none"}})
	e.b.do("GET", e.path(c, "/review"), nil)
	if r := e.b.post(e.path(c, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
		t.Fatal(err)
	}
	r := e.b.do("GET", e.path(c, "/progress"), nil)
	wantIn(t, "progress", r.body, "Janela fechada — próximo envio às 18:00 — Horário de Brasília (UTC-3)")

	// A campaign that starts later waits for its start.
	l := e.create(t, e.b, "Amanhã", "amanha")
	e.prepare(t, l, "Oi", url.Values{"when": {"later"}, "start_at": {"2026-11-23T08:30"}, "zone": {"America/Manaus"}, "expiry": {"none"}})
	e.b.do("GET", e.path(l, "/review"), nil)
	if r := e.b.post(e.path(l, "/launch"), nil); r.status != 303 {
		t.Fatalf("launch got %d: %s", r.status, excerpt(r.body))
	}
	page := e.b.do("GET", e.path(l, ""), nil)
	wantIn(t, "scheduled page", page.body, "Aguardando o início: 23/11 08:30 — Amazonas (UTC-4)", "23/11/2026 08:30 — Amazonas (UTC-4)",
		"= 23/11/2026 09:30 no seu fuso: Horário de Brasília (UTC-3)", "Editar agendamento")
}

// TestPausedForTheAccount: a campaign paused because the account ran out
// of credit (or quota) says so, says what to do, and counts what waits.
func TestPausedForTheAccount(t *testing.T) {
	tests := []struct {
		reason string
		want   []string
	}{
		{"account limit: 201 NO_CREDIT", []string{`data-account-limit="201"`, "a conta Wavy ficou sem crédito", "compre crédito com a Wavy",
			"3 mensagens continuam na fila e saem quando você retomar", "Retomar"}},
		{"account limit: dispatch: try later: account credit or quota exhausted: wavy: send-bulk-sms: HTTP 400 Bad Request: CUSTOMER_QUOTA_BLOCKED",
			[]string{`data-account-limit="215"`, "a cota da conta Wavy está bloqueada", "liberar ou aumentar a cota"}},
	}
	for _, tt := range tests {
		e := newSendEnv(t)
		ctx := context.Background()
		c := e.launchable(t, "Natal")
		e.b.do("GET", e.path(c, "/review"), nil)
		e.b.post(e.path(c, "/launch"), nil)
		if err := e.store.StartCampaign(ctx, c.ID, e.clock.now()); err != nil {
			t.Fatal(err)
		}
		if err := e.store.PauseWithError(ctx, c.ID, tt.reason); err != nil {
			t.Fatal(err)
		}
		wantIn(t, "paused page", e.b.do("GET", e.path(c, ""), nil).body, tt.want...)
	}
}
