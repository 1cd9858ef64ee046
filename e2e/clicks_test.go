package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/campaign"
	"arauto/internal/clicks"
	"arauto/internal/recipient"
	"arauto/store"
)

// TestClickTrackingJourney sends a campaign whose link is tracked through
// the built-in sandbox, whose simulated recipients click some short links
// and whose preview bot unfurls others. The report, open before anyone
// clicked, shows "Clicaram" appear and grow over SSE, and the per-link
// table counts people, clicks and previews apart, as the database does.
func TestClickTrackingJourney(t *testing.T) {
	const n = 200
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	l := &recipient.List{Name: "Clientes", FileName: "clientes.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	rs := make([]recipient.Recipient, n)
	for i := range rs {
		rs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55119%08d", 7_000_000+i*37), Fields: []string{fmt.Sprint("Cliente ", i)}}
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	const link = "https://loja.example.com/ofertas?utm_source=sms"
	c := &campaign.Campaign{RemoteID: 9101, Name: "Ofertas com link", Alias: "ofertas-link", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, veja as ofertas: " + link, State: campaign.Draft}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignClickTracking(ctx, c.ID, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveTrackedLinks(ctx, c.ID, []string{link}, time.Now()); err != nil {
		t.Fatal(err)
	}
	draft := &campaign.Campaign{RemoteID: 9102, Name: "Rascunho com link", Alias: "rascunho-link", Channel: campaign.SMS, ListID: l.ID,
		State: campaign.Draft}
	if err := st.CreateCampaign(ctx, draft); err != nil {
		t.Fatal(err)
	}
	// It starts in a few seconds: the report is open before anyone clicks.
	if err := st.LaunchCampaign(ctx, c.ID, time.Now().Add(6*time.Second), n, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()

	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", s.URL, c.ID))
	if got, _ := page.Locator(`[data-figure="clicked"]`).Count(); got != 0 {
		t.Fatalf("report shows clicks before the campaign started (%d)", got)
	}
	clicked := page.Locator(`#report-live [data-figure="clicked"]`)
	must(t, clicked.WaitFor(playwright.LocatorWaitForOptions{Timeout: playwright.Float(60000)}))
	first, _ := clicked.TextContent()

	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Clicks settle: the database stops changing.
	var people, clicks, previews int
	stable := 0
	for deadline := time.Now().Add(60 * time.Second); stable < 8 && time.Now().Before(deadline); time.Sleep(250 * time.Millisecond) {
		var p, k, v int
		if err := db.QueryRow(`SELECT count(*) FILTER (WHERE clicked_at > 0), coalesce(sum(clicks), 0), coalesce(sum(previews), 0)
			FROM messages WHERE campaign_id = ?`, c.ID).Scan(&p, &k, &v); err != nil {
			t.Fatal(err)
		}
		if p == people && k == clicks && v == previews && p > 0 {
			stable++
		} else {
			people, clicks, previews, stable = p, k, v, 0
		}
	}
	if people == 0 || previews == 0 {
		t.Fatalf("database got %d people who clicked and %d previews, want both; log:\n%s", people, previews, s.Log())
	}
	if people >= n {
		t.Errorf("every recipient clicked (%d): previews counted as clicks?", people)
	}
	// The open page follows: the figure grows to the database's count
	// without a reload.
	must(t, expect.Locator(clicked).ToHaveText(strconv.Itoa(people), playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(15000)}))
	t.Logf("clicked went from %s to %d on the open page (%d clicks, %d previews)", first, people, clicks, previews)
	row := page.Locator(`[data-section="links"] tr[data-link="0"]`)
	must(t, expect.Locator(row.Locator(`[data-link-figure="unique"]`)).ToHaveText(strconv.Itoa(people)))
	must(t, expect.Locator(row.Locator(`[data-link-figure="clicks"]`)).ToHaveText(strconv.Itoa(clicks)))
	must(t, expect.Locator(row.Locator(`[data-link-figure="previews"]`)).ToHaveText(strconv.Itoa(previews)))
	must(t, expect.Locator(row).ToContainText(link))
	must(t, expect.Locator(page.Locator(`[data-stage="clicked"]`)).ToContainText("Clicaram"))
	topShot(t, page, "report-clicks")

	// The same figure on the campaign page and the dashboard.
	for _, path := range []string{fmt.Sprintf("/campaigns/%d", c.ID), "/"} {
		goTo(t, page, s.URL+path)
		must(t, expect.Locator(page.Locator(`[data-figure="clicked"]`).First()).ToHaveText(strconv.Itoa(people)))
	}

	// Those who did not click, as a new audience.
	var accepted int
	if err := db.QueryRow(`SELECT count(*) FROM messages WHERE campaign_id = ? AND state = 'accepted'`, c.ID).Scan(&accepted); err != nil {
		t.Fatal(err)
	}
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", s.URL, c.ID))
	click(t, page, "button", "Lista de quem não clicou")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText(fmt.Sprintf("Lista criada com %d destinatários", accepted-people)))

	// The composer: tracking counts the short link, and says which
	// address it leaves alone.
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/message", s.URL, draft.ID))
	body := "Oi {{nome}}, ofertas em https://loja.example.com/" + strings.Repeat("x", 300) + " e ftp://arquivos.example.com/a"
	must(t, page.GetByLabel("Texto do SMS", playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(body))
	must(t, page.GetByLabel("Rastrear cliques nos links").Check())
	must(t, expect.Locator(page.Locator(`[data-meter="short-links"]`)).ToContainText("1 link será rastreado"))
	must(t, expect.Locator(page.Locator(`[data-meter="untracked"]`)).ToContainText("ftp://arquivos.example.com/a"))
	// The 300-character link counts as a short link of its fixed length
	// (in the list's longest message: "Cliente 100" and up).
	short := len(s.URL) + len("/r/") + 18
	wantChars := len("Oi Cliente 100, ofertas em ") + short + len(" e ftp://arquivos.example.com/a")
	must(t, expect.Locator(page.Locator(`#composer-meter [data-stat="chars"]`)).ToHaveText(strconv.Itoa(wantChars)))
	topShot(t, page, "composer-track-clicks")
	click(t, page, "button", "Salvar mensagem")
	var tracks bool
	for deadline := time.Now().Add(5 * time.Second); !tracks && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := db.QueryRow(`SELECT track_clicks FROM campaigns WHERE id = ?`, draft.ID).Scan(&tracks); err != nil {
			t.Fatal(err)
		}
	}
	if !tracks {
		t.Errorf("the draft does not track clicks after saving with the option")
	}
}

// seedClicks records clicks and previews on a sent campaign's tracked
// links through the store, as the recorder does, so the pages show them.
func seedClicks(t *testing.T, dir string, campaignID int64) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sets, err := st.LinkSets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range sets {
		if set.CampaignID != campaignID {
			continue
		}
		now := time.Now()
		var batch []clicks.Click
		for id := set.First; id <= set.Last && id < set.First+120; id++ {
			batch = append(batch, clicks.Click{MessageID: id, Link: int(id % 2), At: now.Add(-time.Duration(id%90) * time.Minute)})
			if id%3 == 0 {
				batch = append(batch, clicks.Click{MessageID: id, Link: 0, At: now, Agent: true})
			}
		}
		err := st.RecordClicks(ctx, func(tx clicks.Tx) error {
			ids := make([]int64, 0, len(batch))
			for _, c := range batch {
				ids = append(ids, c.MessageID)
			}
			msgs, err := tx.Messages(ctx, ids)
			if err != nil {
				return err
			}
			ch, _, _ := clicks.Fold(batch, msgs, now, true)
			return tx.Commit(ctx, ch)
		})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Fatalf("campaign %d has no tracked links", campaignID)
}
