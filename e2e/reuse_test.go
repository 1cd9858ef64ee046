package e2e

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/store"
)

// TestDuplicateAndReuseNonResponders sends a campaign through the
// built-in sandbox (whose recipients reply now and then), duplicates it
// from its page into a new draft registered with the sandbox's Campaign
// API, carrying its message and list, and makes a list of the recipients
// who did not reply: as many as were sent minus those who replied, none
// of whom is in it.
func TestDuplicateAndReuseNonResponders(t *testing.T) {
	const n = 300
	dir := t.TempDir()
	id := seedCampaign(t, dir, n)
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Completed, then replies settle (they come shortly after the reports).
	deadline := time.Now().Add(60 * time.Second)
	for {
		_, state := campaignCounts(t, dir, id)
		if state == campaign.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign did not complete; log:\n%s", s.Log())
		}
		time.Sleep(200 * time.Millisecond)
	}
	replied, stable := -1, 0
	for stable < 8 && time.Now().Before(deadline) {
		r := count(`SELECT count(DISTINCT phone) FROM inbound WHERE campaign_id = ?`, id)
		if r == replied && r > 0 {
			stable++
		} else {
			replied, stable = r, 0
		}
		time.Sleep(250 * time.Millisecond)
	}
	if replied <= 0 {
		t.Fatalf("no recipient replied; log:\n%s", s.Log())
	}
	accepted := count(`SELECT count(*) FROM messages WHERE campaign_id = ? AND state = 'accepted'`, id)

	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
	signIn(t, page, s, adminEmail, adminPassword)

	// Duplicate: the name is offered, the copy is a draft with the same
	// message and list.
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", s.URL, id))
	must(t, page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Duplicar"}).Click())
	must(t, expect.Locator(page.GetByLabel("Nome", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)})).ToHaveValue("Cópia de Queima de estoque"))
	topShot(t, page, "campaign-duplicate")
	click(t, page, "button", "Criar a cópia")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/campaigns/\d+$`)))
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("Cópia de “Queima de estoque” criada como rascunho"))
	must(t, expect.Locator(page.Locator("[data-campaign-state]")).ToHaveAttribute("data-campaign-state", "draft"))
	must(t, expect.Locator(page.Locator("h1")).ToHaveText("Cópia de Queima de estoque"))
	must(t, expect.Locator(page.Locator("main")).ToContainText("Oi {{nome}}, a queima de estoque começou!"))
	topShot(t, page, "campaign-duplicated")
	var copyID, copyList, copyRemote int64
	var copyMessage string
	if err := db.QueryRow(`SELECT id, list_id, message, remote_id FROM campaigns WHERE name = 'Cópia de Queima de estoque'`).
		Scan(&copyID, &copyList, &copyMessage, &copyRemote); err != nil {
		t.Fatal(err)
	}
	var srcList int64
	if err := db.QueryRow(`SELECT list_id FROM campaigns WHERE id = ?`, id).Scan(&srcList); err != nil {
		t.Fatal(err)
	}
	if copyList != srcList || copyMessage != "Oi {{nome}}, a queima de estoque começou!" || copyRemote == 0 || copyRemote == 9001 {
		t.Errorf("copy got list %d message %q remote %d, want list %d, the same message and its own remote id", copyList, copyMessage, copyRemote, srcList)
	}

	// The non-responders of the first campaign as a list.
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", s.URL, id))
	click(t, page, "button", "Lista de quem não respondeu")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/lists/\d+$`)))
	want := accepted - replied
	must(t, expect.Locator(page.Locator(".flash")).ToContainText(fmt.Sprintf("Lista criada com %d destinatários de “Queima de estoque”", want)))
	topShot(t, page, "list-non-responders")
	var listID int64
	if err := db.QueryRow(`SELECT id FROM lists WHERE name = 'Não responderam: Queima de estoque'`).Scan(&listID); err != nil {
		t.Fatal(err)
	}
	if got := count(`SELECT count(*) FROM recipients WHERE list_id = ?`, listID); got != want {
		t.Errorf("list got %d recipients, want %d (%d sent, %d replied)", got, want, accepted, replied)
	}
	if both := count(`SELECT count(*) FROM recipients r JOIN inbound i ON i.phone = r.phone AND i.campaign_id = ? WHERE r.list_id = ?`, id, listID); both != 0 {
		t.Errorf("%d recipients of the list replied, want none", both)
	}
}
