package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/store"
)

// TestFallbackAfterTheWait: a WhatsApp recipient whose message is sent but
// never delivered (the sandbox's magic number 55 11 97777 0002: a phone
// that stays off) gets the campaign's SMS once the wait has passed —
// here an hour, passed by restarting the console with its sandbox clock
// two hours on — and only then; recipients WhatsApp delivered to get
// none. The report's fallback card and the per-recipient column say so.
func TestFallbackAfterTheWait(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	silent := "5511977770002"
	l := &recipient.List{Name: "Zap", FileName: "zap.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	// The others are delivered (magic 0004), so only the silent one waits.
	rs := []recipient.Recipient{{Row: 2, Phone: silent, Fields: []string{"Dona Silêncio"}},
		{Row: 3, Phone: "5521977770004", Fields: []string{"Ana"}}, {Row: 4, Phone: "5531977770004", Fields: []string{"Bia"}}}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: 3, Valid: 3, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 9401, Name: "Zap com reserva", Alias: "zap-reserva", Channel: campaign.WhatsApp, ListID: l.ID, State: campaign.Draft}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	w := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{Namespace: "loja_ns", ElementName: "oferta",
		LanguageCode: "pt_BR", BodyText: "Olá {{1}}", BodyParameters: []string{"{{nome}}"}}}
	if err := st.SetCampaignWhatsApp(ctx, c.ID, w, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignFallback(ctx, c.ID, fallback.Settings{Text: "Oi {{nome}}, sua oferta chegou por SMS", Wait: time.Hour}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.LaunchCampaign(ctx, c.ID, time.Now(), 0, time.Now()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	env := []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}
	first := startProcess(t, nil, env, listeningRE)
	// Every WhatsApp message has its statuses: two delivered, one sent only.
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
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if count(`SELECT count(*) FROM messages WHERE campaign_id = ? AND sent_code = 2`, c.ID) == 3 &&
			count(`SELECT count(*) FROM messages WHERE campaign_id = ? AND delivered_code = 4`, c.ID) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the WhatsApp statuses did not arrive; log:\n%s", first.Log())
		}
	}
	// Within the wait nothing falls back (the sweep runs every 5 s).
	time.Sleep(6 * time.Second)
	if n := count(`SELECT count(*) FROM fallbacks WHERE campaign_id = ?`, c.ID); n != 0 {
		t.Fatalf("%d fell back within the wait, want none", n)
	}
	first.cmd.Process.Signal(os.Interrupt)
	first.cmd.Wait()

	second := startProcess(t, nil, append(env, "ARAUTO_SANDBOX_CLOCK_OFFSET=2h"), listeningRE)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if count(`SELECT count(*) FROM fallbacks f JOIN messages s ON s.id = f.sms_message_id WHERE f.campaign_id = ? AND s.state = 'accepted'`, c.ID) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the silent recipient got no SMS after the wait; log:\n%s", second.Log())
		}
	}
	time.Sleep(6 * time.Second) // another sweep: still one
	var phone, reason string
	if err := db.QueryRow(`SELECT m.phone, f.reason FROM fallbacks f JOIN messages m ON m.id = f.message_id WHERE f.campaign_id = ?`, c.ID).Scan(&phone, &reason); err != nil {
		t.Fatal(err)
	}
	if n := count(`SELECT count(*) FROM fallbacks WHERE campaign_id = ?`, c.ID); n != 1 || phone != silent || reason != fallback.ReasonTimeout {
		t.Errorf("fallbacks: %d, the first to %s for %q; want one, to %s, for the wait", n, phone, reason, silent)
	}
	page := newPage(t, "pt-BR")
	signIn(t, page, second, adminEmail, adminPassword)
	goTo(t, page, fmt.Sprintf("%s/campaigns/%d/report", second.URL, c.ID))
	must(t, expect.Locator(page.Locator(`[data-figure="fallback-fell-back"]`)).ToHaveText("1"))
	must(t, expect.Locator(page.Locator(`[data-fallback-reason="timeout"]`)).ToContainText("Sem entrega no WhatsApp dentro do prazo"))
	topShot(t, page, "fallback-after-wait")
}
