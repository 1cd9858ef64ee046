package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/recipient/recipienttest"
)

// sendServer is a console whose sandbox answers at once, so campaigns
// complete in seconds.
func sendServer(t *testing.T) *server {
	t.Helper()
	return startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword, "ARAUTO_SANDBOX_DELAY_SCALE=0")
}

// importList uploads a file as a list and waits for its report.
func importList(t *testing.T, page playwright.Page, s *server, path, name string, valid string) {
	t.Helper()
	uploadFile(t, page, s, path, name)
	click(t, page, "button", "Importar contatos")
	must(t, expect.Locator(stat(page, "valid")).ToHaveText(valid, playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(60000)}))
}

// newSMSCampaign creates an SMS campaign and lands on its page.
func newSMSCampaign(t *testing.T, page playwright.Page, s *server, name string) {
	t.Helper()
	goTo(t, page, s.URL+"/campaigns/new")
	fill(t, page, "Nome", name)
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))
}

// chooseListAndWrite picks the list, writes the message and schedules
// "send now" through the campaign's editors.
func chooseListAndWrite(t *testing.T, page playwright.Page, listOption, body string) {
	t.Helper()
	click(t, page, "link", "Escolher lista")
	_, err := page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{listOption}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	must(t, expect.Locator(page.GetByText(regexp.MustCompile(`^Lista “.*” escolhida`))).ToBeVisible())

	click(t, page, "link", "Escrever mensagem")
	must(t, page.GetByLabel("Texto do SMS").Fill(body))
	// The composer's live meter renders the first recipient's message.
	// (It counts over every recipient: a large list takes a moment.)
	must(t, expect.Locator(page.Locator("[data-sample]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}))
}

// stateBadge is the campaign page's state badge.
func stateBadge(page playwright.Page, state string) playwright.Locator {
	return page.Locator(`[data-campaign-state="` + state + `"]`)
}

// figure is one of a page's figures (report.Figures), as every page marks
// them.
func figure(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`[data-figure="` + name + `"]`).First()
}

func progressStat(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`[data-progress="` + name + `"]`)
}

// watchStates records, in the page, every campaign state the page shows,
// and marks the document so a full reload would be noticed.
func watchStates(t *testing.T, page playwright.Page) {
	t.Helper()
	_, err := page.Evaluate(`() => {
		window.__noReload = true;
		window.__states = [];
		const seen = () => {
			const b = document.querySelector('[data-campaign-state]');
			const s = b && b.getAttribute('data-campaign-state');
			if (s && window.__states[window.__states.length - 1] !== s) window.__states.push(s);
		};
		seen();
		new MutationObserver(seen).observe(document.body, {subtree: true, childList: true, attributes: true});
	}`)
	must(t, err)
}

func seenStates(t *testing.T, page playwright.Page) (states []string, reloaded bool) {
	t.Helper()
	v, err := page.Evaluate(`() => ({states: window.__states || [], same: window.__noReload === true})`)
	must(t, err)
	m := v.(map[string]any)
	for _, s := range m["states"].([]any) {
		states = append(states, s.(string))
	}
	return states, m["same"] != true
}

func statInt(t *testing.T, l playwright.Locator) int {
	t.Helper()
	s, err := l.TextContent()
	must(t, err)
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), ".", ""))
	if err != nil {
		t.Fatalf("stat %q is not a number", s)
	}
	return n
}

