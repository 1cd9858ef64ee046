package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// replyCSV is a list of the sandbox's magic numbers whose recipients
// answer a WhatsApp message with each kind of reply: text, button, image,
// audio, document, location, contacts and a text from an ad.
func replyCSV(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("nome;telefone\n")
	names := []string{"Ana", "Bruno", "Carla", "Davi", "Elisa", "Fábio", "Gabi", "Hugo"}
	for i, n := range names {
		fmt.Fprintf(&b, "%s;55119777710%02d\n", n, i+1)
	}
	path := filepath.Join(t.TempDir(), "respondem.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// newWhatsAppCampaign creates a WhatsApp campaign on the list and opens
// its message editor.
func newWhatsAppCampaign(t *testing.T, page playwright.Page, s *server, name, listOption string) {
	t.Helper()
	goTo(t, page, s.URL+"/campaigns/new")
	fill(t, page, "Nome", name)
	must(t, page.GetByLabel("WhatsApp").Check())
	click(t, page, "button", "Criar campanha")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))
	click(t, page, "link", "Escolher lista")
	_, err := page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{listOption}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	click(t, page, "link", "Escrever mensagem")
	must(t, expect.Locator(page.Locator("#whatsapp-form")).ToBeVisible())
}

// launchNowAndWait schedules "send now", passes the review and confirms.
func launchNowAndWait(t *testing.T, page playwright.Page) {
	t.Helper()
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
}

// TestWhatsAppRepliesAndUploadedImage: a template goes to recipients who
// answer with every kind of reply; the inbox says what each carried in
// plain words. They now have open 24-hour sessions, so an image uploaded
// in the composer (sent as base64 with the message) goes to all of them.
func TestWhatsAppRepliesAndUploadedImage(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	importList(t, page, s, replyCSV(t), "Respondem", "8")

	newWhatsAppCampaign(t, page, s, "Convite", "Respondem — 8 contatos válidos")
	fill(t, page, "Namespace", "loja_ns")
	fill(t, page, "Nome do modelo (elementName)", "convite")
	fill(t, page, "Texto do corpo como aprovado", "Olá {{1}}! Responda esta mensagem.")
	fill(t, page, "Parâmetros do corpo", "{{nome}}")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())
	launchNowAndWait(t, page)

	// The replies, in plain words.
	goTo(t, page, s.URL+"/inbox?channel=whatsapp")
	for try := 0; try < 40; try++ {
		if n, _ := page.Locator("li.reply").Count(); n >= 8 {
			break
		}
		time.Sleep(250 * time.Millisecond)
		goTo(t, page, s.URL+"/inbox?channel=whatsapp")
	}
	must(t, expect.Locator(page.Locator("li.reply")).ToHaveCount(8))
	for _, want := range []string{"Tocou no botão “Sim”", "Código que o botão enviou: sim", "A conversa começou por um anúncio:",
		"“Ofertas de fim de ano”", "MASP", "Av. Paulista, 1578", "Maria Silva · +55 11 98888-7777 · maria@example.com · Dona Padaria Silva",
		"Olha a foto", "Abrir arquivo"} {
		must(t, expect.Locator(page.Locator("#inbox")).ToContainText(want))
	}
	topShot(t, page, "inbox-whatsapp-kinds")
	must(t, page.SetViewportSize(390, 844))
	topShot(t, page, "inbox-whatsapp-kinds-390")
	must(t, page.SetViewportSize(1280, 860))

	// Free-form content: an image uploaded with the message.
	newWhatsAppCampaign(t, page, s, "Foto da vitrine", "Respondem — 8 contatos válidos")
	_, err := page.GetByLabel("Tipo de mensagem").SelectOption(playwright.SelectOptionValues{Values: &[]string{"image"}})
	must(t, err)
	must(t, expect.Locator(page.Locator("[data-sessions]")).ToHaveAttribute("data-sessions", "8"))
	img := filepath.Join(t.TempDir(), "vitrine.png")
	if err := os.WriteFile(img, append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{1}, 40_000)...), 0o600); err != nil {
		t.Fatal(err)
	}
	must(t, page.GetByLabel("Ou envie o arquivo").SetInputFiles(img))
	click(t, page, "button", "Enviar arquivo")
	must(t, expect.Locator(page.GetByLabel(regexp.MustCompile(`Enviar o arquivo vitrine\.png \(PNG, 40 KB\)`))).ToBeChecked())
	fill(t, page, "Legenda", "{{nome}}, chegou a coleção nova!")
	must(t, expect.Locator(page.Locator("[data-wa-file]")).ToHaveText("Arquivo: vitrine.png"))
	must(t, expect.Locator(page.Locator("[data-wa-body]")).ToHaveText("Ana, chegou a coleção nova!"))
	topShot(t, page, "whatsapp-composer-upload")
	must(t, page.SetViewportSize(390, 844))
	topShot(t, page, "whatsapp-composer-upload-390")
	must(t, page.SetViewportSize(1280, 860))
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())
	launchNowAndWait(t, page)
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("8"))
	must(t, expect.Locator(figure(page, "failed")).ToHaveText("0"))
}
