package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// TestLocalTimeWindowHoldsOtherZones: a campaign allowed to send only from
// 10:00 to 10:59 in each recipient's own time, launched at 10:30 in São
// Paulo, sends to the São Paulo numbers at once and holds the Amazonas
// (an hour behind) and Acre (two hours behind) ones; each goes out when
// its own 10 o'clock comes. The console's clock is the sandbox's moved
// clock (ARAUTO_SANDBOX_CLOCK_OFFSET), set an hour later at each restart
// on the same data, as time passing.
func TestLocalTimeWindowHoldsOtherZones(t *testing.T) {
	saoPaulo, err := time.LoadLocation("America/Sao_Paulo")
	must(t, err)
	// The next 10:30 in São Paulo.
	now := time.Now()
	y, m, d := now.In(saoPaulo).Date()
	at := time.Date(y, m, d, 10, 30, 0, 0, saoPaulo)
	if !at.After(now.Add(time.Minute)) {
		at = at.AddDate(0, 0, 1)
	}
	offset := time.Until(at).Round(time.Second)

	dir := t.TempDir()
	start := func(hoursLater int) *server {
		t.Helper()
		s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir,
			"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword, "ARAUTO_SANDBOX_DELAY_SCALE=0",
			"ARAUTO_SANDBOX_CLOCK_OFFSET=" + (offset + time.Duration(hoursLater)*time.Hour).String()}, listeningRE)
		s.DataDir = dir
		return s
	}
	stop := func(s *server) {
		t.Helper()
		s.cmd.Process.Signal(os.Interrupt)
		s.cmd.Wait()
	}

	page := newPage(t, "pt-BR")
	campaignPage := ""
	// reopen opens the campaign's page on the restarted console (same
	// session, kept in the data: signing in only if it asks).
	reopen := func(s *server) {
		t.Helper()
		goTo(t, page, s.URL+campaignPage)
		if regexp.MustCompile(`/login`).MatchString(page.URL()) {
			signIn(t, page, s, adminEmail, adminPassword)
			goTo(t, page, s.URL+campaignPage)
		}
	}

	s := start(0)
	signIn(t, page, s, adminEmail, adminPassword)
	list := filepath.Join(t.TempDir(), "fusos.csv")
	writeFile(t, list, "telefone,nome,cidade\n"+
		"5511988880021,Paula,São Paulo\n5511988880022,Pedro,São Paulo\n"+
		"5592988880023,Marcos,Manaus\n"+
		"5568988880024,Rita,Rio Branco\n")
	importList(t, page, s, list, "Três fusos", "4")

	newSMSCampaign(t, page, s, "Bom dia em cada fuso")
	id := campaignID(t, page)
	chooseListAndWrite(t, page, "Três fusos — 4 contatos válidos", "Bom dia, {{nome}}! A loja de {{cidade}} abriu.")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	must(t, page.Locator(`input[name=hour][value="10"]`).Check())
	must(t, page.GetByLabel("Respeitar o horário de cada destinatário").Check())
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.Locator(`[data-summary="local-time"]`)).ToBeVisible())
	topShot(t, page, "campaign-review-local-time")
	must(t, page.GetByRole("button", playwright.PageGetByRoleOptions{Name: regexp.MustCompile(`^Confirmar`)}).Click())

	// 10:30 in São Paulo, 9:30 in Manaus, 8:30 in Rio Branco.
	campaignPage = fmt.Sprintf("/campaigns/%d", id)
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("2", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("2"))
	must(t, expect.Locator(stateBadge(page, "running")).ToBeVisible())
	// The page says why two are left while the window is open here.
	must(t, expect.Locator(progressStat(page, "window")).ToHaveText(
		"Enviando no horário de cada destinatário: quem está fora da janela no seu fuso (pelo DDD) espera a sua hora."))
	must(t, expect.Locator(page.Locator(`[data-schedule="local-time"]`)).ToHaveText("· no horário de cada destinatário"))
	topShot(t, page, "campaign-local-time-held")
	// Held: the Manaus and Rio Branco numbers, waiting for their own 10h.
	pending := func(want ...string) {
		t.Helper()
		goTo(t, page, page.URL()+"/report?outcome=pending#recipients")
		rows := page.Locator("#recipients tbody tr")
		must(t, expect.Locator(rows).ToHaveCount(len(want)))
		for _, phone := range want {
			must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: phone})).ToHaveCount(1))
		}
	}
	pending("+55 92 98888-0023", "+55 68 98888-0024")

	// An hour later: 11:30 in São Paulo (closed), 10:30 in Manaus.
	stop(s)
	s = start(1)
	reopen(s)
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("3", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("1"))
	pending("+55 68 98888-0024")
	goTo(t, page, s.URL+campaignPage)

	// Two hours later: 10:30 in Rio Branco; the campaign is done.
	stop(s)
	s = start(2)
	reopen(s)
	if err := expect.Locator(figure(page, "submitted")).ToHaveText("4", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}); err != nil {
		counts, state := campaignCounts(t, dir, id)
		t.Fatalf("Rio Branco's recipient was not sent at 10:30 there: %v; campaign %s %v", err, state, counts)
	}
	if err := expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}); err != nil {
		counts, state := campaignCounts(t, dir, id)
		t.Fatalf("the campaign did not complete: %v; campaign %s %v", err, state, counts)
	}
}