func TestCampaignSendNowCompletesLive(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	importList(t, page, s, latin1CSV(t), "Contatos", "2")

	newSMSCampaign(t, page, s, "Aniversário da loja")
	must(t, expect.Locator(page.GetByText("Faltam 3 itens")).ToBeVisible())
	topShot(t, page, "campaign-draft")
	chooseListAndWrite(t, page, "Contatos — 2 contatos válidos", "Oi {{nome}}, a loja faz aniversário e o presente é seu: 20% de desconto hoje!")
	must(t, expect.Locator(page.Locator("[data-sample]")).ToContainText("Oi Conceição, a loja faz aniversário"))
	must(t, expect.Locator(page.Locator("[data-cost=billed]")).ToHaveText("4")) // UCS-2: two segments each
	topShot(t, page, "campaign-message")
	// An unknown field is refused, naming it and the fields there are.
	good := "Oi {{nome}}, a loja faz aniversário e o presente é seu: 20% de desconto hoje!"
	must(t, page.GetByLabel("Texto do SMS").Fill("Oi {{nome}}, seu cupom é {{cupom}}"))
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.Locator("#compose-body-error")).ToHaveText("O campo {{cupom}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."))
	must(t, page.GetByLabel("Texto do SMS").Fill(good))
	must(t, expect.Locator(page.Locator("[data-sample]")).ToContainText("Oi Conceição"))
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())

	// The schedule page: a later start in another zone, a window and an
	// expiry, summed up live (then left unsaved: this journey sends now).
	click(t, page, "link", "Definir agendamento")
	must(t, page.GetByRole("radio", playwright.PageGetByRoleOptions{Name: "Agendar para depois"}).Check())
	tomorrow := time.Now().In(time.FixedZone("AMT", -4*3600)).Add(24 * time.Hour).Format("2006-01-02")
	fill(t, page, "Data e hora", tomorrow+"T09:30")
	_, err := page.GetByLabel("Fuso horário").SelectOption(playwright.SelectOptionValues{Values: &[]string{"America/Manaus"}})
	must(t, err)
	for _, d := range []string{"Seg", "Ter", "Qua", "Qui", "Sex"} {
		must(t, page.Locator("label.pill", playwright.PageLocatorOptions{HasText: d}).Click())
	}
	for h := 9; h <= 17; h++ {
		must(t, page.Locator("label.pill", playwright.PageLocatorOptions{HasText: fmt.Sprintf("%02dh", h)}).Click())
	}
	must(t, page.GetByRole("radio", playwright.PageGetByRoleOptions{Name: "Minutos depois do início", Exact: playwright.Bool(true)}).Check())
	// expiresInMinutes counts from Wavy's receipt of each message: the form says so.
	must(t, expect.Locator(page.Locator("[data-hint=expiry-minutes]")).ToContainText("a partir de quando recebe cada mensagem"))
	must(t, page.Locator("#expiry_minutes").Fill("240"))
	must(t, expect.Locator(page.Locator("#schedule-summary-body [data-summary=start]")).ToContainText("Amazonas (UTC-4)"))
	must(t, expect.Locator(page.Locator("#schedule-summary-body [data-summary=window]")).ToHaveText("seg a sex, 09h–18h"))
	must(t, expect.Locator(page.Locator("#schedule-summary-body [data-summary=start-viewer]")).ToContainText("10:30 no seu fuso"))
	must(t, expect.Locator(page.Locator("#schedule-summary-body [data-summary=expiry]")).ToContainText("240 minutos"))
	topShot(t, page, "campaign-schedule")
	_, err = page.Reload()
	must(t, err)
	must(t, expect.Locator(page.GetByLabel("Enviar agora")).ToBeChecked())
	click(t, page, "button", "Salvar agendamento")
	must(t, expect.Locator(page.GetByText("Agendamento salvo.")).ToBeVisible())
	must(t, expect.Locator(page.GetByText("Tudo pronto para enviar.")).ToBeVisible())
	topShot(t, page, "campaign-ready")

	// The pre-flight check passes: list, message for everyone, cost, schedule, credentials.
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	must(t, expect.Locator(page.Locator("[data-review=recipients]")).ToHaveText("2"))
	must(t, expect.Locator(page.Locator("[data-review=segments]")).ToHaveText("4"))
	must(t, expect.Locator(page.Locator(`[data-check=provider][data-status=ok]`)).ToBeVisible())
	topShot(t, page, "campaign-review")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(page.GetByText("o envio começa agora")).ToBeVisible())

	// The page follows the campaign to the end by itself.
	watchStates(t, page)
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("2"))
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("0"))
	must(t, expect.Locator(progressStat(page, "of")).ToHaveText("2 de 2 processadas (100%)"))
	states, reloaded := seenStates(t, page)
	if reloaded {
		t.Errorf("the page reloaded to show the progress")
	}
	// With two recipients the campaign may pass through "running" between
	// two looks of the stream; what is shown must follow the life order.
	order := map[string]int{"scheduled": 1, "running": 2, "completed": 3}
	for i, st := range states {
		if order[st] == 0 || (i > 0 && order[st] <= order[states[i-1]]) {
			t.Errorf("states shown got %v, want them in the order scheduled → running → completed", states)
			break
		}
	}
	if len(states) == 0 || states[len(states)-1] != "completed" {
		t.Errorf("states shown got %v, want completed last", states)
	}
	t.Logf("states shown live: %v", states)
	topShot(t, page, "campaign-completed")
}

