package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// shotTop scrolls back to the top first, so the sticky bars sit where a
// person sees them in the full-page screenshot.
func shotTop(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	if _, err := page.Evaluate("window.scrollTo(0, 0)"); err != nil {
		t.Logf("scroll: %v", err)
	}
	shot(t, page, name)
}

func meter(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`#composer-meter [data-stat="` + name + `"]`)
}

// TestComposeTemplateWithLiveCounter writes a template as a marketer does:
// the counter follows every keystroke, an accent switches the message to
// UCS-2 (70 per segment), replacing the accents brings it back to GSM-7 in
// fewer segments, and with a preview list a field chip inserts {{nome}}
// and the phone shows a real contact's message.
func TestComposeTemplateWithLiveCounter(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)

	// A small list to preview with: João (São Paulo) and Conceição (Niterói).
	uploadFile(t, page, s, latin1CSV(t), "Contatos")
	click(t, page, "button", "Importar contatos")
	must(t, expect.Locator(stat(page, "valid")).ToHaveText("2"))

	click(t, page, "link", "Modelos")
	must(t, expect.Locator(page.GetByText("Nenhum modelo ainda")).ToBeVisible())
	click(t, page, "link", "+ Novo modelo")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/templates/new"))
	fill(t, page, "Nome do modelo", "Lembrete de fatura")

	// Typing plain text: GSM-7, 160 characters per segment.
	box := page.GetByLabel("Texto da mensagem")
	must(t, box.PressSequentially("Sua fatura vence amanh"))
	must(t, expect.Locator(meter(page, "chars")).ToHaveText("22"))
	must(t, expect.Locator(meter(page, "encoding")).ToHaveText("GSM-7"))
	must(t, expect.Locator(meter(page, "per-segment")).ToHaveText("160"))
	must(t, expect.Locator(meter(page, "remaining")).ToHaveText("138"))
	shotTop(t, page, "compose-gsm7")

	// One ã and the whole message is UCS-2: 70 per segment.
	must(t, box.PressSequentially("ã"))
	must(t, expect.Locator(meter(page, "encoding")).ToHaveText("UCS-2"))
	must(t, expect.Locator(meter(page, "per-segment")).ToHaveText("70"))
	must(t, expect.Locator(meter(page, "remaining")).ToHaveText("47"))
	must(t, expect.Locator(page.Locator("#composer-meter mark.ucs2[title]")).ToHaveText("ã"))

	must(t, box.PressSequentially(". Atenção: pague pelo app e evite juros; dúvidas? Ligue até sexta, das 8h às 18h."))
	must(t, expect.Locator(meter(page, "chars")).ToHaveText("104"))
	must(t, expect.Locator(meter(page, "segments")).ToHaveText("2"))
	must(t, expect.Locator(page.Locator("#composer-phone .bubble-n")).ToHaveText([]string{"(1/2)", "(2/2)"}))
	accept := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Trocar acentos no texto"})
	must(t, expect.Locator(accept).ToBeVisible())
	must(t, expect.Locator(page.Locator("[data-saving]")).ToHaveText("Trocar os acentos economiza 1 segmento: de 2 para 1."))
	// The suggestion never changes the text on its own.
	must(t, expect.Locator(box).ToHaveValue(regexp.MustCompile("amanhã. Atenção")))
	shotTop(t, page, "compose-ucs2-suggestion")

	// Accepting it: back to GSM-7, in one segment (Wavy bills é and à per 70 too).
	must(t, accept.Click())
	must(t, expect.Locator(box).ToHaveValue("Sua fatura vence amanha. Atencao: pague pelo app e evite juros; duvidas? Ligue ate sexta, das 8h as 18h."))
	must(t, expect.Locator(meter(page, "encoding")).ToHaveText("GSM-7"))
	must(t, expect.Locator(meter(page, "segments")).ToHaveText("1"))
	must(t, expect.Locator(meter(page, "per-segment")).ToHaveText("160"))
	must(t, expect.Locator(accept).ToHaveCount(0))
	must(t, expect.Locator(page.Locator("#composer-phone [data-part]")).ToHaveCount(1))

	// Choose the list: its fields become chips; one inserts {{nome}} at the cursor.
	_, err := page.GetByLabel("Lista de prévia (opcional)").SelectOption(playwright.SelectOptionValues{Labels: playwright.StringSlice("Contatos (2 contatos)")})
	must(t, err)
	chip := page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "{{nome}}", Exact: playwright.Bool(true)})
	must(t, expect.Locator(chip).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "{{cidade}}", Exact: playwright.Bool(true)})).ToBeVisible())
	must(t, box.Click())
	must(t, box.Press("Control+Home"))
	must(t, box.PressSequentially("Olá "))
	must(t, chip.Click())
	must(t, box.PressSequentially(", s"))
	must(t, box.Press("Delete"))
	must(t, expect.Locator(box).ToHaveValue(regexp.MustCompile(`^Olá \{\{nome\}\}, sua fatura vence amanha\.`)))
	// The preview is the list's longest real message — Conceição's — on
	// the counter and the phone too.
	must(t, expect.Locator(page.Locator("[data-sample]")).ToContainText("Olá Conceição, sua fatura vence amanha."))
	must(t, expect.Locator(page.Locator("#composer-phone")).ToContainText("Olá Conceição, sua fatura"))
	must(t, expect.Locator(page.Locator("#composer-phone")).ToContainText("+55 21 99876-5432"))
	must(t, expect.Locator(meter(page, "segments")).ToHaveText("2"))
	must(t, expect.Locator(page.Locator(`#composer-phone [data-phone="count"]`)).ToHaveText("2 segmentos · UCS-2"))
	// The cost for the whole list follows.
	must(t, expect.Locator(page.Locator(`[data-cost="recipients"]`)).ToHaveText("2"))
	must(t, expect.Locator(page.Locator(`[data-cost="billed"]`)).ToHaveText("4"))
	must(t, expect.Locator(page.Locator(`[data-cost="longest"]`)).ToHaveText("2"))
	shotTop(t, page, "compose-preview-list")

	// An unknown field is named, with the fields the list has.
	must(t, box.Press("Control+End"))
	must(t, box.PressSequentially(" {{cpf}}"))
	must(t, expect.Locator(page.Locator(".composer-problem")).ToHaveText("O campo {{cpf}} não existe na lista de prévia. Campos disponíveis: {{nome}}, {{cidade}}."))
	for range len(" {{cpf}}") {
		must(t, box.Press("Backspace"))
	}
	must(t, expect.Locator(page.Locator(".composer-problem")).ToHaveCount(0))

	flashBox := page.GetByLabel("SMS flash", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})
	must(t, flashBox.Check())
	must(t, expect.Locator(flashBox).ToBeChecked())
	fill(t, page, "Anotação para os relatórios (opcional)", "fatura-novembro")
	click(t, page, "button", "Salvar modelo")
	must(t, expect.Page(page).ToHaveURL(s.URL+"/templates"))
	must(t, expect.Locator(page.GetByText("Modelo Lembrete de fatura salvo.")).ToBeVisible())
	row := page.GetByRole("row").Filter(playwright.LocatorFilterOptions{HasText: "Lembrete de fatura"})
	must(t, expect.Locator(row).ToContainText("Flash"))
	must(t, expect.Locator(row).ToContainText("Contatos"))
	must(t, expect.Locator(row).ToContainText("2 segmentos"))
	shot(t, page, "templates-list")

	// Opening it again shows what was saved, counted.
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Lembrete de fatura"}).Click())
	must(t, expect.Locator(box).ToHaveValue(regexp.MustCompile(`^Olá \{\{nome\}\}, sua fatura`)))
	must(t, expect.Locator(meter(page, "encoding")).ToHaveText("UCS-2"))
	must(t, expect.Locator(page.GetByLabel("Anotação para os relatórios (opcional)")).ToHaveValue("fatura-novembro"))
	must(t, expect.Locator(page.Locator("[data-sample]")).ToContainText("Olá Conceição"))
	must(t, expect.Locator(page.GetByLabel("SMS flash", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToBeChecked())
	must(t, expect.Locator(page.Locator(`[data-cost="billed"]`)).ToHaveText("4"))
	shotTop(t, page, "compose-edit")
}
