package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/store"
)

// seedDraft adds a draft SMS campaign with a list of three and a message,
// never scheduled.
func seedDraft(t *testing.T, dir string) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: "Clientes VIP", FileName: "vip.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	rs := []recipient.Recipient{
		{Row: 2, Phone: "5511990000001", Fields: []string{"Maria", "10%"}},
		{Row: 3, Phone: "5521990000002", Fields: []string{"João", "15%"}},
		{Row: 4, Phone: "5531990000003", Fields: []string{"Ana", "20%"}},
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: 3, Valid: 3, Columns: []string{"nome", "desconto"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 9201, Name: "Clube VIP", Alias: "clube-vip", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, seu desconto de {{desconto}} vale até domingo!", State: campaign.Draft}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestTestSendReachesTheSandboxAndNotTheReport saves two test numbers on
// a draft's page, sends the message rendered for its second contact, and
// finds it at the built-in sandbox (status search by the test's
// correlationId) with that contact's text — while the campaign has sent
// nothing: no counter moved, it can still be deleted, its report is empty.
func TestTestSendReachesTheSandboxAndNotTheReport(t *testing.T) {
	dir := t.TempDir()
	id := seedDraft(t, dir)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	s.DataDir = dir

	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", s.URL, id))

	card := page.Locator("#test-send")
	must(t, expect.Locator(card.GetByRole("button", playwright.LocatorGetByRoleOptions{Name: "Enviar teste", Exact: playwright.Bool(true)})).ToBeDisabled())
	// A landline is refused with its reason; nothing is saved.
	must(t, card.GetByLabel("Seus números de teste (até 5)").Fill("(11) 3333-4444"))
	click(t, page, "button", "Salvar números")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("“(11) 3333-4444” não é um celular válido"))
	must(t, card.GetByLabel("Seus números de teste (até 5)").Fill("(11) 98888-7777\n21 97777-6666"))
	click(t, page, "button", "Salvar números")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("2 números de teste salvos."))

	if _, err := card.GetByLabel("Mensagem de qual contato").SelectOption(playwright.SelectOptionValues{Labels: &[]string{"Linha 3 · +55 21 99000-0002 · João"}}); err != nil {
		t.Fatal(err)
	}
	click(t, page, "button", "Enviar teste para 2 números")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("Teste aceito pela Wavy para 2 números."))
	rows := card.Locator("tr[data-test-send]")
	must(t, expect.Locator(rows).ToHaveCount(2))
	must(t, expect.Locator(card.Locator(`tr[data-test-send="accepted"]`)).ToHaveCount(2))
	must(t, expect.Locator(rows.First()).ToContainText("Oi João, seu desconto de 15% vale até domingo!"))
	must(t, expect.Locator(card.Locator("[data-test-billed]")).ToContainText("2 segmentos SMS cobrados pelos testes"))
	if err := card.ScrollIntoViewIfNeeded(); err != nil {
		t.Log(err)
	}
	if _, err := card.Screenshot(playwright.LocatorScreenshotOptions{Path: playwright.String(filepath.Join(shotDir, "campaign-test-send.png"))}); err != nil {
		t.Logf("screenshot: %v", err)
	}

	// The sandbox has both, under correlationIds that name no campaign.
	var found []struct {
		CorrelationID string `json:"correlationId"`
		Destination   string `json:"destination"`
	}
	body := sandboxAPI(t, s, "POST", "/v1/sms/status/search", `{"correlationIds":["a0-1","a0-2"]}`)
	if err := json.Unmarshal(body, &found); err != nil {
		t.Fatalf("status search answer %s: %v", body, err)
	}
	got := map[string]string{}
	for _, f := range found {
		got[f.CorrelationID] = f.Destination
	}
	if got["a0-1"] != "5511988887777" || got["a0-2"] != "5521977776666" {
		t.Errorf("sandbox has %v, want a0-1 to 5511988887777 and a0-2 to 5521977776666", got)
	}

	// Not in the campaign: nothing counted, still a draft that sent nothing.
	counts, state := campaignCounts(t, dir, id)
	if len(counts) != 0 || state != campaign.Draft {
		t.Errorf("campaign got counters %v, state %s; want none and draft", counts, state)
	}
	must(t, expect.Locator(page.Locator("summary", playwright.PageLocatorOptions{HasText: "Excluir"})).ToBeVisible())
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", s.URL, id))
	must(t, expect.Locator(page.Locator("main")).Not().ToContainText("João"))
}
