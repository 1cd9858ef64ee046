package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/store"
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
	// Every confirmation happens in the page; a browser dialog is a bug.
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
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
	must(t, page.GetByLabel("Só quem pediu para sair").Check())
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

	// The next campaign to the same list skips that number.
	next := seedNextCampaign(t, dir, id)
	deadline = time.Now().Add(60 * time.Second)
	for {
		counts, state := campaignCounts(t, dir, next)
		if state == campaign.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("second campaign did not complete: %v (%s)", counts, state)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if got := messageState(t, dir, next, phone); got != "suppressed" {
		t.Errorf("the opted-out number's message in the next campaign got state %q, want suppressed", got)
	}

	// Adding by hand: a bad number says why; a good one is listed.
	goTo(t, page, s.URL+"/suppression")
	fill(t, page, "Número", "12345")
	click(t, page, "button", "Bloquear")
	must(t, expect.Locator(page.Locator("#phone-error")).ToContainText("não é um celular válido"))
	shot(t, page, "suppression-invalid")
	fill(t, page, "Número", "(11) 98765-4321")
	fill(t, page, "Observação", "Pediu por telefone")
	click(t, page, "button", "Bloquear")
	must(t, expect.Locator(page.Locator(".flash-success")).ToContainText("+55 11 98765-4321 entrou na lista de bloqueio"))
	manual := page.Locator(`#suppressions tr[data-phone="5511987654321"]`)
	must(t, expect.Locator(manual).ToContainText("Adicionado à mão"))
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
		!strings.Contains(csv, "5511987654321,Adicionado à mão,Pediu por telefone") {
		t.Errorf("export lacks the header, the opt-out or the manual number:\n%.600s", csv)
	}

	// Removing asks first, in place: going back keeps the number; saying
	// yes takes it off.
	ask := manual.Locator("summary", playwright.LocatorLocatorOptions{HasText: "Tirar da lista"})
	must(t, ask.Click())
	must(t, expect.Locator(manual.GetByText("Tirar +55 11 98765-4321 da lista de bloqueio? Ele voltará a receber campanhas.")).ToBeVisible())
	must(t, manual.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Não, voltar"}).Click())
	must(t, expect.Locator(manual.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Sim, tirar da lista"})).ToBeHidden())
	must(t, ask.Click())
	topShot(t, page, "suppression-remove-confirm")
	must(t, manual.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Sim, tirar da lista"}).Click())
	must(t, expect.Locator(page.Locator(".flash-success")).ToContainText("saiu da lista de bloqueio"))
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

// seedNextCampaign schedules another campaign to the list of campaign
// prev, starting now, into the running console's database.
func seedNextCampaign(t *testing.T, dir string, prev int64) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.CampaignByID(ctx, prev)
	if err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: p.RemoteID + 1, Name: "Segunda chamada", Alias: "segunda-chamada", Channel: campaign.SMS, ListID: p.ListID,
		Message: "Oi {{nome}}, última chance!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// messageState reads the state of a campaign's message to a number.
func messageState(t *testing.T, dir string, campaignID int64, phone string) string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var state string
	if err := db.QueryRow("SELECT state FROM messages WHERE campaign_id = ? AND phone = ?", campaignID, phone).Scan(&state); err != nil {
		t.Fatalf("message of campaign %d to %s: %v", campaignID, phone, err)
	}
	return state
}
