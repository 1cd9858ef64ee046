package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"arauto/internal/audit"
	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/dispatch"
	"arauto/internal/recipient"
	"arauto/internal/sandbox"
	"arauto/internal/user"
	"arauto/internal/wavy"
	"arauto/store"
)

const (
	wavyUser  = "loja@example.com"
	wavyToken = "token-da-loja-1234"
	marketer  = "mkt@example.com"
	viewer    = "view@example.com"
)

// campaignEnv is a console whose provider is a sandbox served over real
// HTTP by httptest, with the credentials saved on the Settings page.
type campaignEnv struct {
	*testEnv
	sb  *sandbox.Sandbox
	api *httptest.Server
}

func newCampaignEnv(t *testing.T) *campaignEnv {
	t.Helper()
	e := newTestServer(t)
	sb := sandbox.New(sandbox.Options{Username: wavyUser, Token: wavyToken, Seed: 7, RateLimit: -1, ReplyRate: -1})
	api := httptest.NewServer(sb)
	t.Cleanup(func() { api.Close(); sb.Close() })
	ce := &campaignEnv{testEnv: e, sb: sb, api: api}
	ce.useProvider(t, api.URL, wavyToken)
	e.addUser(t, marketer, user.Marketer)
	e.addUser(t, viewer, user.Viewer)
	return ce
}

