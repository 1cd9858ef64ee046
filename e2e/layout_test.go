package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/abtest"
	"arauto/internal/apitoken"
	"arauto/internal/audit"
	"arauto/internal/billing"
	"arauto/internal/campaign"
	"arauto/internal/contact"
	"arauto/internal/fallback"
	"arauto/internal/message"
	"arauto/internal/outhook"
	"arauto/internal/recipient"
	"arauto/internal/segment"
	"arauto/internal/user"
	"arauto/internal/walibrary"
	"arauto/store"
)

// longName is 120 characters with no space to break at: the worst name a
// list or campaign can have for a layout.
var longName = strings.Repeat("PromocaoRelampagoDeVerao", 5)

// seededPages are the ids of what seedLayout adds, for the pages to open.
type seededPages struct {
	campaign, longCampaign, longList, template, uploaded, webhook int64
	// whatsApp is a draft WhatsApp campaign with contact cards; noCredit
	// a campaign paused because the account ran out of credit; breaker
	// one the circuit breaker paused.
	whatsApp, noCredit, breaker int64
	// segment has a long name and two rules; contact is a number of the
	// long list, made a contact as an import does.
	segment int64
	contact string
	// library is a WhatsApp library template with long names and buttons.
	library int64
	// abTest is a running A/B test chosen by hand (its report has the
	// variants side by side and "Escolher agora").
	abTest int64
}

