package e2e

import (
	"regexp"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// A template saved once in the WhatsApp library fills the composer: the
// person picks it by name, the namespace, name, texts and buttons arrive,
// the parameter comes from the list's field (the preview shows a real
// recipient's name), and the campaign is ready to send.
func TestLibraryTemplateFillsComposer(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	importList(t, page, s, latin1CSV(t), "Contatos", "2")

	goTo(t, page, s.URL+"/templates")
	click(t, page, "link", "WhatsApp")
	click(t, page, "link", "+ Novo modelo de WhatsApp")
	fill(t, page, "Namespace", "loja_ns_2026")
	fill(t, page, "Nome do modelo (elementName)", "cupom_natal")
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}! Seu cupom de Natal é {{2}}.")
	fill(t, page, "Nomes dos parâmetros do corpo", "nome\ncupom")
	fill(t, page, "Texto do rodapé como aprovado", "Loja Arauto")
	_, err := page.GetByLabel("Tipo do botão 1").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Resposta rápida"}})
	must(t, err)
	fill(t, page, "Texto do botão 1", "Quero o cupom")
	click(t, page, "button", "Salvar modelo")
	// The list has no field "cupom" yet: the library keeps the name, the
	// composer will say so. Here the template is saved and listed.
	must(t, expect.Locator(page.GetByText("Modelo salvo na biblioteca.")).ToBeVisible())
	must(t, expect.Locator(page.Locator(`[data-library-template="cupom_natal"]`)).ToContainText("Aprovado"))
	shot(t, page, "library")

	goTo(t, page, s.URL+"/campaigns/new")
	fill(t, page, "Nome", "Zap da biblioteca")
	must(t, page.GetByLabel("WhatsApp").Check())
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))
	click(t, page, "link", "Escolher lista")
	_, err = page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Contatos — 2 contatos válidos"}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	click(t, page, "link", "Escrever mensagem")

	_, err = page.GetByLabel("Modelo da biblioteca").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"cupom_natal (pt_BR)"}})
	must(t, err)
	click(t, page, "button", "Usar este modelo")
	must(t, expect.Locator(page.Locator("[data-library-note]")).ToContainText("a lista não tem os campos {{cupom}}"))
	must(t, expect.Locator(page.GetByLabel("Namespace", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveValue("loja_ns_2026"))
	must(t, expect.Locator(page.GetByLabel("Nome do modelo (elementName)")).ToHaveValue("cupom_natal"))
	must(t, expect.Locator(page.GetByLabel("Parâmetros do corpo")).ToHaveValue("{{nome}}\n{{cupom}}"))
	must(t, expect.Locator(page.Locator("[data-wa-buttons]")).ToHaveText("Quero o cupom"))
	// The list has no coupon field: the person writes that one as a fixed
	// value, and the preview shows the first recipient's name.
	fill(t, page, "Parâmetros do corpo", "{{nome}}\nNATAL20")
	must(t, expect.Locator(page.Locator("[data-wa-body]")).ToHaveText("Olá João! Seu cupom de Natal é NATAL20."))
	shot(t, page, "library-composer")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())

	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
}
