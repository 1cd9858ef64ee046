package e2e

import (
	"testing"

	"github.com/playwright-community/playwright-go"
)

// TestStorageRetentionJourney: an admin opens Settings, finds the storage
// card (loaded in place) with the database's size and the default
// retention, is told plainly when a period is out of range, saves new
// periods, and cleans up at once through the confirmation.
func TestStorageRetentionJourney(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/settings")
	card := page.Locator("#storage")
	must(t, expect.Locator(card.GetByRole("heading", playwright.LocatorGetByRoleOptions{Name: "Armazenamento"})).ToBeVisible())
	must(t, expect.Locator(card).ToContainText("O banco de dados ocupa"))
	must(t, expect.Locator(page.GetByLabel("Avisos brutos da Wavy (dias)")).ToHaveValue("30"))

	fill(t, page, "Texto das respostas (dias)", "3")
	click(t, page, "button", "Salvar retenção")
	must(t, expect.Locator(page.GetByText("Digite um número inteiro de 7 a 3650, ou deixe em branco para guardar para sempre.")).ToBeVisible())
	shot(t, page, "storage-problem")

	fill(t, page, "Avisos brutos da Wavy (dias)", "0")
	fill(t, page, "Texto das respostas (dias)", "90")
	fill(t, page, "Resultados por destinatário (dias)", "")
	click(t, page, "button", "Salvar retenção")
	must(t, expect.Locator(page.GetByText("Retenção salva. A limpeza roda a cada hora.")).ToBeVisible())
	must(t, expect.Locator(page.GetByLabel("Avisos brutos da Wavy (dias)")).ToHaveValue("0"))
	must(t, expect.Locator(page.GetByLabel("Texto das respostas (dias)")).ToHaveValue("90"))
	must(t, expect.Locator(page.GetByLabel("Resultados por destinatário (dias)")).ToHaveValue(""))

	must(t, page.GetByText("Limpar agora", playwright.PageGetByTextOptions{Exact: playwright.Bool(true)}).Click())
	must(t, expect.Locator(page.GetByText("Apagar agora o que passou dos prazos acima?")).ToBeVisible())
	click(t, page, "button", "Sim, limpar")
	must(t, expect.Locator(page.GetByText("Limpeza feita:")).ToBeVisible())
	shot(t, page, "storage")
}
