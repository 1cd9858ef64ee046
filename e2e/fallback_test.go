package e2e

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A WhatsApp campaign with an SMS fallback: the sandbox's magic numbers
// make one recipient a non-WhatsApp user's kind (209) and one without a
// session (210); both get the SMS once, the third (delivered on WhatsApp)
// does not. The report shows both channels per recipient and the
// fallback figures. An unknown placeholder in the SMS is refused by name.
func TestWhatsAppFallbackToSMS(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	path := filepath.Join(t.TempDir(), "zap.csv")
	writeFile(t, path, "nome;telefone\r\nAna;(11) 97777-0209\r\nBeto;(11) 97777-0210\r\nCaio;(11) 97777-0004\r\n")
	importList(t, page, s, path, "Zap", "3")

	goTo(t, page, s.URL+"/campaigns/new")
	fill(t, page, "Nome", "Zap com reserva")
	must(t, page.GetByLabel("WhatsApp").Check())
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))

	click(t, page, "link", "Escolher lista")
	_, err := page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Zap — 3 contatos válidos"}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	must(t, expect.Locator(page.GetByText(regexp.MustCompile(`^Lista “.*” escolhida`))).ToBeVisible())

	click(t, page, "link", "Escrever mensagem")
	fill(t, page, "Namespace", "loja_ns")
	fill(t, page, "Nome do modelo (elementName)", "oferta")
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}!")
	fill(t, page, "Parâmetros do corpo", "{{nome}}")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())

	// The fallback SMS, with the SMS composer's live counter.
	click(t, page, "link", "Adicionar SMS de reserva")
	fill(t, page, "Texto do SMS de reserva", "Oi {{apelido}}, sua oferta chegou por SMS")
	click(t, page, "button", "Salvar SMS de reserva")
	must(t, expect.Locator(page.Locator("#compose-body-error")).ToContainText("{{apelido}}"))
	shot(t, page, "fallback-editor-error")
	fill(t, page, "Texto do SMS de reserva", "Oi {{nome}}, sua oferta chegou por SMS")
	must(t, expect.Locator(page.Locator("[data-sample]")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(20000)}))
	fill(t, page, "Esperar a entrega no WhatsApp por (horas)", "6")
	shot(t, page, "fallback-editor")
	click(t, page, "button", "Salvar SMS de reserva")
	must(t, expect.Locator(page.GetByText("SMS de reserva salvo.")).ToBeVisible())
	must(t, expect.Locator(page.Locator(`[data-section="fallback"]`)).ToContainText("Oi {{nome}}, sua oferta chegou por SMS"))

	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	must(t, expect.Locator(page.GetByText("Agendamento salvo.")).ToBeVisible())

	click(t, page, "link", "Revisar e enviar")
	// The pre-flight prices the fallback apart: 3 SMS if all fell back.
	must(t, expect.Locator(page.Locator(`[data-review="fallback-messages"]`)).ToHaveText("3"))
	shot(t, page, "fallback-review")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))

	click(t, page, "link", "Relatório de entrega")
	long := playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}
	must(t, expect.Locator(figure(page, "fallback-fell-back")).ToHaveText("2", long))
	must(t, expect.Locator(figure(page, "fallback-submitted")).ToHaveText("2", long))
	// Both channels per recipient: the SMS in the rows of the two who
	// could not be reached, none in the third's.
	goTo(t, page, page.URL())
	rows := page.Locator("tr[data-message]")
	must(t, expect.Locator(rows).ToHaveCount(3))
	must(t, expect.Locator(page.Locator("[data-fallback-outcome]")).ToHaveCount(2))
	must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: "0209"}).Locator("[data-fallback]")).ToContainText("SMS"))
	must(t, expect.Locator(rows.Filter(playwright.LocatorFilterOptions{HasText: "0004"}).Locator("[data-fallback-outcome]")).ToHaveCount(0))
	must(t, expect.Locator(page.Locator(`[data-fallback-reason="code-210"]`)).ToBeVisible())
	shot(t, page, "fallback-report")

	// The export carries both channels too.
	exportURL := strings.SplitN(page.URL(), "?", 2)[0] + "/export.csv"
	resp, err := page.Request().Get(exportURL)
	must(t, err)
	body, err := resp.Text()
	must(t, err)
	for _, want := range []string{"SMS de reserva", "Motivo do SMS", "209 INVALID_CONTENT", "210 INVALID_SESSION"} {
		if !strings.Contains(body, want) {
			t.Errorf("export lacks %q:\n%s", want, body)
		}
	}

	// The provider got 3 WhatsApp messages and 2 SMS, each once.
	var l struct{ Accepted, DuplicateCorrelationIDs int64 }
	sandboxCall(t, s, "GET", "/_sandbox/ledger", nil, &l)
	if l.Accepted != 5 || l.DuplicateCorrelationIDs != 0 {
		t.Errorf("ledger: %d accepted, %d repeated correlationIds; want 5 (3 WhatsApp, 2 SMS), none repeated", l.Accepted, l.DuplicateCorrelationIDs)
	}
}
