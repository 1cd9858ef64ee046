package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
)

// sequentialCSV writes n recipients with plain sequential mobile numbers
// (never the sandbox's magic block, so no fate is forced).
func sequentialCSV(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("nome;telefone\n")
	for i := range n {
		fmt.Fprintf(&b, "Cliente %d;55119%08d\n", i, i)
	}
	path := filepath.Join(t.TempDir(), "base.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// sandboxCall calls a control endpoint of the console's built-in sandbox.
func sandboxCall(t *testing.T, s *server, method, path string, body any, out any) {
	t.Helper()
	base, token := s.builtinSandbox(t)
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("UserName", "sandbox")
	req.Header.Set("AuthenticationToken", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: HTTP %d", method, path, resp.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCampaignPausesOnNoCreditAndResumes: the account runs out of credit
// in the middle of a campaign. Wavy takes the messages and reports them
// NO_CREDIT (201) a moment later; the campaign pauses by itself with a
// banner that says why and what to do, and the rest waits in the queue.
// Once the account has credit again the person resumes, and the campaign
// completes with every recipient sent exactly once.
func TestCampaignPausesOnNoCreditAndResumes(t *testing.T) {
	const n, credit = 6000, 1500
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword,
		"ARAUTO_SANDBOX_DELAY_SCALE=0", fmt.Sprintf("ARAUTO_SANDBOX_NO_CREDIT_AFTER=%d", credit))
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	importList(t, page, s, sequentialCSV(t, n), "Base", thousands(n))

	newSMSCampaign(t, page, s, "Liquidação de inverno")
	chooseListAndWrite(t, page, fmt.Sprintf("Base — %s contatos válidos", thousands(n)), "{{nome}}, liquidação de inverno: tudo pela metade até domingo!")
	click(t, page, "button", "Salvar mensagem")
	click(t, page, "link", "Definir agendamento")
	click(t, page, "button", "Salvar agendamento")
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.GetByText("Tudo certo: a campanha pode ser enviada.")).ToBeVisible())
	click(t, page, "button", "Confirmar e enviar agora")

	// The page follows the campaign into the pause, without a reload.
	wait := playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(30000)}
	must(t, expect.Locator(stateBadge(page, "paused")).ToBeVisible(wait))
	banner := page.Locator(`[data-account-limit="201"]`)
	must(t, expect.Locator(banner).ToBeVisible())
	must(t, expect.Locator(banner).ToContainText("a conta Wavy ficou sem crédito"))
	must(t, expect.Locator(banner).ToContainText("compre crédito com a Wavy"))
	must(t, expect.Locator(banner).ToContainText("continuam na fila"))
	must(t, expect.Locator(page.GetByRole("button", playwright.PageGetByRoleOptions{Name: "Retomar"})).ToBeVisible())
	// Every message refused for credit comes back to the queue, as the
	// statuses are applied.
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText(thousands(n-credit)))
	topShot(t, page, "campaign-no-credit")
	must(t, page.SetViewportSize(390, 844))
	topShot(t, page, "campaign-no-credit-390")
	must(t, page.SetViewportSize(1280, 860))

	// Nothing more goes out while paused.
	var before, after struct{ Accepted int64 }
	sandboxCall(t, s, "GET", "/_sandbox/ledger", nil, &before)
	time.Sleep(time.Second)
	sandboxCall(t, s, "GET", "/_sandbox/ledger", nil, &after)
	if after.Accepted != before.Accepted {
		t.Errorf("the provider took %d more messages while the campaign was paused", after.Accepted-before.Accepted)
	}

	// The account gets credit again; the person resumes.
	sandboxCall(t, s, "PUT", "/_sandbox/credit", map[string]int64{"noCreditAfter": 0}, nil)
	click(t, page, "button", "Retomar")
	must(t, expect.Locator(page.GetByText("Campanha retomada")).ToBeVisible())
	must(t, expect.Locator(stateBadge(page, "completed")).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	must(t, expect.Locator(figure(page, "submitted")).ToHaveText(thousands(n)))
	must(t, expect.Locator(progressStat(page, "remaining")).ToHaveText("0"))
	topShot(t, page, "campaign-no-credit-resumed")

	// The provider's ledger: every recipient sent once, besides the
	// attempts it refused for credit (each of them sent again once).
	var l struct {
		Accepted, DuplicateCorrelationIDs int64
		SentStatus                        map[string]int64
	}
	sandboxCall(t, s, "GET", "/_sandbox/ledger", nil, &l)
	refused := l.SentStatus["NO_CREDIT"]
	if refused < n-credit || l.Accepted-refused != n || l.DuplicateCorrelationIDs != refused {
		t.Errorf("ledger: %d accepted, %d refused for credit, %d repeated correlationIds; want %d sent once plus each refused one again",
			l.Accepted, refused, l.DuplicateCorrelationIDs, n)
	}
	t.Logf("%d recipients, credit for %d: %d refused for credit, queued again and sent after the resume", n, credit, refused)
}