// seedLayout adds, next to seedCampaign's sent campaign, what makes pages
// hard to lay out: a list and a draft campaign with 120-character names,
// wide recipient fields, a template, numbers on the block list and a
// second user.
func seedLayout(t *testing.T, dir string) seededPages {
	t.Helper()
	p := seededPages{campaign: seedCampaign(t, dir, 600)}
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	// Its links are tracked (the report's click sections; seedClicks adds
	// clicks once it is sent): one long, one short.
	if err := st.SaveTrackedLinks(ctx, p.campaign, []string{"https://loja.example.com.br/ofertas/natal/eletrodomesticos-e-eletronicos?utm_source=sms&utm_campaign=queima-de-estoque-dezembro",
		"https://loja.example.com.br/app"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: longName, FileName: longName + ".xlsx"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	wide := strings.Repeat("Avenida-Brigadeiro-Faria-Lima-", 4)
	rs := []recipient.Recipient{
		{Row: 2, Phone: "5511987650001", Fields: []string{"Maximiliano de Albuquerque", wide, "1856,00"}},
		{Row: 3, Phone: "5521987650002", Fields: []string{"Ana", "Rua A", "12,50"}},
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: 2, Valid: 2, Columns: []string{"nome", "endereco", "valor"}}); err != nil {
		t.Fatal(err)
	}
	p.longList = l.ID
	// The list's numbers are contacts, as an import makes them; a segment
	// with a long name and two rules selects one of them.
	src, err := st.StartContactImport(ctx, l.ID, []string{"nome", "endereco", "valor"})
	if err != nil {
		t.Fatal(err)
	}
	enc := contact.NewEncoder([]string{"nome", "endereco", "valor"})
	var recs []contact.Record
	for _, r := range rs {
		if rec, ok := enc.Encode(r.Phone, r.Row, r.Fields); ok {
			recs = append(recs, rec)
		}
	}
	if err := st.UpsertContacts(ctx, src, recs); err != nil {
		t.Fatal(err)
	}
	p.contact = rs[0].Phone
	sg := &segment.Segment{Name: longName[:segment.MaxNameLen], Filter: segment.Filter{Match: segment.All, Rules: []segment.Rule{
		{Kind: segment.KindDDD, Values: []string{"11", "19"}},
		{Kind: segment.KindAttr, Field: "nome", Op: segment.Contains, Values: []string{"Maximiliano"}},
	}}}
	if err := st.SaveSegment(ctx, sg); err != nil {
		t.Fatal(err)
	}
	p.segment = sg.ID
	c := &campaign.Campaign{RemoteID: 9100, Name: longName, Alias: "promocao-relampago", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, sua oferta de {{valor}} chegou!", State: campaign.Draft}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	p.longCampaign = c.ID
	tpl := &message.Template{Name: longName, Channel: message.ChannelSMS, Body: "Oi {{nome}}, " + strings.Repeat("promoção imperdível ", 12), ListID: l.ID}
	if err := st.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	p.template = tpl.ID
	// A list left at the mapping step, and a price per SMS so the money
	// shows beside the counts.
	up := &recipient.List{Name: "Aguardando " + longName, FileName: "meio-caminho.csv"}
	if err := st.CreateList(ctx, up); err != nil {
		t.Fatal(err)
	}
	p.uploaded = up.ID
	if err := st.SaveSettings(ctx, map[string]string{billing.SettingSMSPrice: "450"}); err != nil {
		t.Fatal(err)
	}
	wa := &campaign.Campaign{RemoteID: 9101, Name: "Zap " + longName, Alias: "zap-layout", Channel: campaign.WhatsApp, ListID: l.ID, State: campaign.Draft}
	if err := st.CreateCampaign(ctx, wa); err != nil {
		t.Fatal(err)
	}
	cards := message.WhatsApp{Kind: message.WhatsAppContacts, Contacts: []message.WhatsAppContact{{
		Name:   message.WhatsAppContactName{Formatted: "Loja " + longName},
		Phones: []message.WhatsAppContactPhone{{Phone: "+55 11 3000-0000", Type: "MAIN"}, {Phone: "+55 11 98888-7777", Type: "CELL", WaID: "5511988887777"}},
		Emails: []message.WhatsAppContactValue{{Value: "atendimento.da.loja.com.um.nome.comprido@exemplo-de-empresa.com.br", Type: "WORK"}},
	}}}
	if err := st.SetCampaignWhatsApp(ctx, wa.ID, cards, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	p.whatsApp = wa.ID
	if err := st.SetCampaignFallback(ctx, wa.ID, fallback.Settings{Text: "Oi {{nome}}, " + longName, Wait: 12 * time.Hour}, time.Now()); err != nil {
		t.Fatal(err)
	}
	lib := &walibrary.Template{Namespace: strings.ToLower(longName) + "_ns", ElementName: strings.ToLower(longName), LanguageCode: "pt_BR",
		HeaderKind: "text", HeaderText: "Pedido {{1}}", HeaderParams: []string{"pedido"}, BodyText: "Olá {{1}}, sua oferta de {{2}} chegou!",
		BodyParams: []string{"nome", "valor"}, FooterText: "Loja Arauto", Status: walibrary.Paused,
		Buttons: []walibrary.Button{{Kind: walibrary.ButtonReply, Text: "Quero"}, {Kind: walibrary.ButtonURL, Text: "Ver oferta", Value: "https://loja.example/" + longName}}}
	if err := st.CreateLibraryTemplate(ctx, lib, time.Now()); err != nil {
		t.Fatal(err)
	}
	p.library = lib.ID
	// The long draft tests a long variant B; another campaign runs a test.
	if err := st.SetCampaignABTest(ctx, c.ID, abtest.Settings{Others: []string{"Olá {{nome}}, " + longName}, Share: 20, Criterion: "delivery", Wait: 4 * time.Hour}, time.Now()); err != nil {
		t.Fatal(err)
	}
	abList := &recipient.List{Name: "AB " + longName, FileName: "ab.csv"}
	if err := st.CreateList(ctx, abList); err != nil {
		t.Fatal(err)
	}
	var abRows []recipient.Recipient
	for i := range 40 {
		abRows = append(abRows, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55419%08d", i), Fields: []string{"Cliente"}})
	}
	if err := st.AddRecipients(ctx, abList.ID, abRows); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, abList.ID, recipient.Report{Rows: 40, Valid: 40, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	ab := &campaign.Campaign{RemoteID: 9110, Name: "AB " + longName, Alias: "ab-layout", Channel: campaign.SMS, ListID: abList.ID,
		Message: "Oi {{nome}}, oferta A", State: campaign.Draft}
	if err := st.CreateCampaign(ctx, ab); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignABTest(ctx, ab.ID, abtest.Settings{Others: []string{"Olá {{nome}}, oferta B", "E aí {{nome}}, oferta C"}, Share: 30, Criterion: "reply", Manual: true}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.LaunchCampaign(ctx, ab.ID, time.Now(), 40, time.Now()); err != nil {
		t.Fatal(err)
	}
	p.abTest = ab.ID
	// A reply to the campaign with the long name: its conversation shows
	// the answer form, the assignment and the list and campaign names.
	seedReply(t, dir, "sms", "5521987650002", "Quero saber mais sobre a "+longName, c.ID, time.Now())
	nc := &campaign.Campaign{RemoteID: 9102, Name: "Sem crédito " + longName, Alias: "sem-credito", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}", State: campaign.Scheduled, ScheduledAt: time.Now().Add(30 * 24 * time.Hour)}
	if err := st.CreateCampaign(ctx, nc); err != nil {
		t.Fatal(err)
	}
	if err := st.PauseWithError(ctx, nc.ID, "account limit: 201 NO_CREDIT"); err != nil {
		t.Fatal(err)
	}
	p.noCredit = nc.ID
	br := &campaign.Campaign{RemoteID: 9103, Name: "Disjuntor " + longName, Alias: "disjuntor", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}", State: campaign.Scheduled, ScheduledAt: time.Now().Add(30 * 24 * time.Hour)}
	if err := st.CreateCampaign(ctx, br); err != nil {
		t.Fatal(err)
	}
	if err := st.PauseWithError(ctx, br.ID, "circuit breaker: complaints 12 of 2 in the first 100000"); err != nil {
		t.Fatal(err)
	}
	p.breaker = br.ID
	for i, reason := range []string{"manual", "blacklisted", "opted-out"} {
		if _, err := st.AddSuppressions(ctx, []string{fmt.Sprintf("55119876500%02d", 10+i)}, reason, "anotado por "+longName); err != nil {
			t.Fatal(err)
		}
	}
	// With any user in the store the console skips its bootstrap admin,
	// so the admin is seeded too.
	for _, u := range []struct {
		email, password string
		role            user.Role
	}{{adminEmail, adminPassword, user.Admin}, {"marketing.da.loja.com.um.nome.bem.comprido@exemplo-de-empresa.com.br", "senha-da-equipe-123", user.Marketer}} {
		hash, err := user.HashPassword(u.password)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateUser(ctx, &user.User{Email: u.email, PasswordHash: hash, Role: u.role}); err != nil {
			t.Fatal(err)
		}
	}
	p.webhook = seedAutomation(t, st)
	return p
}

// seedAutomation adds a token with a long name, a webhook receiver with a
// long URL whose delivery log holds a refused and a given-up delivery,
// and audit entries.
func seedAutomation(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	admin, err := st.UserByEmail(ctx, adminEmail)
	if err != nil {
		t.Fatal(err)
	}
	secret, hash := apitoken.NewSecret()
	tok := &apitoken.Token{Name: "Integração " + longName, Hint: apitoken.Hint(secret), Role: user.Marketer, OwnerID: admin.ID, CreatedAt: time.Now()}
	if err := st.CreateToken(ctx, tok, hash); err != nil {
		t.Fatal(err)
	}
	// Paused, and on a loopback port nothing listens on: the console
	// never sends it anything, only its seeded log is shown.
	ep := &outhook.Endpoint{URL: "http://127.0.0.1:9/crm-exemplo-de-empresa/webhooks/arauto/" + longName, Description: longName,
		Events: outhook.Types, Active: false, Secret: outhook.NewSecret()}
	if err := st.CreateEndpoint(ctx, ep, admin.ID); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ds := []outhook.Delivery{{EndpointID: ep.ID, EventID: "evt_1", EventType: outhook.MessageDelivered, OrderKey: "message:1", Body: []byte(`{}`), NextAt: now, CreatedAt: now},
		{EndpointID: ep.ID, EventID: "evt_2", EventType: outhook.CampaignStateChange, OrderKey: "campaign:1", Body: []byte(`{}`), NextAt: now, CreatedAt: now}}
	if err := st.FanOut(ctx, 0, ds); err != nil {
		t.Fatal(err)
	}
	log, err := st.DeliveryLog(ctx, ep.ID, "", 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	as := []outhook.Attempt{{DeliveryID: log[0].ID, At: now, Status: 500, Body: strings.Repeat("Serviço indisponível ", 12), Took: 87 * time.Millisecond, NextAt: now.Add(time.Hour)},
		{DeliveryID: log[1].ID, At: now, Error: "dial tcp: connection refused"}}
	if err := st.RecordAttempts(ctx, as); err != nil {
		t.Fatal(err)
	}
	for _, e := range []audit.Entry{
		{At: now, Actor: audit.Actor{Kind: audit.ActorToken, ID: tok.ID, Name: tok.Name, IP: "203.0.113.7"}, Action: audit.CampaignLaunched, TargetKind: "campaign", TargetID: "1", TargetName: longName},
		{At: now, Actor: audit.Actor{Kind: audit.ActorAnonymous, Name: "alguem@exemplo.com", IP: "203.0.113.8"}, Action: audit.SignInFailed, TargetKind: "user", TargetName: "alguem@exemplo.com"},
	} {
		e := e.With("detalhe", longName)
		if err := st.AppendAudit(ctx, &e); err != nil {
			t.Fatal(err)
		}
	}
	return ep.ID
}

// mainPages are the pages every width is checked on.
func mainPages(p seededPages) []struct{ name, path string } {
	return []struct{ name, path string }{
		{"dashboard", "/"},
		{"campaigns", "/campaigns"},
		{"campaign-new", "/campaigns/new"},
		{"campaign", fmt.Sprintf("/campaigns/%d", p.campaign)},
		{"campaign-long", fmt.Sprintf("/campaigns/%d", p.longCampaign)},
		{"campaign-message", fmt.Sprintf("/campaigns/%d/message", p.longCampaign)},
		{"campaign-schedule", fmt.Sprintf("/campaigns/%d/schedule", p.longCampaign)},
		{"campaign-review", fmt.Sprintf("/campaigns/%d/review", p.longCampaign)},
		{"campaign-duplicate", fmt.Sprintf("/campaigns/%d/duplicate", p.longCampaign)},
		{"whatsapp-message", fmt.Sprintf("/campaigns/%d/message", p.whatsApp)},
		{"whatsapp-campaign", fmt.Sprintf("/campaigns/%d", p.whatsApp)},
		{"whatsapp-fallback", fmt.Sprintf("/campaigns/%d/fallback", p.whatsApp)},
		{"whatsapp-review", fmt.Sprintf("/campaigns/%d/review", p.whatsApp)},
		{"campaign-no-credit", fmt.Sprintf("/campaigns/%d", p.noCredit)},
		{"campaign-breaker", fmt.Sprintf("/campaigns/%d", p.breaker)},
		{"report", fmt.Sprintf("/campaigns/%d/report", p.campaign)},
		{"campaign-abtest", fmt.Sprintf("/campaigns/%d/abtest", p.longCampaign)},
		{"campaign-abvariant", fmt.Sprintf("/campaigns/%d/abtest/variant/2", p.longCampaign)},
		{"report-abtest", fmt.Sprintf("/campaigns/%d/report", p.abTest)},
		{"lists", "/lists"},
		{"list-long", fmt.Sprintf("/lists/%d", p.longList)},
		{"list-uploaded", fmt.Sprintf("/lists/%d", p.uploaded)},
		{"templates", "/templates"},
		{"template", fmt.Sprintf("/templates/%d", p.template)},
		{"contacts", "/contacts"},
		{"contact", "/contacts/" + p.contact},
		{"segments", "/contacts/segments"},
		{"segment", fmt.Sprintf("/contacts/segments/%d", p.segment)},
		{"segment-new", "/contacts/segments/new"},
		{"privacy", "/contacts/privacy"},
		{"whatsapp-library", "/templates/whatsapp"},
		{"whatsapp-library-template", fmt.Sprintf("/templates/whatsapp/%d", p.library)},
		{"inbox", "/inbox"},
		{"conversation", "/inbox/5521987650002"},
		{"suppression", "/suppression"},
		{"settings", "/settings"},
		{"settings-storage", "/settings/storage"},
		{"users", "/users"},
		{"account", "/account"},
		{"automation-tokens", "/automation/tokens"},
		{"automation-webhooks", "/automation/webhooks"},
		{"automation-webhook", fmt.Sprintf("/automation/webhooks/%d", p.webhook)},
		{"audit", "/audit"},
		{"api-docs", "/api-docs"},
	}
}

// TestEveryPageFitsAndPassesAxe opens every main page at a phone's width
// (390 px) and a laptop's (1280 px) with a sent campaign, long names and
// wide fields in the data: the page never scrolls sideways, the sign-out
// control is on screen (at 390 px behind no more than the top bar), and
// axe-core finds no critical or serious accessibility problem. Every page
// is screenshotted at both widths into e2e/screenshots/.
func TestEveryPageFitsAndPassesAxe(t *testing.T) {
	dir := t.TempDir()
	p := seedLayout(t, dir)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	s.DataDir = dir
	waitCompleted(t, dir, p.campaign, 60*time.Second)
	seedClicks(t, dir, p.campaign)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if c, _ := campaignCounts(t, dir, p.abTest); c["held"] > 0 && c["accepted"] == 12 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the A/B test did not send its test share: %v", c)
		}
	}

	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			page := newSizedPage(t, width, 844)
			signIn(t, page, s, adminEmail, adminPassword)
			for _, pg := range mainPages(p) {
				goTo(t, page, s.URL+pg.path)
				must(t, page.WaitForLoadState(playwright.PageWaitForLoadStateOptions{State: playwright.LoadStateLoad}))
				name := fmt.Sprintf("layout-%d-%s", width, pg.name)
				noSidewaysScroll(t, page, pg.name)
				signOutOnScreen(t, page, pg.name, width)
				axeClean(t, page, pg.name)
				topShot(t, page, name)
			}
			confirmStepFits(t, page, s.URL+fmt.Sprintf("/lists/%d", p.longList), width)
			if width == 390 {
				englishReportFits(t, page, s.URL+fmt.Sprintf("/campaigns/%d/report", p.campaign))
			}
		})
	}
}

// confirmStepFits opens the in-page confirmation of a destructive action
// (deleting the list with the 120-character name): it shows what will
// happen without widening the page, and Escape closes it again with the
// focus back on its button.
func confirmStepFits(t *testing.T, page playwright.Page, url string, width int) {
	t.Helper()
	goTo(t, page, url)
	ask := page.Locator("summary", playwright.PageLocatorOptions{HasText: "Excluir lista"}).First()
	must(t, ask.Click())
	yes := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sim, excluir a lista"})
	must(t, expect.Locator(yes).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Excluir a lista “"+longName+"” e todos os contatos dela? Não dá para desfazer.")).ToBeVisible())
	noSidewaysScroll(t, page, "list delete confirmation")
	axeClean(t, page, "list delete confirmation")
	topShot(t, page, fmt.Sprintf("layout-%d-confirm-delete-list", width))
	must(t, page.Keyboard().Press("Escape"))
	must(t, expect.Locator(yes).ToBeHidden())
	if focused, _ := page.Evaluate(`() => document.activeElement && document.activeElement.tagName`); focused != "SUMMARY" {
		t.Errorf("after Escape the focus is on %v, want the button that opened the confirmation", focused)
	}
}

// englishReportFits switches to English and checks the report, whose
// words and numbers are the longest and most numerous, still fits.
func englishReportFits(t *testing.T, page playwright.Page, url string) {
	t.Helper()
	goTo(t, page, url)
	if _, err := page.Locator("#lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"en"}}); err != nil {
		t.Fatalf("choose English: %v", err)
	}
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Delivery funnel"})).ToBeVisible())
	noSidewaysScroll(t, page, "report in English")
	axeClean(t, page, "report in English")
	topShot(t, page, "layout-390-report-en")
	// The choice is the user's: back to Portuguese for the next width.
	if _, err := page.Locator("#lang-select").SelectOption(playwright.SelectOptionValues{Values: &[]string{"pt-BR"}}); err != nil {
		t.Fatalf("choose Portuguese: %v", err)
	}
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Funil de entrega"})).ToBeVisible())
}

// waitCompleted waits for a seeded campaign to finish sending.
func waitCompleted(t *testing.T, dir string, id int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		counts, state := campaignCounts(t, dir, id)
		if state == campaign.Completed {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %d did not complete: %v (%s)", id, counts, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// newSizedPage is newPage at a given viewport. Its context bypasses the
// page's Content-Security-Policy, only so axe-core can be injected.
func newSizedPage(t *testing.T, width, height int) playwright.Page {
	t.Helper()
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		Locale:    playwright.String("pt-BR"),
		Viewport:  &playwright.Size{Width: width, Height: height},
		BypassCSP: playwright.Bool(true),
	})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	page.SetDefaultTimeout(10000)
	t.Cleanup(func() {
		if t.Failed() {
			shot(t, page, "FAILED-"+t.Name())
		}
		bctx.Close()
	})
	return page
}

// noSidewaysScroll fails when the page is wider than the window.
func noSidewaysScroll(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	v, err := page.Evaluate(`() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	must(t, err)
	wh := v.([]any)
	scroll, client := toInt(wh[0]), toInt(wh[1])
	if scroll > client {
		wide, _ := page.Evaluate(`() => { const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]
			.filter(e => e.getBoundingClientRect().right > w + 1).slice(0, 5)
			.map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + getComputedStyle(e.parentElement).overflowX + ' ' + e.parentElement.className) }`)
		t.Errorf("%s: page is %d px wide in a %d px window; widest: %v", name, scroll, client, wide)
	}
}

// signOutOnScreen fails when "Sair" cannot be seen and clicked without
// scrolling sideways.
func signOutOnScreen(t *testing.T, page playwright.Page, name string, width int) {
	t.Helper()
	out := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Sair", Exact: playwright.Bool(true)})
	if ok, err := out.IsVisible(); err != nil || !ok {
		t.Errorf("%s: the sign-out button is not visible (%v)", name, err)
		return
	}
	box, err := out.BoundingBox()
	if err != nil || box == nil {
		t.Errorf("%s: the sign-out button has no box (%v)", name, err)
		return
	}
	if box.X < 0 || box.X+box.Width > float64(width) {
		t.Errorf("%s: the sign-out button spans %.0f..%.0f px, outside the %d px window", name, box.X, box.X+box.Width, width)
	}
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeScript is axe-core as scripts/e2e-setup.sh installed it.
func axeScript(t *testing.T) string {
	t.Helper()
	axeOnce.Do(func() {
		path := os.Getenv("ARAUTO_E2E_AXE")
		if path == "" {
			_, here, _, _ := runtime.Caller(0)
			path = filepath.Join(filepath.Dir(filepath.Dir(here)), ".cache", "axe", "axe.min.js")
		}
		var b []byte
		b, axeErr = os.ReadFile(path)
		axeSrc = string(b)
	})
	if axeErr != nil {
		t.Fatalf("axe-core: %v: run `make e2e-setup` first", axeErr)
	}
	return axeSrc
}

// axeClean runs axe-core on the page and fails on every critical or
// serious violation, naming the rule and the first elements concerned.
func axeClean(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if ok, _ := page.Evaluate(`() => typeof window.axe !== "undefined"`); ok != true {
		src := axeScript(t)
		if _, err := page.AddScriptTag(playwright.PageAddScriptTagOptions{Content: &src}); err != nil {
			t.Fatalf("%s: inject axe-core: %v", name, err)
		}
	}
	v, err := page.Evaluate(`async () => {
		const r = await axe.run(document, { resultTypes: ["violations"] });
		return r.violations.filter(v => v.impact === "critical" || v.impact === "serious")
			.map(v => v.impact + " " + v.id + ": " + v.help + " [" + v.nodes.slice(0, 4).map(n => n.target.join(" ")).join(" | ") + "]");
	}`)
	if err != nil {
		t.Fatalf("%s: run axe-core: %v", name, err)
	}
	for _, msg := range v.([]any) {
		t.Errorf("%s: %v", name, msg)
	}
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case int64:
		return int(n)
	}
	return -1
}