func TestCampaignPauseAndResume(t *testing.T) {
	s := sendServer(t)
	path := filepath.Join(t.TempDir(), "base.csv")
	if err := recipienttest.GenerateCSV(path, 300000, 11); err != nil {
		t.Fatal(err)
	}
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	uploadFile(t, page, s, path, "Base 300 mil")
	click(t, page, "button", "Importar contatos")
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Resultado da importação"})).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	valid := statInt(t, stat(page, "valid"))

	newSMSCampaign(t, page, s, "Queima de estoque")
	chooseListAndWrite(t, page, fmt.Sprintf("Base 300 mil — %s contatos válidos", thousands(valid)), "{{nome}}, queima de estoque em {{cidade}}: tudo com 50% off até domingo!")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	click(t, page, "button", "Confirmar e enviar agora")

	// Pause as soon as it runs.
	pause := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Pausar"})
	must(t, expect.Locator(pause).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	topShot(t, page, "campaign-running")
	must(t, pause.Click())
	must(t, expect.Locator(stateBadge(page, "paused")).ToBeVisible())
	// In-flight batches finish; then nothing moves.
	time.Sleep(1500 * time.Millisecond)
	_, err := page.Reload()
	must(t, err)
	before := statInt(t, progressStat(page, "remaining"))
	time.Sleep(1500 * time.Millisecond)
	_, err = page.Reload()
	must(t, err)
	if after := statInt(t, progressStat(page, "remaining")); after != before || after == 0 {
		t.Fatalf("paused campaign remaining went %d -> %d, want it stuck above 0", before, after)
	}
	must(t, expect.Locator(progressStat(page, "window")).ToHaveText("Janela aberta — o envio espera você retomar"))
	must(t, expect.Locator(progressStat(page, "rate")).ToHaveCount(0))
	topShot(t, page, "campaign-paused")

	click(t, page, "button", "Retomar")
	must(t, expect.Locator(page.GetByText("Campanha retomada")).ToBeVisible())
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(120000)}))
	sent, failed, suppressed := statInt(t, figure(page, "submitted")), statInt(t, figure(page, "failed")), statInt(t, figure(page, "suppressed"))
	// Every message is accounted for: sent to Wavy, refused, or kept
	// back by the block list. A message the carrier refused after Wavy
	// took it counts among both the sent and the failed.
	if sent+suppressed > valid || sent+failed+suppressed < valid || sent == 0 {
		t.Errorf("final counts sent %d, failed %d, suppressed %d; want every one of %d accounted for once", sent, failed, suppressed, valid)
	}
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("0"))
	topShot(t, page, "campaign-resumed-completed")
}

// topShot scrolls to the top first, so the sticky top bar is where it belongs.
func topShot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if _, err := page.Evaluate("() => window.scrollTo(0, 0)"); err != nil {
		t.Logf("scroll: %v", err)
	}
	time.Sleep(200 * time.Millisecond) // let the page repaint before the full-page capture
	shot(t, page, name)
}

// thousands writes n as the pages do: 29.999.
func thousands(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	return b.String()
}
