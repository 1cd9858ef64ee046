package e2e

import (
	"bufio"
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

// watchNumbers records, in the page, every value the elements matching
// selector show (text, or the attribute when given), and marks the
// document so a full reload would be noticed. It survives htmx swaps: the
// observer watches the whole body.
func watchNumbers(t *testing.T, page playwright.Page, selector, attribute string) {
	t.Helper()
	_, err := page.Evaluate(`([sel, attr]) => {
		window.__noReload = true;
		window.__seen = [];
		const look = () => {
			const el = document.querySelector(sel);
			if (!el) return;
			const v = ((attr ? el.getAttribute(attr) : el.textContent) || "").trim();
			if (v !== "" && window.__seen[window.__seen.length - 1] !== v) window.__seen.push(v);
		};
		look();
		new MutationObserver(look).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
	}`, []string{selector, attribute})
	must(t, err)
}

// seenNumbers returns the values watchNumbers recorded, as numbers, and
// whether the page was reloaded meanwhile.
func seenNumbers(t *testing.T, page playwright.Page) (values []int, reloaded bool) {
	t.Helper()
	v, err := page.Evaluate(`() => ({seen: window.__seen || [], same: window.__noReload === true})`)
	must(t, err)
	m := v.(map[string]any)
	for _, s := range m["seen"].([]any) {
		n, err := strconv.Atoi(strings.ReplaceAll(s.(string), ".", ""))
		if err == nil {
			values = append(values, n)
		}
	}
	return values, m["same"] != true
}

// waitSeen waits until the recorded values satisfy ok, or d passes.
func waitSeen(t *testing.T, page playwright.Page, d time.Duration, ok func([]int) bool) []int {
	t.Helper()
	var vs []int
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		if vs, _ = seenNumbers(t, page); ok(vs) {
			return vs
		}
	}
	return vs
}

// rising reports whether vs holds at least n distinct values, each above
// the one before.
func rising(vs []int, n int) bool {
	if len(vs) < n {
		return false
	}
	for i := 1; i < len(vs); i++ {
		if vs[i] <= vs[i-1] {
			return false
		}
	}
	return true
}

// TestLiveNumbersMoveWithoutReload: with the sandbox's realistic delays (a
// status arrives 1 to 10 seconds after sending, a delivery report up to a
// minute and a half later) and a dispatcher paced at 200 messages a
// second, a person watching never reloads: the import progress bar of a
// large list moves, the campaign page's "sent to Wavy" climbs batch by
// batch, and the report's "delivered" climbs as the reports arrive.
func TestLiveNumbersMoveWithoutReload(t *testing.T) {
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword,
		"ARAUTO_SANDBOX_DELAY_SCALE=1", "ARAUTO_SEND_MESSAGES_PER_SECOND=200")
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)

	// A list big enough for the bar to be seen moving.
	big := filepath.Join(t.TempDir(), "grande.csv")
	if err := recipienttest.GenerateCSV(big, 600_000, 21); err != nil {
		t.Fatal(err)
	}
	uploadFile(t, page, s, big, "Base grande")
	click(t, page, "button", "Importar contatos")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/lists/\d+$`)))
	watchNumbers(t, page, `#list-main [role="progressbar"]`, "aria-valuenow")
	must(t, expect.Locator(stat(page, "total")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(120000)}))
	bar, reloaded := seenNumbers(t, page)
	var moving []int
	for _, v := range bar {
		if v > 0 && v < 100 {
			moving = append(moving, v)
		}
	}
	t.Logf("import bar showed %v", bar)
	if !rising(moving, 2) || reloaded {
		t.Errorf("the import bar got %v (reloaded %v), want it seen at two places between 0 and 100 without a reload", bar, reloaded)
	}

	// A campaign of 3,000: the dispatcher sends 1,000 now and 1,000 every
	// five seconds.
	small := filepath.Join(t.TempDir(), "clientes.csv")
	if err := recipienttest.GenerateCSV(small, 3000, 22); err != nil {
		t.Fatal(err)
	}
	uploadFile(t, page, s, small, "Três mil")
	click(t, page, "button", "Importar contatos")
	// The counts move while the import runs: read them once it is done.
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Resultado da importação"})).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	valid := statInt(t, stat(page, "valid"))
	newSMSCampaign(t, page, s, "Ao vivo")
	chooseListAndWrite(t, page, fmt.Sprintf("Três mil — %s contatos válidos", thousands(valid)), "Oi {{nome}}, a promoção de fim de ano começou!")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(page.GetByText("o envio começa agora")).ToBeVisible())
	campaignURL := page.URL()
	watchNumbers(t, page, `#send-progress [data-figure="submitted"]`, "")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	vs, reloaded := seenNumbers(t, page)
	t.Logf("campaign page: sent to Wavy showed %v of %d", vs, valid)
	if !rising(vs, 3) || vs[len(vs)-1] != valid || reloaded {
		t.Errorf("the campaign page's sent figure got %v (reloaded %v), want it climbing to %d in at least three steps without a reload", vs, reloaded, valid)
	}
	topShot(t, page, "live-campaign-progress")

	// The report, opened while delivery reports arrive.
	goTo(t, page, strings.TrimSuffix(campaignURL, "/")+"/report")
	must(t, expect.Locator(page.Locator(".live-dot")).ToBeVisible())
	watchNumbers(t, page, `.kpis [data-figure="delivered"]`, "")
	delivered := waitSeen(t, page, 60*time.Second, func(vs []int) bool { return rising(vs, 3) })
	t.Logf("report: delivered showed %v", delivered)
	if vs, reloaded := seenNumbers(t, page); !rising(vs, 3) || reloaded {
		t.Errorf("the report's delivered figure got %v (reloaded %v), want it seen at three rising values without a reload", vs, reloaded)
	}
	shot(t, page, "live-report")
}

