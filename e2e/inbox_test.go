package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
)

// TestInboxRepliesAndSuppression sends a seeded campaign through the
// built-in sandbox, whose recipients reply (some with SAIR), and follows a
// reply from the Inbox to its conversation and onto the Suppression page;
// then adds, removes and exports numbers by hand.
func TestInboxRepliesAndSuppression(t *testing.T) {
	const n = 1000 // at the sandbox's 3% reply rate, a third opt-outs: replies certainly happen
	dir := t.TempDir()
	id := seedCampaign(t, dir, n)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	s.DataDir = dir

	deadline := time.Now().Add(60 * time.Second)
	for {
		counts, state := campaignCounts(t, dir, id)
		if state == campaign.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign did not complete: %v (%s)", counts, state)
		}
		time.Sleep(200 * time.Millisecond)
	}

	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { d.Accept() })
	signIn(t, page, s, adminEmail, adminPassword)

	// Replies arrive shortly after the delivery reports.
	replies := page.Locator("li.reply")
	deadline = time.Now().Add(30 * time.Second)
	for {
		goTo(t, page, s.URL+"/inbox")
		if c, _ := page.Locator("li.reply-optout").Count(); c > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no opt-out reply arrived; log:\n%s", s.Log())
		}
		time.Sleep(500 * time.Millisecond)
	}
	first := replies.First()
	must(t, expect.Locator(first.Locator("a.reply-campaign")).ToHaveText("Queima de estoque"))
	must(t, expect.Locator(first.Locator("a.reply-campaign")).ToHaveAttribute("href", fmt.Sprintf("/campaigns/%d", id)))
	topShot(t, page, "inbox")

	// Only opt-outs, filtered live.
	must(t, page.GetByLabel("Só descadastros").Check())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`optout=1`)))
	must(t, expect.Locator(page.Locator("li.reply:not(.reply-optout)")).ToHaveCount(0))
	optOut := page.Locator("li.reply-optout").First()
	phone, err := optOut.GetAttribute("data-reply")
	must(t, err)
	if phone == "" {
		t.Fatal("opt-out reply has no number")
	}
	topShot(t, page, "inbox-optouts")

	// Its conversation: what we sent, then the SAIR, chat style.
	must(t, optOut.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Ver conversa →"}).Click())
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/inbox/`+phone+`$`)))
	must(t, expect.Locator(page.Locator("[data-out] .bubble-text").First()).ToContainText("a queima de estoque começou!"))
	must(t, expect.Locator(page.Locator("[data-in]").Last()).ToContainText(regexp.MustCompile(`(?i)sair|parar`)))
	must(t, expect.Locator(page.Locator("[data-suppressed]")).ToContainText("Pediu para sair"))
	topShot(t, page, "inbox-conversation")

	// The number is on the Suppression page, reason opt-out.
	goTo(t, page, s.URL+"/suppression")
	must(t, page.GetByLabel("Buscar por número ou observação").Fill(phone))
	row := page.Locator(`#suppressions tr[data-phone="` + phone + `"]`)
	must(t, expect.Locator(row).ToContainText("Pediu para sair"))
	must(t, expect.Locator(page.Locator("#suppressions tbody tr")).ToHaveCount(1))

	// Adding by hand: a bad number says why; a good one is listed.
	goTo(t, page, s.URL+"/suppression")
	fill(t, page, "Número", "12345")
	click(t, page, "button", "Bloquear")
	must(t, expect.Locator(page.Locator("#phone-error")).ToContainText("não é um celular válido"))
	shot(t, page, "suppression-invalid")
	fill(t, page, "Número", "(11) 98765-4321")
	fill(t, page, "Observação", "Pediu por telefone")
	click(t, page, "button", "Bloquear")
	must(t, expect.Locator(page.Locator(".flash-success")).ToContainText("+55 11 98765-4321 bloqueado"))
	manual := page.Locator(`#suppressions tr[data-phone="5511987654321"]`)
	must(t, expect.Locator(manual).ToContainText("Manual"))
	topShot(t, page, "suppression")

	// The export has every number, the opt-out among them.
	dl, err := page.ExpectDownload(func() error {
		return page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "⇩ CSV"}).Click()
	})
	must(t, err)
	path := filepath.Join(t.TempDir(), "bloqueios.csv")
	must(t, dl.SaveAs(path))
	b, err := os.ReadFile(path)
	must(t, err)
	csv := string(b)
	if !strings.HasPrefix(csv, "\ufeffNúmero,Motivo,Observação,Desde") || !strings.Contains(csv, phone+",Pediu para sair,") ||
		!strings.Contains(csv, "5511987654321,Manual,Pediu por telefone") {
		t.Errorf("export lacks the header, the opt-out or the manual number:\n%.600s", csv)
	}

	// Removing asks first, then the number is gone.
	must(t, manual.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Remover +55 11 98765-4321 dos bloqueios"}).Click())
	must(t, expect.Locator(page.Locator(".flash-success")).ToContainText("removido dos bloqueios"))
	must(t, expect.Locator(manual).ToHaveCount(0))

	// The opt-out keywords and the polling switch live in Settings.
	goTo(t, page, s.URL+"/settings")
	must(t, expect.Locator(page.GetByLabel("Palavras-chave")).ToHaveValue("SAIR, PARAR, CANCELAR, DESCADASTRAR, STOP"))
	must(t, page.GetByLabel("Palavras-chave").Fill("SAIR, PARAR, STOP, QUERO SAIR"))
	click(t, page, "button", "Salvar palavras")
	must(t, expect.Locator(page.Locator(".flash-success")).ToContainText("Palavras de descadastro salvas."))
	must(t, expect.Locator(page.GetByLabel("Palavras-chave")).ToHaveValue("SAIR, PARAR, STOP, QUERO SAIR"))
	topShot(t, page, "settings-optout-polling")
}