// useProvider saves Wavy settings pointing at baseURL with token.
func (e *campaignEnv) useProvider(t *testing.T, baseURL, token string) {
	t.Helper()
	err := e.store.SaveSettings(context.Background(), map[string]string{
		config.SettingProvider: config.ProviderWavy, config.SettingWavyAPIURL: baseURL, config.SettingWavyAPIGWURL: baseURL,
		config.SettingWavyUsername: wavyUser, config.SettingWavyToken: token,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// remote is a client of the sandbox, for arranging and checking its side.
func (e *campaignEnv) remote() *wavy.Client {
	return wavy.New(wavy.Config{APIGWURL: e.api.URL, Username: wavyUser, Token: wavyToken, MaxRetries: -1})
}

func (e *campaignEnv) remoteCreate(t *testing.T, name, alias string) wavy.Campaign {
	t.Helper()
	c, err := e.remote().CreateCampaign(context.Background(), wavy.CampaignInput{Name: name, Alias: alias})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// local returns every stored campaign, archived ones included.
func (e *campaignEnv) local(t *testing.T) []*campaign.Campaign {
	t.Helper()
	ctx := context.Background()
	cs, _, err := e.store.ListCampaigns(ctx, store.CampaignFilter{})
	if err != nil {
		t.Fatal(err)
	}
	archived, _, err := e.store.ListCampaigns(ctx, store.CampaignFilter{Archived: true})
	if err != nil {
		t.Fatal(err)
	}
	return append(cs, archived...)
}

// create makes a campaign through the console and returns it as stored.
func (e *campaignEnv) create(t *testing.T, b *browser, name, alias string) *campaign.Campaign {
	t.Helper()
	b.do("GET", "/campaigns/new", nil)
	r := b.post("/campaigns", url.Values{"name": {name}, "alias": {alias}, "channel": {"sms"}})
	if r.status != 303 {
		t.Fatalf("create %q got %d, want 303; body:\n%s", name, r.status, excerpt(r.body))
	}
	var id int64
	if _, err := fmt.Sscanf(r.location, "/campaigns/%d", &id); err != nil {
		t.Fatalf("create redirected to %q, want /campaigns/{id}", r.location)
	}
	c, err := e.store.CampaignByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sendAndCancel sends n messages of a draft campaign the way the
// dispatcher does (a list of n, launched, claimed, accepted by the
// provider) and then cancels it: a campaign that has sent, which can only
// be archived.
func (e *campaignEnv) sendAndCancel(t *testing.T, c *campaign.Campaign, n int) {
	t.Helper()
	ctx := context.Background()
	now := e.clock.now()
	l := &recipient.List{Name: "Enviada", FileName: "enviada.csv"}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var recs []recipient.Recipient
	for i := range n {
		recs = append(recs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("551198888%04d", i)})
	}
	if err := e.store.AddRecipients(ctx, l.ID, recs); err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetCampaignList(ctx, c.ID, l.ID, now); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, now); err != nil {
		t.Fatal(err)
	}
	if err := e.store.StartCampaign(ctx, c.ID, now); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.store.Claim(ctx, c.ID, 0, n, now)
	if err != nil || len(msgs) != n {
		t.Fatalf("claim got %d %v, want %d", len(msgs), err, n)
	}
	var acc []dispatch.Accepted
	for _, m := range msgs {
		acc = append(acc, dispatch.Accepted{MessageID: m.ID, ProviderID: fmt.Sprintf("p-%d", m.ID)})
	}
	if err := e.store.Accept(ctx, c.ID, acc, now); err != nil {
		t.Fatal(err)
	}
	if err := e.store.CancelCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
}

// excerpt keeps failure messages readable: the flashes, alerts and field
// errors of a page.
func excerpt(body string) string {
	var out []string
	for _, marker := range []string{`class="flash `, `class="alert `, `class="field-error"`} {
		for rest := body; ; {
			i := strings.Index(rest, marker)
			if i < 0 {
				break
			}
			rest = rest[i:]
			end := strings.Index(rest, "</")
			if end < 0 {
				end = len(rest)
			}
			out = append(out, rest[:end])
			rest = rest[end:]
		}
	}
	if len(out) == 0 {
		return body[:min(len(body), 300)]
	}
	return strings.Join(out, "\n")
}

// follow GETs where a POST redirected to, showing its flashes.
func (b *browser) follow(r result) result {
	b.t.Helper()
	if r.status != 303 {
		b.t.Fatalf("got %d, want a 303 to follow", r.status)
	}
	return b.do("GET", r.location, nil)
}

// closedURL is an address nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}

func TestCampaignLifecycle(t *testing.T) {
	e := newCampaignEnv(t)
	b := e.browser(t)
	b.signIn(marketer)

	r := b.do("GET", "/campaigns", nil)
	if r.status != 200 || !strings.Contains(r.body, "Nenhuma campanha ainda") || !strings.Contains(r.body, "Sincronizar com a Wavy") {
		t.Errorf("empty list got %d, want 200 with the empty state and the sync button", r.status)
	}
	r = b.do("GET", "/campaigns/alias?"+url.Values{"name": {"Promoção de Natal 2026!"}}.Encode(), nil, "HX-Request", "true")
	if r.status != 200 || !strings.Contains(r.body, `value="promocao-de-natal-2026"`) {
		t.Errorf("alias suggestion got %d %s, want the field with promocao-de-natal-2026", r.status, r.body)
	}

	// Left empty, the alias is suggested from the name.
	c := e.create(t, b, "  Promoção de Natal 2026! ", "")
	if c.Name != "Promoção de Natal 2026!" || c.Alias != "promocao-de-natal-2026" || c.Channel != campaign.SMS || c.State != campaign.Draft || c.RemoteID == 0 {
		t.Errorf("created got %+v, want the name, the suggested alias, sms, draft and a remote id", c)
	}
	remote := e.sb.Campaigns()
	if len(remote) != 1 || remote[0].ID != c.RemoteID || remote[0].Alias != c.Alias || remote[0].Name != c.Name {
		t.Fatalf("remote campaigns got %+v, want the one created with id %d", remote, c.RemoteID)
	}
	page := b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
	for _, want := range []string{"Campanha “Promoção de Natal 2026!” criada e registrada na Wavy.", "promocao-de-natal-2026",
		"Nenhuma lista escolhida", "Nenhuma mensagem escrita", "Nenhum horário de envio definido", "Faltam 3 itens", "Rascunho"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("campaign page lacks %q", want)
		}
	}
	if r := b.do("GET", "/campaigns", nil); !strings.Contains(r.body, "Promoção de Natal 2026!") || !strings.Contains(r.body, "Página 1 de 1 · 1 campanha") {
		t.Errorf("list does not show the new campaign")
	}
	// The next suggestion for the same name avoids the alias in use.
	if r := b.do("GET", "/campaigns/alias?"+url.Values{"name": {"Promoção de Natal 2026"}}.Encode(), nil); !strings.Contains(r.body, `value="promocao-de-natal-2026-2"`) {
		t.Errorf("suggestion for a taken alias got %s, want promocao-de-natal-2026-2", r.body)
	}
	// An alias typed by hand is kept while the name changes.
	q := url.Values{"name": {"Outra coisa"}, "alias": {"meu-alias"}, "alias_auto": {"promocao"}}
	if r := b.do("GET", "/campaigns/alias?"+q.Encode(), nil); !strings.Contains(r.body, `value="meu-alias"`) {
		t.Errorf("suggestion over a typed alias got %s, want meu-alias kept", r.body)
	}

	// Rename: remote first, then here.
	if r := b.do("GET", fmt.Sprintf("/campaigns/%d/edit", c.ID), nil); r.status != 200 || !strings.Contains(r.body, `value="promocao-de-natal-2026"`) {
		t.Errorf("edit page got %d, want 200 with the alias", r.status)
	}
	r = b.post(fmt.Sprintf("/campaigns/%d", c.ID), url.Values{"name": {"Natal 2026"}, "alias": {"natal-2026"}})
	if r.status != 303 {
		t.Fatalf("rename got %d, want 303; %s", r.status, excerpt(r.body))
	}
	if r := b.follow(r); !strings.Contains(r.body, "Campanha atualizada na Wavy e aqui.") {
		t.Errorf("rename did not say so: %s", excerpt(r.body))
	}
	got, _ := e.store.CampaignByID(context.Background(), c.ID)
	remote = e.sb.Campaigns()
	if got.Name != "Natal 2026" || got.Alias != "natal-2026" || len(remote) != 1 || remote[0].Name != "Natal 2026" || remote[0].Alias != "natal-2026" {
		t.Errorf("after rename got local %q/%q remote %+v, want Natal 2026/natal-2026 on both", got.Name, got.Alias, remote)
	}

	// Delete: remote first, then here.
	r = b.post(fmt.Sprintf("/campaigns/%d/delete", c.ID), nil)
	if r.status != 303 || r.location != "/campaigns" {
		t.Fatalf("delete got %d %q, want 303 /campaigns", r.status, r.location)
	}
	if r := b.follow(r); !strings.Contains(r.body, "Campanha “Natal 2026” excluída da Wavy e daqui.") {
		t.Errorf("delete did not say so: %s", excerpt(r.body))
	}
	if n := len(e.sb.Campaigns()); n != 0 {
		t.Errorf("remote campaigns after delete got %d, want 0", n)
	}
	if _, err := e.store.CampaignByID(context.Background(), c.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("local campaign after delete got %v, want ErrNotFound", err)
	}
}

func TestCampaignCreateValidation(t *testing.T) {
	e := newCampaignEnv(t)
	b := e.browser(t)
	b.signIn(marketer)
	e.create(t, b, "Já existe", "ja-existe")
	refused := func(name string, form url.Values, want string) handlerTest {
		return handlerTest{name: name, as: marketer, method: "POST", path: "/campaigns", form: form, want: 422, wantIn: []string{want}}
	}
	runHandlerTests(t, e.testEnv, []handlerTest{
		refused("no name", url.Values{"name": {"  "}, "channel": {"sms"}}, "Informe o nome da campanha."),
		refused("long name", url.Values{"name": {strings.Repeat("a", 101)}, "channel": {"sms"}}, "no máximo 100 caracteres"),
		refused("accents in alias", url.Values{"name": {"Natal"}, "alias": {"promoção"}, "channel": {"sms"}}, "Use só letras minúsculas sem acento"),
		refused("space in alias", url.Values{"name": {"Natal"}, "alias": {"com espaço"}, "channel": {"sms"}}, "Use só letras minúsculas sem acento"),
		refused("alias too long", url.Values{"name": {"Natal"}, "alias": {strings.Repeat("a", 41)}, "channel": {"sms"}}, "no máximo 40 caracteres"),
		refused("alias edges", url.Values{"name": {"Natal"}, "alias": {"-natal"}, "channel": {"sms"}}, "Comece e termine o alias"),
		refused("alias taken here", url.Values{"name": {"Natal"}, "alias": {"JA-EXISTE"}, "channel": {"sms"}}, "Já existe uma campanha com este alias."),
		refused("no channel", url.Values{"name": {"Natal"}, "alias": {"natal"}, "channel": {"email"}}, "Escolha SMS ou WhatsApp."),
		refused("nothing usable for an alias", url.Values{"name": {"🎉🎉"}, "channel": {"sms"}}, "Informe um alias, como promocao-de-natal."),
	})
	if n := len(e.sb.Campaigns()); n != 1 {
		t.Errorf("remote campaigns got %d, want 1: invalid input never reaches the API", n)
	}
	if n := len(e.local(t)); n != 1 {
		t.Errorf("local campaigns got %d, want 1", n)
	}
}

func TestCampaignCreateWhenWavyRefuses(t *testing.T) {
	tests := []struct {
		name       string
		arrange    func(t *testing.T, e *campaignEnv)
		wantStatus int
		want       []string
		wantRemote int
	}{
		{"apigw answers 500", func(t *testing.T, e *campaignEnv) { e.sb.SetFaults(sandbox.Faults{ErrorRate: 1}) },
			502, []string{"A Wavy falhou ao responder (500). Nada foi alterado aqui", "“Sincronizar com a Wavy” a traz para cá"}, 0},
		{"apigw answers 503", func(t *testing.T, e *campaignEnv) { e.sb.SetFaults(sandbox.Faults{Status503Rate: 1}) },
			502, []string{"A Wavy está ocupada (503). Nada foi alterado"}, 0},
		{"wrong token", func(t *testing.T, e *campaignEnv) { e.useProvider(t, e.api.URL, "token-errado") },
			502, []string{"A Wavy recusou as credenciais (401)", "Configurações"}, 0},
		{"apigw unreachable", func(t *testing.T, e *campaignEnv) { e.useProvider(t, closedURL(t), wavyToken) },
			502, []string{"Não foi possível conectar à Wavy em 127.0.0.1:"}, 0},
		{"alias in use remotely", func(t *testing.T, e *campaignEnv) { e.remoteCreate(t, "Criada no portal", "natal") },
			422, []string{"A Wavy recusou o pedido (412): alias &#34;natal&#34; is already in use", "A Wavy não aceitou este alias. Escolha outro."}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCampaignEnv(t)
			b := e.browser(t)
			b.signIn(marketer)
			b.do("GET", "/campaigns/new", nil)
			tt.arrange(t, e)
			r := b.post("/campaigns", url.Values{"name": {"Natal"}, "alias": {"natal"}, "channel": {"sms"}})
			if r.status != tt.wantStatus {
				t.Errorf("got %d, want %d", r.status, tt.wantStatus)
			}
			for _, want := range tt.want {
				if !strings.Contains(r.body, want) {
					t.Errorf("page lacks %q; got:\n%s", want, excerpt(r.body))
				}
			}
			if !strings.Contains(r.body, `value="Natal"`) {
				t.Errorf("the form lost what was typed")
			}
			if n := len(e.local(t)); n != 0 {
				t.Errorf("local campaigns got %d, want 0", n)
			}
			e.sb.SetFaults(sandbox.Faults{})
			if n := len(e.sb.Campaigns()); n != tt.wantRemote {
				t.Errorf("remote campaigns got %d, want %d", n, tt.wantRemote)
			}
		})
	}
}

func TestCampaignCreateUndoneWhenLocalInsertFails(t *testing.T) {
	e := newCampaignEnv(t)
	// A campaign from another account already holds remote id 1, the id
	// the fresh sandbox gives next: the local insert fails after the
	// remote create, which must then be undone.
	if err := e.store.CreateCampaign(context.Background(), &campaign.Campaign{RemoteID: 1, Name: "Antiga", Alias: "antiga"}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn(marketer)
	b.do("GET", "/campaigns/new", nil)
	r := b.post("/campaigns", url.Values{"name": {"Nova"}, "alias": {"nova"}, "channel": {"whatsapp"}})
	if r.status != 409 || !strings.Contains(r.body, "o registro na Wavy foi desfeito. Nada foi criado.") || !strings.Contains(r.body, "O ID 1 que a Wavy deu já pertence aqui à campanha “Antiga”") {
		t.Errorf("got %d, want 409 saying the remote create was undone; got:\n%s", r.status, excerpt(r.body))
	}
	if remote := e.sb.Campaigns(); len(remote) != 0 {
		t.Errorf("remote campaigns got %+v, want none (compensated)", remote)
	}
	if cs := e.local(t); len(cs) != 1 || cs[0].Alias != "antiga" {
		t.Errorf("local campaigns got %d, want only the old one", len(cs))
	}
	// The next try gets a fresh id and works.
	r = b.post("/campaigns", url.Values{"name": {"Nova"}, "alias": {"nova"}, "channel": {"whatsapp"}})
	if r.status != 303 || len(e.sb.Campaigns()) != 1 || len(e.local(t)) != 2 {
		t.Errorf("second try got %d with %d remote and %d local, want 303, 1 and 2", r.status, len(e.sb.Campaigns()), len(e.local(t)))
	}
}

func TestCampaignRenameWhenWavyRefuses(t *testing.T) {
	tests := []struct {
		name    string
		arrange func(t *testing.T, e *campaignEnv, c *campaign.Campaign)
		want    string
	}{
		{"apigw answers 500", func(t *testing.T, e *campaignEnv, c *campaign.Campaign) { e.sb.SetFaults(sandbox.Faults{ErrorRate: 1}) },
			"A Wavy falhou ao responder (500). Nada foi alterado aqui"},
		{"wrong token", func(t *testing.T, e *campaignEnv, c *campaign.Campaign) { e.useProvider(t, e.api.URL, "token-errado") },
			"A Wavy recusou as credenciais (401)"},
		{"apigw unreachable", func(t *testing.T, e *campaignEnv, c *campaign.Campaign) { e.useProvider(t, closedURL(t), wavyToken) },
			"Não foi possível conectar à Wavy"},
		{"deleted on the portal", func(t *testing.T, e *campaignEnv, c *campaign.Campaign) {
			if err := e.remote().DeleteCampaign(context.Background(), c.RemoteID); err != nil {
				t.Fatal(err)
			}
		}, "Esta campanha não existe mais na Wavy"},
		{"alias in use remotely", func(t *testing.T, e *campaignEnv, c *campaign.Campaign) { e.remoteCreate(t, "Do portal", "ano-novo") },
			"A Wavy recusou o pedido (412)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newCampaignEnv(t)
			b := e.browser(t)
			b.signIn(marketer)
			c := e.create(t, b, "Natal", "natal")
			b.do("GET", fmt.Sprintf("/campaigns/%d/edit", c.ID), nil)
			tt.arrange(t, e, c)
			r := b.post(fmt.Sprintf("/campaigns/%d", c.ID), url.Values{"name": {"Ano Novo"}, "alias": {"ano-novo"}})
			if r.status < 400 || !strings.Contains(r.body, tt.want) {
				t.Errorf("got %d, want an error page with %q; got:\n%s", r.status, tt.want, excerpt(r.body))
			}
			if !strings.Contains(r.body, `value="Ano Novo"`) {
				t.Errorf("the form lost what was typed")
			}
			got, err := e.store.CampaignByID(context.Background(), c.ID)
			if err != nil || got.Name != "Natal" || got.Alias != "natal" {
				t.Errorf("local campaign got %+v %v, want it unchanged (Natal/natal)", got, err)
			}
		})
	}
}

func TestCampaignAliasLockedAfterSending(t *testing.T) {
	e := newCampaignEnv(t)
	b := e.browser(t)
	b.signIn(marketer)
	c := e.create(t, b, "Natal", "natal")
	e.sendAndCancel(t, c, 5)
	if r := b.do("GET", fmt.Sprintf("/campaigns/%d/edit", c.ID), nil); !strings.Contains(r.body, "O alias não pode mais mudar") || !strings.Contains(r.body, "readonly") {
		t.Errorf("edit page of a campaign that sent does not lock the alias")
	}
	// A forged alias is ignored; the name still changes.
	r := b.post(fmt.Sprintf("/campaigns/%d", c.ID), url.Values{"name": {"Natal VIP"}, "alias": {"outro"}})
	if r.status != 303 {
		t.Fatalf("rename got %d, want 303; %s", r.status, excerpt(r.body))
	}
	got, _ := e.store.CampaignByID(context.Background(), c.ID)
	remote := e.sb.Campaigns()
	if got.Name != "Natal VIP" || got.Alias != "natal" || remote[0].Alias != "natal" || remote[0].Name != "Natal VIP" {
		t.Errorf("got local %q/%q remote %+v, want Natal VIP/natal on both", got.Name, got.Alias, remote)
	}
}

func TestCampaignDeleteRules(t *testing.T) {
	ctx := context.Background()
	t.Run("sent messages: archive instead", func(t *testing.T) {
		e := newCampaignEnv(t)
		b := e.browser(t)
		b.signIn(marketer)
		c := e.create(t, b, "Natal", "natal")
		e.sendAndCancel(t, c, 3)
		page := b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
		if strings.Contains(page.body, "/delete") || !strings.Contains(page.body, "/archive") {
			t.Errorf("campaign page of one that sent offers delete or lacks archive")
		}
		r := b.post(fmt.Sprintf("/campaigns/%d/delete", c.ID), nil)
		if r := b.follow(r); !strings.Contains(r.body, "já enviou 3 mensagens: ela não pode ser excluída, só arquivada.") {
			t.Errorf("refused delete did not say why: %s", excerpt(r.body))
		}
		if _, err := e.store.CampaignByID(ctx, c.ID); err != nil || len(e.sb.Campaigns()) != 1 {
			t.Errorf("refused delete changed something: local %v, remote %d", err, len(e.sb.Campaigns()))
		}
		r = b.post(fmt.Sprintf("/campaigns/%d/archive", c.ID), nil)
		if r.status != 303 || r.location != "/campaigns" {
			t.Fatalf("archive got %d %q, want 303 /campaigns", r.status, r.location)
		}
		if r := b.follow(r); !strings.Contains(r.body, "Campanha “Natal” arquivada.") || strings.Contains(r.body, `data-alias="natal"`) {
			t.Errorf("after archiving, the list does not say so or still shows it")
		}
		if r := b.do("GET", "/campaigns?archived=1", nil); !strings.Contains(r.body, `data-alias="natal"`) {
			t.Errorf("archived filter does not show the archived campaign")
		}
		if es, err := e.store.AuditEntries(ctx, audit.Filter{Action: audit.CampaignArchived}); err != nil || len(es) != 1 || es[0].TargetName != "Natal" {
			t.Errorf("audit of the archive got %+v %v, want one entry for Natal", es, err)
		}
		got, _ := e.store.CampaignByID(ctx, c.ID)
		if got.State != campaign.Archived || len(e.sb.Campaigns()) != 1 {
			t.Errorf("archived got state %q and %d remote, want archived and the remote kept", got.State, len(e.sb.Campaigns()))
		}
		b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
		if r := b.follow(b.post(fmt.Sprintf("/campaigns/%d/archive", c.ID), nil)); !strings.Contains(r.body, "Só campanhas em rascunho ou encerradas") {
			t.Errorf("archiving twice did not say why: %s", excerpt(r.body))
		}
		if r := b.follow(b.post(fmt.Sprintf("/campaigns/%d", c.ID), url.Values{"name": {"X"}})); !strings.Contains(r.body, "Campanhas arquivadas não podem ser alteradas.") {
			t.Errorf("renaming an archived campaign did not say why: %s", excerpt(r.body))
		}
	})
	t.Run("apigw answers 500", func(t *testing.T) {
		e := newCampaignEnv(t)
		b := e.browser(t)
		b.signIn(marketer)
		c := e.create(t, b, "Natal", "natal")
		b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
		e.sb.SetFaults(sandbox.Faults{ErrorRate: 1})
		r := b.post(fmt.Sprintf("/campaigns/%d/delete", c.ID), nil)
		e.sb.SetFaults(sandbox.Faults{})
		if r.location != fmt.Sprintf("/campaigns/%d", c.ID) {
			t.Errorf("failed delete redirected to %q, want the campaign page", r.location)
		}
		if r := b.follow(r); !strings.Contains(r.body, "A Wavy falhou ao responder (500). Nada foi alterado aqui") {
			t.Errorf("failed delete did not say why: %s", excerpt(r.body))
		}
		if _, err := e.store.CampaignByID(ctx, c.ID); err != nil || len(e.sb.Campaigns()) != 1 {
			t.Errorf("failed delete changed something: local %v, remote %d", err, len(e.sb.Campaigns()))
		}
	})
	t.Run("apigw unreachable", func(t *testing.T) {
		e := newCampaignEnv(t)
		b := e.browser(t)
		b.signIn(marketer)
		c := e.create(t, b, "Natal", "natal")
		b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
		e.useProvider(t, closedURL(t), wavyToken)
		if r := b.follow(b.post(fmt.Sprintf("/campaigns/%d/delete", c.ID), nil)); !strings.Contains(r.body, "Não foi possível conectar à Wavy") {
			t.Errorf("failed delete did not say why: %s", excerpt(r.body))
		}
		if _, err := e.store.CampaignByID(ctx, c.ID); err != nil {
			t.Errorf("failed delete removed the local campaign: %v", err)
		}
	})
	t.Run("already gone remotely", func(t *testing.T) {
		e := newCampaignEnv(t)
		b := e.browser(t)
		b.signIn(marketer)
		c := e.create(t, b, "Natal", "natal")
		b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
		if err := e.remote().DeleteCampaign(ctx, c.RemoteID); err != nil {
			t.Fatal(err)
		}
		if r := b.follow(b.post(fmt.Sprintf("/campaigns/%d/delete", c.ID), nil)); !strings.Contains(r.body, "Na Wavy ela já não existia.") {
			t.Errorf("delete of a campaign gone remotely did not say so: %s", excerpt(r.body))
		}
		if _, err := e.store.CampaignByID(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("local campaign got %v, want deleted", err)
		}
	})
}

func TestCampaignSync(t *testing.T) {
	e := newCampaignEnv(t)
	b := e.browser(t)
	b.signIn(marketer)
	e.create(t, b, "Feita aqui", "feita-aqui")
	// More than one page of the API's list (100), some without an alias,
	// and one whose alias a local campaign of another account holds.
	for i := 1; i <= 130; i++ {
		alias := fmt.Sprintf("portal-%03d", i)
		if i%10 == 0 {
			alias = ""
		}
		e.remoteCreate(t, fmt.Sprintf("Do portal %03d", i), alias)
	}
	if err := e.store.CreateCampaign(context.Background(), &campaign.Campaign{RemoteID: 9999, Name: "Outra conta", Alias: "conflito"}); err != nil {
		t.Fatal(err)
	}
	e.remoteCreate(t, "Conflito", "conflito")

	b.do("GET", "/campaigns", nil)
	e.sb.SetFaults(sandbox.Faults{ErrorRate: 1})
	if r := b.follow(b.post("/campaigns/sync", nil)); !strings.Contains(r.body, "A Wavy falhou ao responder (500)") {
		t.Errorf("failed sync did not say why: %s", excerpt(r.body))
	}
	e.sb.SetFaults(sandbox.Faults{})
	if n := len(e.local(t)); n != 2 {
		t.Errorf("local campaigns after a failed sync got %d, want 2", n)
	}

	r := b.follow(b.post("/campaigns/sync", nil))
	for _, want := range []string{"130 campanhas importadas da Wavy.", "1 campanha da Wavy não foi importada", "conflito"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("sync page lacks %q: %s", want, excerpt(r.body))
		}
	}
	if n := len(e.local(t)); n != 132 {
		t.Errorf("local campaigns after sync got %d, want 132", n)
	}
	if r := b.do("GET", "/campaigns", nil); !strings.Contains(r.body, "Página 1 de 7 · 132 campanhas") {
		t.Errorf("list after sync lacks the page count")
	}
	if r := b.follow(b.post("/campaigns/sync", nil)); !strings.Contains(r.body, "Nada novo") {
		t.Errorf("second sync did not say nothing was new: %s", excerpt(r.body))
	}
	if n := len(e.local(t)); n != 132 {
		t.Errorf("local campaigns after the second sync got %d, want 132", n)
	}
	// Imported campaigns say what they lack, the channel included.
	cs, _, _ := e.store.ListCampaigns(context.Background(), store.CampaignFilter{Query: "Do portal 010"})
	if len(cs) != 1 {
		t.Fatalf("imported campaign without alias not found")
	}
	if r := b.do("GET", fmt.Sprintf("/campaigns/%d", cs[0].ID), nil); !strings.Contains(r.body, "Nenhum canal escolhido") || !strings.Contains(r.body, "sem alias") {
		t.Errorf("imported campaign page does not show what it lacks")
	}
}

