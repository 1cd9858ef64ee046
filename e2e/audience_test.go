package e2e

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/xuri/excelize/v2"
)

// The numbers of the audience journey. Ana's is a sandbox number that
// is delivered and answers, so she has a reply in the inbox to erase.
const (
	anaPhone   = "5511977771001"
	brunoPhone = "5511988880002"
	carlaPhone = "5511988880003"
	daviPhone  = "5521988880004"
)

// TestAudienceJourney is the "done when": two lists sharing numbers
// make one contact with both lists and merged fields; a segment by DDD and
// field shows its count and is a campaign's audience; a second campaign the
// same day skips the numbers the frequency cap holds back and its report
// names the rule; a number erased on request is gone from the contacts,
// the exports and the inbox, and the next campaign skips it.
func TestAudienceJourney(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
	signIn(t, page, s, adminEmail, adminPassword)

	// The rule first: at most one SMS per number a day. Zero is refused,
	// naming the field.
	goTo(t, page, s.URL+"/settings#frequency")
	must(t, page.GetByLabel("Limitar SMS").Check())
	fill(t, page, "Máximo de mensagens (SMS)", "0")
	fill(t, page, "A cada quantos dias (SMS)", "1")
	click(t, page, "button", "Salvar limites")
	must(t, expect.Locator(page.Locator("#frequency .field-error")).ToContainText([]string{"O máximo de mensagens deve ser pelo menos 1."}))
	fill(t, page, "Máximo de mensagens (SMS)", "1")
	click(t, page, "button", "Salvar limites")
	must(t, expect.Locator(page.GetByText("Limites de frequência salvos.")).ToBeVisible())
	must(t, expect.Locator(page.Locator("[data-cap=sms]")).ToHaveText("Em vigor: no máximo 1 mensagem por número a cada 1 dia (SMS)."))

	// Two lists sharing numbers.
	dir := t.TempDir()
	store := filepath.Join(dir, "loja.csv")
	writeFile(t, store, "telefone,nome,cidade\n"+
		anaPhone+",Ana,São Paulo\n"+brunoPhone+",Bruno,São Paulo\n"+carlaPhone+",Carla,Campinas\n"+daviPhone+",Davi,Rio de Janeiro\n")
	club := filepath.Join(dir, "clube.csv")
	writeFile(t, club, "telefone,nome,plano\n"+brunoPhone+",Bruno Souza,ouro\n"+anaPhone+",Ana,ouro\n"+daviPhone+",Davi,prata\n")
	importList(t, page, s, store, "Loja Centro", "4")
	importList(t, page, s, club, "Clube VIP", "3")

	// One contact with both lists and the fields merged, latest first.
	goTo(t, page, s.URL+"/contacts")
	must(t, expect.Locator(page.Locator("[data-contacts-total]")).ToContainText("4"))
	// Found by the words of any field right after the imports: a city, and
	// the start of a value only the second list had.
	for _, find := range []struct{ term, phone string }{{"campinas", carlaPhone}, {"Prat", daviPhone}} {
		must(t, page.GetByLabel("Buscar por número ou nome").Fill(find.term))
		must(t, page.GetByLabel("Buscar por número ou nome").Press("Enter"))
		must(t, expect.Locator(page.Locator("tr[data-contact]")).ToHaveCount(1))
		must(t, expect.Locator(page.Locator("tr[data-contact]").First()).ToHaveAttribute("data-contact", find.phone))
	}
	must(t, page.GetByLabel("Buscar por número ou nome").Fill("11 98888-0002"))
	must(t, page.GetByLabel("Buscar por número ou nome").Press("Enter"))
	rows := page.Locator("tr[data-contact]")
	must(t, expect.Locator(rows).ToHaveCount(1))
	must(t, expect.Locator(rows.First()).ToHaveAttribute("data-contact", brunoPhone))
	must(t, expect.Locator(rows.First()).ToContainText("Bruno Souza"))
	topShot(t, page, "contacts-search")
	must(t, rows.First().GetByRole("link").First().Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/contacts/`+brunoPhone+`$`)))
	for field, want := range map[string]string{"nome": "Bruno Souza", "cidade": "São Paulo", "plano": "ouro"} {
		must(t, expect.Locator(page.Locator(`[data-field="`+field+`"]`)).ToHaveText(want))
	}
	sources := page.Locator("ul.sources li")
	must(t, expect.Locator(sources).ToHaveCount(2))
	must(t, expect.Locator(sources).ToContainText([]string{"Lista “Loja Centro” (arquivo loja.csv)", "Lista “Clube VIP” (arquivo clube.csv)"}))
	must(t, expect.Locator(page.Locator("#changes-h")).ToBeVisible()) // "Bruno" was replaced, and kept
	must(t, expect.Locator(page.Locator("[data-consent=basis]")).ToHaveText("Consentimento"))
	topShot(t, page, "contact")

	// A segment by DDD and field, counted as it is edited.
	goTo(t, page, s.URL+"/contacts/segments/new")
	fill(t, page, "Nome do segmento", "SP ouro")
	must(t, page.Locator("#rule-0-values").Fill("11"))
	must(t, expect.Locator(page.Locator("[data-segment-count]")).ToHaveAttribute("data-segment-count", "3"))
	click(t, page, "button", "+ Adicionar regra")
	must(t, expect.Locator(page.Locator("#rule-1-field")).ToBeVisible())
	_, err := page.Locator("#rule-1-field").SelectOption(playwright.SelectOptionValues{Values: &[]string{"plano"}})
	must(t, err)
	must(t, page.Locator("#rule-1-values").Fill("Ouro"))
	must(t, expect.Locator(page.Locator("[data-segment-count]")).ToHaveAttribute("data-segment-count", "2"))
	must(t, expect.Locator(page.Locator("#segment-count strong")).ToHaveText("2 contatos"))
	topShot(t, page, "segment-editor")
	click(t, page, "button", "Salvar segmento")
	must(t, expect.Locator(page.GetByText("Segmento “SP ouro” salvo.")).ToBeVisible())

	// A campaign to it: both are sent to.
	newSMSCampaign(t, page, s, "Ofertas ouro")
	first := campaignID(t, page)
	click(t, page, "link", "Escolher lista")
	_, err = page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Segmento: SP ouro"}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	must(t, expect.Locator(page.GetByText("Segmento “SP ouro” escolhido. Contatos agora: 2.")).ToBeVisible())
	writeAndSend(t, page, "{{nome}}, clientes ouro têm frete grátis nesta semana!")
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("2"))

	// A second campaign the same day, to the club: Ana and Bruno already
	// had their message, only Davi gets one, and the report says why.
	newSMSCampaign(t, page, s, "Clube no mesmo dia")
	second := campaignID(t, page)
	chooseListAndWrite(t, page, "Clube VIP — 3 contatos válidos", "{{nome}}, o clube tem novidades para você hoje!")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Destinatários que já chegaram ao limite e não vão receber: 2. Regra: no máximo 1 mensagem por número a cada 1 dia (SMS).")).ToBeVisible())
	topShot(t, page, "campaign-review-capped")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("1"))
	must(t, expect.Locator(figure(page, "capped")).ToHaveText("2"))
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", s.URL, second))
	capReason := page.Locator(`li[data-reason="capped"]`)
	must(t, expect.Locator(capReason.Locator(`[data-figure="reason"]`)).ToHaveText("2"))
	must(t, expect.Locator(capReason.Locator(".failure-reason")).ToHaveText("Limite de frequência"))
	must(t, expect.Locator(capReason.Locator(".failure-meaning")).ToHaveText("Já tinham recebido o máximo da regra: no máximo 1 mensagem por número a cada 1 dia (SMS)."))
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report?outcome=capped#recipients", s.URL, second))
	capped := page.Locator("#recipients tbody tr")
	must(t, expect.Locator(capped).ToHaveCount(2))
	must(t, expect.Locator(capped.Locator("[data-cap-reason]")).ToHaveText([]string{
		"no máximo 1 mensagem por número a cada 1 dia (SMS)", "no máximo 1 mensagem por número a cada 1 dia (SMS)"}))
	topShot(t, page, "report-capped")

	// Ana answered the first campaign.
	deadline := time.Now().Add(30 * time.Second)
	for {
		goTo(t, page, s.URL+"/inbox")
		if n, _ := page.Locator(`li.reply[data-reply="` + anaPhone + `"]`).Count(); n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Ana's reply did not reach the inbox; log:\n%s", s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
	if !exportHas(t, page, fmt.Sprintf("%s/campaigns/%d/report/export.csv", s.URL, first), anaPhone) {
		t.Fatalf("the first campaign's export does not hold Ana's number before the erasure")
	}

	// Ana asks to be forgotten. An unknown number is said to be unknown.
	goTo(t, page, s.URL+"/contacts/privacy")
	fill(t, page, "Número a apagar", "+55 31 99999-0000")
	must(t, page.GetByLabel("Entendo que não dá para desfazer").Check())
	click(t, page, "button", "Apagar número")
	must(t, expect.Locator(page.Locator("[data-privacy-error]")).ToContainText("Nada encontrado sobre"))
	fill(t, page, "Número a apagar", "(11) 97777-1001")
	must(t, page.GetByLabel("Entendo que não dá para desfazer").Check())
	click(t, page, "button", "Apagar número")
	must(t, expect.Locator(page.Locator("[data-privacy-done]")).ToContainText("apagado"))
	must(t, expect.Locator(page.Locator("tr[data-audit=erase]")).ToHaveCount(2))
	topShot(t, page, "privacy-erased")
	// The general audit log has it too, without the number.
	goTo(t, page, s.URL+"/audit")
	must(t, expect.Locator(page.Locator("table").GetByText("Apagou dados de um titular")).ToHaveCount(1))
	if body, _ := page.Locator("main").TextContent(); strings.Contains(body, "97777-1001") || strings.Contains(body, anaPhone) {
		t.Errorf("the audit log names the erased number")
	}

	// Gone from the contacts, the inbox and the exports.
	goTo(t, page, s.URL+"/contacts?q="+anaPhone)
	must(t, expect.Locator(page.Locator("tr[data-contact]")).ToHaveCount(0))
	goTo(t, page, s.URL+"/contacts")
	must(t, expect.Locator(page.Locator("[data-contacts-total]")).ToContainText("3"))
	if resp := s.get(t, "/contacts/"+anaPhone); resp.StatusCode == 200 {
		t.Errorf("Ana's contact page answered 200 without a session")
	}
	goTo(t, page, s.URL+"/inbox")
	must(t, expect.Locator(page.Locator(`li.reply[data-reply="`+anaPhone+`"]`)).ToHaveCount(0))
	for _, id := range []int64{first, second} {
		for _, kind := range []string{"csv", "xlsx"} {
			if exportHas(t, page, fmt.Sprintf("%s/campaigns/%d/report/export.%s", s.URL, id, kind), anaPhone) {
				t.Errorf("campaign %d's %s export still holds the erased number", id, kind)
			}
		}
	}

	// The next campaign skips her even when a list brings her back: the
	// import flags her as blocked and she gets nothing.
	importList(t, page, s, store, "Loja Centro de novo", "4")
	must(t, expect.Locator(stat(page, "suppressed")).ToHaveText("1"))
	newSMSCampaign(t, page, s, "Depois do pedido")
	third := campaignID(t, page)
	chooseListAndWrite(t, page, "Loja Centro de novo — 4 contatos válidos", "{{nome}}, chegou a coleção nova na Loja Centro!")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText("1")) // Carla
	must(t, expect.Locator(figure(page, "capped")).ToHaveText("2"))    // Bruno and Davi
	must(t, expect.Locator(figure(page, "suppressed")).ToHaveText("1"))
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report?outcome=suppressed#recipients", s.URL, third))
	skipped := page.Locator("#recipients tbody tr")
	must(t, expect.Locator(skipped).ToHaveCount(1))
	must(t, expect.Locator(skipped).ToContainText("97777-1001"))
	goTo(t, page, s.URL+"/contacts?q="+anaPhone)
	must(t, expect.Locator(page.Locator("tr[data-contact]")).ToHaveCount(0))
}

// campaignID reads the campaign's id from the page's address.
func campaignID(t *testing.T, page playwright.Page) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(page.URL()[strings.LastIndex(page.URL(), "/campaigns/"):], "/campaigns/%d", &id); err != nil {
		t.Fatalf("no campaign id in %s", page.URL())
	}
	return id
}

// writeAndSend writes the message, keeps "send now" and confirms, then
// waits for the campaign to complete.
func writeAndSend(t *testing.T, page playwright.Page, body string) {
	t.Helper()
	click(t, page, "link", "Escrever mensagem")
	must(t, page.GetByLabel("Texto do SMS").Fill(body))
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
}

// exportHas downloads an export with the page's session and says whether
// it holds the number, as digits or written for people.
func exportHas(t *testing.T, page playwright.Page, url, phone string) bool {
	t.Helper()
	resp, err := page.Request().Get(url)
	must(t, err)
	if resp.Status() != 200 {
		t.Fatalf("GET %s: status %d", url, resp.Status())
	}
	body, err := resp.Body()
	must(t, err)
	text := string(body)
	if strings.HasSuffix(url, ".xlsx") {
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s is not a workbook: %v", url, err)
		}
		defer f.Close()
		var b strings.Builder
		for _, sh := range f.GetSheetList() {
			rows, err := f.GetRows(sh)
			must(t, err)
			for _, r := range rows {
				b.WriteString(strings.Join(r, "|") + "\n")
			}
		}
		text = b.String()
	}
	pretty := "+" + phone[:2] + " " + phone[2:4] + " " + phone[4:9] + "-" + phone[9:]
	return strings.Contains(text, phone) || strings.Contains(text, pretty)
}
