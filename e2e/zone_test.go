package e2e

import (
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// TestTimeZoneChoices sets the organisation's time zone on the Settings
// page and a personal one on My account, and watches the same instant (the
// admin's last sign-in on the Users page) and the page's zone note follow.
func TestTimeZoneChoices(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	signedIn := time.Now()
	note := page.Locator("[data-zone]")
	lastLogin := page.Locator(`tr[data-email="` + adminEmail + `"] td[data-label="Último acesso"]`)

	// wantShown checks the sign-in shows as the clocks of zone read it
	// (within a minute of when it happened) and the note names the zone.
	wantShown := func(zone, noteText string) {
		t.Helper()
		goTo(t, page, s.URL+"/users")
		must(t, expect.Locator(note).ToHaveText(noteText))
		loc, err := time.LoadLocation(zone)
		must(t, err)
		got, err := lastLogin.TextContent()
		must(t, err)
		ok := false
		for _, d := range []time.Duration{-time.Minute, 0, time.Minute} {
			if got == signedIn.Add(d).In(loc).Format("02/01/2006 15:04") {
				ok = true
			}
		}
		if !ok {
			t.Errorf("last sign-in shown as %q, want %s in %s", got, signedIn.In(loc).Format("02/01/2006 15:04"), zone)
		}
	}
	wantShown("America/Sao_Paulo", "Datas e horas em Horário de Brasília (UTC-3). Alterar")

	// The organisation moves to Tokyo.
	goTo(t, page, s.URL+"/settings")
	_, err := page.GetByLabel("Fuso horário da organização").SelectOption(playwright.SelectOptionValues{Values: &[]string{"Asia/Tokyo"}})
	must(t, err)
	click(t, page, "button", "Salvar fuso horário")
	must(t, expect.Locator(page.Locator(".flash-success")).ToHaveText("Fuso horário da organização: Asia/Tokyo (UTC+9)."))
	topShot(t, page, "settings-time-zone")
	wantShown("Asia/Tokyo", "Datas e horas em Asia/Tokyo (UTC+9). Alterar")

	// The admin reads times in Manaus, whatever the organisation's.
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Alterar"}).Click())
	_, err = page.GetByLabel("Meu fuso horário").SelectOption(playwright.SelectOptionValues{Values: &[]string{"America/Manaus"}})
	must(t, err)
	click(t, page, "button", "Salvar fuso horário")
	must(t, expect.Locator(page.Locator(".flash-success")).ToHaveText("Você verá datas e horas em Amazonas (UTC-4)."))
	topShot(t, page, "account-time-zone")
	wantShown("America/Manaus", "Datas e horas em Amazonas (UTC-4). Alterar")

	// And back to the organisation's.
	goTo(t, page, s.URL+"/account")
	_, err = page.GetByLabel("Meu fuso horário").SelectOption(playwright.SelectOptionValues{Values: &[]string{""}})
	must(t, err)
	click(t, page, "button", "Salvar fuso horário")
	wantShown("Asia/Tokyo", "Datas e horas em Asia/Tokyo (UTC+9). Alterar")
}