// sixCSV is the six recipients on magic sandbox numbers, whose
// fates are chosen: four delivered, one sent without a receipt, Ana's
// refused by the carrier. Five names make the message two segments.
const sixCSV = "nome;telefone\n" +
	"Maria Aparecida Souza;5511977770004\n" +
	"Bernardo Luiz Alves;5521977770004\n" +
	"Joaquim Pereira Lima;5531977770004\n" +
	"Francisca Oliveira;5541977770004\n" +
	"Sebastião Rodrigues;5551977770002\n" +
	"Ana;5561977770103\n"

// figureText reads a figure of the page.
func figureText(t *testing.T, page playwright.Page, scope, attr string) string {
	t.Helper()
	s, err := page.Locator(scope + " [" + attr + "]").First().TextContent()
	must(t, err)
	return strings.TrimSpace(s)
}

// TestSameFiguresOnEveryPage: an admin sets the price per SMS in
// Settings, a marketer's campaign starts from a saved template picked in
// the composer, and once it is sent the dashboard, the campaign page, the
// report and the CSV export show the same figures, each percentage over
// its denominator, with the money in reais; the pre-flight priced it
// before.
func TestSameFiguresOnEveryPage(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)

	goTo(t, page, s.URL+"/settings")
	fill(t, page, "Preço por SMS cobrado", "0,045")
	click(t, page, "button", "Salvar cobrança")
	must(t, expect.Locator(page.GetByText("Regra de contagem e preços salvos.")).ToBeVisible())
	must(t, expect.Locator(page.GetByLabel("Preço por SMS cobrado")).ToHaveValue("0,045"))

	path := filepath.Join(t.TempDir(), "seis.csv")
	writeFile(t, path, sixCSV)
	importList(t, page, s, path, "Seis", "6")

	// A saved template, then picked in the campaign's composer.
	goTo(t, page, s.URL+"/templates/new")
	fill(t, page, "Nome do modelo", "Fatura de dezembro")
	must(t, page.GetByLabel("Texto da mensagem").Fill("Olá {{nome}}, sua fatura de dezembro já está disponível no app."))
	click(t, page, "button", "Salvar modelo")
	must(t, expect.Locator(page.GetByText("Modelo Fatura de dezembro salvo.")).ToBeVisible())

	newSMSCampaign(t, page, s, "Fatura de dezembro")
	click(t, page, "link", "Escolher lista")
	_, err := page.GetByLabel("Lista de destinatários").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Seis — 6 contatos válidos"}})
	must(t, err)
	click(t, page, "button", "Usar esta lista")
	click(t, page, "link", "Escrever mensagem")
	_, err = page.GetByLabel("Começar de um modelo").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Fatura de dezembro"}})
	must(t, err)
	click(t, page, "button", "Usar este modelo")
	box := page.GetByLabel("Texto do SMS")
	must(t, expect.Locator(box).ToHaveValue("Olá {{nome}}, sua fatura de dezembro já está disponível no app."))
	// Counted for every recipient: the longest takes 2 segments, 11 in all.
	must(t, expect.Locator(page.Locator(`[data-cost="billed"]`)).ToHaveText("11"))
	must(t, expect.Locator(meter(page, "segments")).ToHaveText("2"))
	must(t, expect.Locator(page.Locator(`#composer-phone [data-phone="count"]`)).ToHaveText("2 segmentos · UCS-2"))
	must(t, expect.Locator(page.Locator(`[data-cost="money"]`)).ToHaveText("R$ 0,50"))
	// This account has no accents enabled by Wavy: the composer says so.
	must(t, expect.Locator(page.Locator(`[data-meter="accents-off"]`)).ToBeVisible())
	topShot(t, page, "figures-composer-template")
	click(t, page, "button", "Salvar mensagem")
	must(t, expect.Locator(page.GetByText("Mensagem salva.")).ToBeVisible())
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")

	// The pre-flight prices it in reais.
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.Locator("[data-review=segments]")).ToHaveText("11"))
	must(t, expect.Locator(page.Locator("[data-review=money]")).ToHaveText("R$ 0,50"))
	topShot(t, page, "figures-review")
	click(t, page, "button", "Confirmar e enviar agora")
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}))
	campaignURL := page.URL()

	// Every delivery report in: 4 delivered, Ana's refusal counted.
	goTo(t, page, campaignURL+"/report")
	must(t, expect.Locator(page.Locator(`.kpis [data-figure="delivered"]`)).ToHaveText("4", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}))
	must(t, expect.Locator(page.Locator(`.kpis [data-figure="failed"]`)).ToHaveText("1", playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(30000)}))

	want := map[string]string{
		`data-figure="submitted"`:       "6",
		`data-figure="delivered"`:       "4",
		`data-figure-share="delivered"`: "66,7% de 6 enviadas",
		`data-figure="failed"`:          "1",
		`data-figure-share="failed"`:    "16,7% de 6 destinatários",
		`data-figure="billed"`:          "10",
		`data-figure="cost"`:            "R$ 0,45",
	}
	for _, p := range []struct{ name, url, scope string }{
		{"report", campaignURL + "/report", ".kpis"},
		{"campaign page", campaignURL, "#send-progress"},
		{"dashboard", s.URL + "/", ".dash-recent"},
	} {
		goTo(t, page, p.url)
		for a, w := range want {
			if got := figureText(t, page, p.scope, a); got != w {
				t.Errorf("%s: %s got %q, want %q", p.name, a, got, w)
			}
		}
		topShot(t, page, "figures-"+strings.ReplaceAll(p.name, " ", "-"))
	}
	goTo(t, page, campaignURL+"/report")
	must(t, expect.Locator(page.Locator(`[data-reason="103"]`)).ToContainText("16,7% de 6 destinatários"))

	// The export adds up to the same.
	resp, err := page.Request().Get(campaignURL + "/report/export.csv")
	must(t, err)
	body, err := resp.Body()
	must(t, err)
	sc := bufio.NewScanner(strings.NewReader(strings.TrimPrefix(string(body), "\ufeff")))
	var head []string
	delivered, failed, billed := 0, 0, 0
	for sc.Scan() {
		f := strings.Split(sc.Text(), ";")
		if head == nil {
			head = f
			continue
		}
		row := map[string]string{}
		for i, h := range head {
			if i < len(f) {
				row[h] = f[i]
			}
		}
		switch row["Situação"] {
		case "Entregue":
			delivered++
		case "Falhou":
			failed++
		}
		n, _ := strconv.Atoi(row["Segmentos cobrados"])
		billed += n
	}
	if delivered != 4 || failed != 1 || billed != 10 {
		t.Errorf("export adds up to %d delivered, %d failed, %d billed; want 4, 1, 10 as every page:\n%s", delivered, failed, billed, body)
	}
}

