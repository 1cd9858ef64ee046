package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A WhatsApp campaign with an approved template whose body parameter is
// each recipient's {{nome}}: the phone preview shows a real recipient's
// name, and the campaign sends to completion.
func TestWhatsAppTemplateCampaignCompletes(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	importList(t, page, s, latin1CSV(t), "Contatos", "2")

	goTo(t, page, s.URL+"/campaigns/new")
	fill(t, page, "Nome", "Zap de Natal")
	must(t, page.GetByLabel("WhatsApp").Check())
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))

	click(t, page, "link", "Escolher lista")
	_, err := page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Contatos — 2 contatos válidos"}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	must(t, expect.Locator(page.GetByText(regexp.MustCompile(`^Lista “.*” escolhida`))).ToBeVisible())

	click(t, page, "link", "Escrever mensagem")
	must(t, expect.Locator(page.Locator("#whatsapp-form")).ToBeVisible())
	fill(t, page, "Namespace", "loja_ns")
	fill(t, page, "Nome do modelo (elementName)", "natal_cupom")
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}! Seu cupom de Natal é {{2}}.")
	fill(t, page, "Parâmetros do corpo", "{{nome}}\nNATAL20")
	fill(t, page, "Texto do rodapé como aprovado", "Loja Arauto")
	// The phone preview follows the typing with the first recipient's name.
	must(t, expect.Locator(page.Locator("[data-wa-body]")).ToHaveText("Olá João! Seu cupom de Natal é NATAL20."))
	must(t, expect.Locator(page.Locator("[data-wa-footer]")).ToHaveText("Loja Arauto"))
	shot(t, page, "whatsapp-editor")

	// A body too long for a template with a footer is refused on the field.
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}! "+strings.Repeat("a", 160)+" {{2}}")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.Locator("#wa-body_text-error")).ToContainText("no máximo 160 caracteres"))
	shot(t, page, "whatsapp-editor-error")
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}! Seu cupom de Natal é {{2}}.")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())

	click(t, page, "link", "Definir agendamento")
	must(t, expect.Locator(page.GetByLabel("Enviar agora")).ToBeChecked())
	click(t, page, "button", "Salvar agendamento")
	must(t, expect.Locator(page.GetByText("Agendamento salvo.")).ToBeVisible())

	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	shot(t, page, "whatsapp-review")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(page.GetByText("o envio começa agora")).ToBeVisible())
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("2"))
	shot(t, page, "whatsapp-completed")
}
