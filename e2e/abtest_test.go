package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/internal/abtest"
	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/internal/schedule"
	"arauto/store"
)

// seedABDraft writes a ready list of n recipients and an SMS draft to it
// with its message and a send-now schedule: what the A/B editor starts
// from.
func seedABDraft(t *testing.T, dir string, n int, remoteID int64) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: "Clientes AB", FileName: "clientes-ab.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	rs := make([]recipient.Recipient, n)
	for i := range rs {
		rs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55319%08d", i*7), Fields: []string{fmt.Sprint("Cliente ", i)}}
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: remoteID, Name: "Oferta de verão AB", Alias: fmt.Sprint("verao-ab-", remoteID), Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, oferta A de verão", State: campaign.Draft}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveCampaignSchedule(ctx, c.ID, schedule.Schedule{SendNow: true, Zone: "America/Sao_Paulo"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// variantRows counts a campaign's messages by variant and state, straight
// from the database.
func variantRows(t *testing.T, dir string, id int64) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT variant, state, count(*) FROM messages WHERE campaign_id = ? GROUP BY variant, state", id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var v, n int
		var state string
		if err := rows.Scan(&v, &state, &n); err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("%d:%s", v, state)] = n
	}
	return out
}

// TestABTestChosenByHandSendsTheRestOnce: a marketer writes variant B with
// the composer, sets the test (a share out of bounds is refused on its
// field), launches, watches both variants' figures on the report and
// chooses B by hand. The console is killed (SIGKILL) while the rest of
// the list goes out with B, and started again: the provider got every
// recipient exactly once (0 duplicates, 0 missing), the test share with
// its own variant and the rest with B.
func TestABTestChosenByHandSendsTheRestOnce(t *testing.T) {
	const n = 3000
	const secret = "abtest-crash-secret-0123456789ab"
	dir := t.TempDir()
	id := seedABDraft(t, dir, n, 9301)
	withWebhookSecret(t, dir, secret)
	addr := loopbackAddr(t)
	hooks := "http://" + addr + "/webhooks/wavy/" + secret + "/"
	sb := startSandbox(t, "--delay-scale", "0", "--reply-rate", "-1", "--seed", "11", "--latency", "250ms", "--status-url", hooks+"sms-status")
	env := []string{"ARAUTO_ADDR=" + addr, "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy", "ARAUTO_WAVY_API_URL=" + sb.URL,
		"ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox", "ARAUTO_RECONCILE_AFTER=1s",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}
	first := startProcess(t, nil, env, listeningRE)
	page := newPage(t, "pt-BR")
	signIn(t, page, first, adminEmail, adminPassword)

	goTo(t, page, fmt.Sprintf("%s/campaigns/%d", first.URL, id))
	click(t, page, "link", "Criar teste A/B")
	click(t, page, "link", "Adicionar variante B")
	fill(t, page, "Texto da variante B", "Olá {{nome}}, oferta B só hoje")
	// The composer counts the variant for the list's longest name.
	must(t, expect.Locator(page.Locator(`#composer-meter [data-stat="chars"]`)).ToHaveText(fmt.Sprint(len([]rune("Olá Cliente 1000, oferta B só hoje")))))
	topShot(t, page, "abtest-variant-b")
	click(t, page, "button", "Salvar a variante")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("Variante B salva."))
	fill(t, page, "Parte da lista no teste (%)", "70")
	click(t, page, "button", "Salvar o teste")
	must(t, expect.Locator(page.Locator("#ab-share-error")).ToContainText("entre 5 e 50"))
	fill(t, page, "Parte da lista no teste (%)", "20")
	must(t, page.GetByRole("radio", playwright.PageGetByRoleOptions{Name: "Escolher à mão"}).Check())
	topShot(t, page, "abtest-settings")
	click(t, page, "button", "Salvar o teste")
	must(t, expect.Locator(page.Locator(`[data-summary="abtest"]`)).ToContainText("2 variantes, 20% da lista no teste"))
	click(t, page, "link", "Revisar e enviar")
	must(t, expect.Locator(page.Locator(`[data-check="abtest"]`)).ToContainText("2 variantes testadas com 20% da lista"))
	click(t, page, "button", "Confirmar e enviar agora")

	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", first.URL, id))
	for _, v := range []string{"A", "B"} {
		must(t, expect.Locator(page.Locator(`#report-live [data-ab-row="`+v+`"] [data-ab="sent"]`)).ToHaveText("300",
			playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(60000)}))
	}
	must(t, expect.Locator(page.Locator("[data-ab-banner]")).ToContainText("escolhido à mão"))
	must(t, expect.Locator(page.Locator("[data-ab-remainder]")).ToContainText("2.400 destinatários aguardam o vencedor."))
	topShot(t, page, "abtest-report-running")
	if c, _ := campaignCounts(t, dir, id); c["held"] != 2400 {
		t.Fatalf("before the choice %v, want 2400 held", c)
	}

	// "Escolher agora" is drawn with the page, for a running campaign: a
	// page opened in the instant between launch and the dispatcher's start
	// lacks it until reloaded (noted as a gap; the live part does not
	// redraw it, so an open confirmation is never swapped away).
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", first.URL, id))
	must(t, page.Locator("summary", playwright.PageLocatorOptions{HasText: "Escolher B agora"}).Click())
	click(t, page, "button", "Sim, escolher B")
	must(t, expect.Locator(page.Locator(".flash")).ToContainText("Variante B escolhida"))
	// The rest is on its way: kill the console in the middle of it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, _ := campaignCounts(t, dir, id)
		if c["submitting"] > 0 || c["accepted"] > 600 {
			t.Logf("killing with %v", c)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the rest never started: %v; log:\n%s", c, first.Log())
		}
		time.Sleep(5 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.cmd.Wait()

	second := startProcess(t, nil, env, listeningRE)
	waitCompleted(t, dir, id, 120*time.Second)
	accepted, dups := sandboxLedger(t, sb)
	if accepted != n || dups != 0 {
		t.Errorf("provider accepted %d with %d repeated correlationIds, want %d and 0", accepted, dups, n)
	}
	rows := variantRows(t, dir, id)
	if rows["1:accepted"] != 300 || rows["2:accepted"] != 300 || rows["-2:accepted"] != 2400 || len(rows) != 3 {
		t.Errorf("messages by variant:state %v, want 300 A, 300 B and the 2400 of the rest with B, all accepted", rows)
	}
	page = newPage(t, "pt-BR")
	signIn(t, page, second, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", second.URL, id))
	must(t, expect.Locator(page.Locator("[data-ab-verdict]")).ToContainText("A variante B foi escolhida à mão por"))
	must(t, expect.Locator(page.Locator("[data-ab-remainder]")).ToContainText("2.400 de 2.400"))
	must(t, expect.Locator(page.Locator(`[data-ab-row="B"]`)).ToContainText("vencedora"))
	topShot(t, page, "abtest-report-chosen")
}

// TestABTestSchedulerPicksTheWinner: a test that waits an hour shows when
// its winner will be chosen; once the hour has passed (the sandbox clock
// moved on a restart) the scheduler chooses by delivery rate and the rest
// goes out with the winner.
func TestABTestSchedulerPicksTheWinner(t *testing.T) {
	const n = 500
	dir := t.TempDir()
	id := seedABDraft(t, dir, n, 9302)
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	set := abtest.Settings{Others: []string{"Olá {{nome}}, oferta B", "E aí {{nome}}? Oferta C"}, Share: 30, Criterion: "delivery", Wait: time.Hour}
	if err := st.SetCampaignABTest(ctx, id, set, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.LaunchCampaign(ctx, id, time.Now(), n, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}
	first := startProcess(t, nil, env, listeningRE)
	page := newPage(t, "pt-BR")
	signIn(t, page, first, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", first.URL, id))
	for _, v := range []string{"A", "B", "C"} {
		must(t, expect.Locator(page.Locator(`#report-live [data-ab-row="`+v+`"] [data-ab="sent"]`)).ToHaveText("50",
			playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(60000)}))
	}
	must(t, expect.Locator(page.Locator("[data-ab-banner]")).ToContainText("O vencedor será escolhido em"))
	topShot(t, page, "abtest-report-scheduled")
	if c, _ := campaignCounts(t, dir, id); c["held"] != 350 {
		t.Fatalf("during the test %v, want 350 held", c)
	}
	first.cmd.Process.Signal(os.Interrupt)
	first.cmd.Wait()

	second := startProcess(t, nil, append(env, "ARAUTO_SANDBOX_CLOCK_OFFSET=2h"), listeningRE)
	waitCompleted(t, dir, id, 60*time.Second)
	st, err = store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	ab, err := st.CampaignABTest(ctx, id)
	st.Close()
	if err != nil || ab.Winner == 0 || ab.Reason != "delivery" || ab.DecidedBy != "" {
		t.Fatalf("after the wait %+v %v, want a winner chosen by the scheduler by delivery", ab, err)
	}
	rows := variantRows(t, dir, id)
	if rows[fmt.Sprintf("%d:accepted", -ab.Winner)] != 350 {
		t.Errorf("messages by variant:state %v, want the 350 of the rest sent with %s", rows, abtest.Name(ab.Winner))
	}
	page = newPage(t, "pt-BR")
	signIn(t, page, second, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", second.URL, id))
	must(t, expect.Locator(page.Locator("[data-ab-verdict]")).ToContainText(fmt.Sprintf("A variante %s venceu pela taxa de entrega.", abtest.Name(ab.Winner))))
	must(t, expect.Locator(page.Locator("[data-ab-remainder]")).ToContainText("350 de 350"))
	topShot(t, page, "abtest-report-scheduler")
}

// withWebhookSecret fixes the console's webhook secret before it starts, so
// a stand-alone sandbox can be pointed at its webhook URLs.
func withWebhookSecret(t *testing.T, dir, secret string) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SettingOrCreate(context.Background(), "webhook.secret", func() (string, error) { return secret, nil }); err != nil {
		t.Fatal(err)
	}
}
