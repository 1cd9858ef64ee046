package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/store"
)

// seedBlockedCampaign adds a campaign of n SMS recipients starting at
// start, whose first six numbers are the sandbox's magic numbers that the
// carrier refuses as BLACKLISTED (203), one per DDD.
func seedBlockedCampaign(t *testing.T, dir string, n int, start time.Time) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: "Base comprada", FileName: "base.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var rs []recipient.Recipient
	for i, ddd := range []int{11, 21, 31, 41, 51, 61} {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55%d977770203", ddd), Fields: []string{"Bloqueado"}})
	}
	for i := len(rs); i < n; i++ {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55319%08d", i), Fields: []string{fmt.Sprint("Cliente ", i)}})
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 9101, Name: "Oferta relâmpago", Alias: "relampago", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, a oferta relâmpago começou!", State: campaign.Scheduled, ScheduledAt: start}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// TestCircuitBreakerPausesACampaign has an admin set the circuit breaker
// in Settings (5 blocked numbers within the first 100 messages) before a
// campaign to a list whose first numbers the carrier refuses starts: the
// campaign pauses itself while sending, its page says which signal and how
// many, and once resumed it is not paused again and completes.
func TestCircuitBreakerPausesACampaign(t *testing.T) {
	const n = 3000
	dir := t.TempDir()
	id := seedBlockedCampaign(t, dir, n, time.Now().Add(12*time.Second))
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_SEND_MESSAGES_PER_SECOND=200", // the first 1,000 at once, then 1,000 every 5 s
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)

	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
	signIn(t, page, s, adminEmail, adminPassword)

	goTo(t, page, s.URL+"/settings#breaker")
	card := page.Locator("#breaker")
	must(t, expect.Locator(card.GetByLabel("Primeiras mensagens observadas")).ToHaveValue("1000"))
	fill(t, page, "Primeiras mensagens observadas", "0")
	click(t, page, "button", "Salvar disjuntor")
	must(t, expect.Locator(page.Locator("#breaker .field-error")).ToHaveText("Use um número inteiro de 1 a 100000."))
	fill(t, page, "Primeiras mensagens observadas", "100")
	fill(t, page, "Números recusados pela operadora", "5")
	must(t, card.GetByLabel("Frases de reclamação").Fill("Procon\nvou processar"))
	click(t, page, "button", "Salvar disjuntor")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("Disjuntor salvo"))
	must(t, expect.Locator(card.GetByLabel("Números recusados pela operadora")).ToHaveValue("5"))
	must(t, expect.Locator(card.GetByLabel("Frases de reclamação")).ToHaveValue("Procon\nvou processar"))
	if _, err := card.Screenshot(playwright.LocatorScreenshotOptions{Path: playwright.String(filepath.Join(shotDir, "settings-breaker.png"))}); err != nil {
		t.Logf("screenshot: %v", err)
	}

	// The campaign starts, meets the blocked numbers and pauses itself.
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", s.URL, id))
	banner := page.Locator(".breaker-banner")
	must(t, expect.Locator(banner).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60_000)}))
	must(t, expect.Locator(banner).ToHaveAttribute("data-breaker", "blocked"))
	must(t, expect.Locator(banner).ToContainText("nas primeiras 100 mensagens; o limite é 5."))
	must(t, expect.Locator(page.Locator("[data-campaign-state]")).ToHaveAttribute("data-campaign-state", "paused"))
	topShot(t, page, "campaign-breaker")
	counts, state := campaignCounts(t, dir, id)
	if state != campaign.Paused || counts["queued"] == 0 {
		t.Fatalf("after the trip got %s with %v, want paused with messages still queued", state, counts)
	}

	// Resumed, it goes to the end.
	click(t, page, "button", "Retomar")
	deadline := time.Now().Add(90 * time.Second)
	for {
		counts, state = campaignCounts(t, dir, id)
		if state == campaign.Completed {
			break
		}
		if state == campaign.Paused || time.Now().After(deadline) {
			t.Fatalf("after resuming got %s with %v, want it to complete; log:\n%s", state, counts, s.Log())
		}
		time.Sleep(300 * time.Millisecond)
	}
}