// TestSevenHundredEmojiRefusedAtPreflight: a field of 700 emoji makes a
// message of 1,400 characters as the provider counts them; the pre-flight
// refuses it, naming the limit, and the campaign cannot be confirmed
// (before, it passed and every message then failed).
func TestSevenHundredEmojiRefusedAtPreflight(t *testing.T) {
	s := sendServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	path := filepath.Join(t.TempDir(), "emoji.csv")
	writeFile(t, path, "nome;telefone\n"+strings.Repeat("😀", 700)+";11987654321\nAna;21998765432\n")
	importList(t, page, s, path, "Emoji", "2")
	newSMSCampaign(t, page, s, "Emoji demais")
	chooseListAndWrite(t, page, "Emoji — 2 contatos válidos", "{{nome}}")
	must(t, expect.Locator(meter(page, "chars")).ToHaveText("1.400"))
	must(t, expect.Locator(page.Locator(`#composer-cost [role="alert"]`)).ToContainText("Mensagens acima de 1280 caracteres"))
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.Locator(`[data-check="message"][data-status="fail"]`)).ToContainText("passariam de 1280 caracteres depois de preenchidas e seriam recusadas: 1"))
	must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Confirmar e enviar agora"})).ToBeDisabled())
	topShot(t, page, "preflight-700-emoji")
}