func TestCampaignListFilterAndPages(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	for i := 1; i <= 25; i++ {
		c := &campaign.Campaign{RemoteID: int64(i), Name: fmt.Sprintf("Oferta %02d", i), Alias: fmt.Sprintf("oferta-%02d", i), Channel: campaign.SMS,
			CreatedAt: e.clock.now().Add(time.Duration(i) * time.Minute)}
		if err := e.store.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.store.CreateCampaign(ctx, &campaign.Campaign{RemoteID: 99, Name: "Black Friday", Alias: "black-friday", Channel: campaign.WhatsApp,
		CreatedAt: e.clock.now().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn(viewer)
	tests := []struct {
		path    string
		want    []string
		notWant []string
	}{
		{"/campaigns", []string{"Página 1 de 2 · 26 campanhas", "Oferta 25", `rel="next"`}, []string{"Oferta 05", `rel="prev"`}},
		{"/campaigns?page=2", []string{"Página 2 de 2", "Oferta 01", "Black Friday", `rel="prev"`}, []string{"Oferta 06", `rel="next"`}},
		{"/campaigns?q=black", []string{"Black Friday", "Página 1 de 1 · 1 campanha"}, []string{"Oferta"}},
		{"/campaigns?q=p%C3%A1scoa", []string{"Nenhuma campanha encontrada para “páscoa”."}, nil},
		{"/campaigns?archived=1", []string{"Nenhuma campanha arquivada."}, []string{"Oferta"}},
	}
	for _, tt := range tests {
		r := b.do("GET", tt.path, nil)
		if r.status != 200 {
			t.Errorf("%s got %d, want 200", tt.path, r.status)
		}
		for _, w := range tt.want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s lacks %q", tt.path, w)
			}
		}
		for _, w := range tt.notWant {
			if strings.Contains(r.body, w) {
				t.Errorf("%s shows %q", tt.path, w)
			}
		}
	}
}

func TestCampaignRoles(t *testing.T) {
	e := newCampaignEnv(t)
	m := e.browser(t)
	m.signIn(marketer)
	c := e.create(t, m, "Natal", "natal")
	id := fmt.Sprint(c.ID)
	form := url.Values{"name": {"Invasão"}, "alias": {"invasao"}, "channel": {"sms"}}
	runHandlerTests(t, e.testEnv, []handlerTest{
		{as: viewer, method: "GET", path: "/campaigns", want: 200},
		{as: viewer, method: "GET", path: "/campaigns/" + id, want: 200},
		{as: viewer, method: "GET", path: "/campaigns/999", want: 404},
		{as: viewer, method: "GET", path: "/campaigns/new", want: 403},
		{as: viewer, method: "GET", path: "/campaigns/alias?name=x", want: 403},
		{as: viewer, method: "GET", path: "/campaigns/" + id + "/edit", want: 403},
		{as: viewer, method: "POST", path: "/campaigns", form: form, want: 403},
		{as: viewer, method: "POST", path: "/campaigns/sync", form: form, want: 403},
		{as: viewer, method: "POST", path: "/campaigns/" + id, form: form, want: 403},
		{as: viewer, method: "POST", path: "/campaigns/" + id + "/archive", form: form, want: 403},
		{as: viewer, method: "POST", path: "/campaigns/" + id + "/delete", form: form, want: 403},
	})
	v := e.browser(t)
	v.signIn(viewer)
	page := v.do("GET", "/campaigns/"+id, nil)
	for _, hidden := range []string{"/edit", "/archive", "/delete"} {
		if strings.Contains(page.body, hidden) {
			t.Errorf("viewer's campaign page offers %s", hidden)
		}
	}
	if list := v.do("GET", "/campaigns", nil); strings.Contains(list.body, "/campaigns/new") || strings.Contains(list.body, "/campaigns/sync") {
		t.Errorf("viewer's list offers create or sync")
	}
	got, _ := e.store.CampaignByID(context.Background(), c.ID)
	if got.Name != "Natal" || len(e.sb.Campaigns()) != 1 || len(e.local(t)) != 1 {
		t.Errorf("viewer requests changed something")
	}
}

func TestCampaignPagesInEnglish(t *testing.T) {
	e := newCampaignEnv(t)
	e.addUser(t, "admin@example.com", user.Admin) // changing a user checks an admin remains
	e.addUser(t, "ann@example.com", user.Marketer)
	u, _ := e.store.UserByEmail(context.Background(), "ann@example.com")
	if err := e.store.SetUserLang(context.Background(), u.ID, "en"); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.signIn("ann@example.com")
	b.do("GET", "/campaigns/new", nil)
	e.sb.SetFaults(sandbox.Faults{ErrorRate: 1})
	if r := b.post("/campaigns", url.Values{"name": {"Sale"}, "channel": {"sms"}}); !strings.Contains(r.body, "Wavy failed to answer (500). Nothing was changed here") {
		t.Errorf("english refusal got %s", excerpt(r.body))
	}
	e.sb.SetFaults(sandbox.Faults{})
	c := e.create(t, b, "Sale", "")
	r := b.do("GET", fmt.Sprintf("/campaigns/%d", c.ID), nil)
	for _, want := range []string{"Campaign “Sale” created and registered with Wavy.", "No list chosen", "Before sending", "Draft"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("english campaign page lacks %q", want)
		}
	}
}
