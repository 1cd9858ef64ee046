package e2e

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"

	"arauto/store"
)

// seedReply stores a reply as the console keeps one received, linked to a
// campaign (0 for none), before the console starts.
func seedReply(t *testing.T, dir, channel, phone, text string, campaignID int64, at time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, store.FileName)+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var campaign any
	if campaignID != 0 {
		campaign = campaignID
	}
	if _, err := db.Exec(`INSERT INTO inbound (channel, provider_id, phone, profile_name, kind, text, received_at, campaign_id)
		VALUES (?, ?, ?, 'Maria Silva', 'TEXT', ?, ?, ?)`, channel, fmt.Sprintf("seed-%s-%d", phone, at.UnixNano()), phone, text, at.UnixMilli(), campaign); err != nil {
		t.Fatal(err)
	}
}

// settled is an answer's state once the dispatcher sent it and its
// delivery report came back. The two conversations are with the
// sandbox's magic numbers that are always delivered (55 DD 97777 0004),
// so a failed answer fails the test.
var settled = regexp.MustCompile(`^(Entregue|Lida)$`)

// live waits for the conversation's live refresh.
var live = playwright.LocatorAssertionsToHaveTextOptions{Timeout: playwright.Float(15000)}

// An operator sees the unread replies counted in the navigation, answers
// an SMS reply and a WhatsApp reply inside its 24-hour session from the
// conversation (each answer shown there as sending, then, without a
// reload, as sent or delivered once the dispatcher sent it from the
// outbox and its statuses came back), assigns the conversation to
// themself and closes it.
func TestOperatorAnswersReplies(t *testing.T) {
	dir := t.TempDir()
	id := seedCampaign(t, dir, 3)
	const asker, zap = "5521977770004", "5511977770004"
	seedReply(t, dir, "sms", asker, "Qual o horário da loja?", id, time.Now().Add(-5*time.Minute))
	seedReply(t, dir, "whatsapp", zap, "Tem em azul?", 0, time.Now().Add(-10*time.Minute))
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0",
		// The replies were stored here, not received by the sandbox: it
		// must know their sessions are open.
		"ARAUTO_SANDBOX_WHATSAPP_OPEN_SESSIONS=true",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	page := newPage(t, "pt-BR")
	page.OnDialog(func(d playwright.Dialog) { t.Errorf("unexpected browser dialog %q", d.Message()); d.Dismiss() })
	signIn(t, page, s, adminEmail, adminPassword)

	badge := page.Locator("[data-inbox-unread]")
	must(t, expect.Locator(badge).ToContainText("2"))
	must(t, expect.Locator(badge).ToContainText("2 conversas não lidas"))
	goTo(t, page, s.URL+"/inbox")
	reply := page.Locator(fmt.Sprintf(`li.reply[data-reply="%s"]`, asker))
	must(t, expect.Locator(reply.Locator("[data-reply-new]")).ToBeVisible())
	must(t, expect.Locator(reply.Locator("[data-reply-list]")).ToContainText("lista Base"))
	must(t, reply.GetByRole("link", playwright.LocatorGetByRoleOptions{Name: "Ver conversa →"}).Click())

	// Opening it reads it: one conversation left unread.
	must(t, expect.Locator(badge).ToContainText("1"))
	must(t, expect.Locator(page.GetByLabel("SMS")).ToBeChecked())
	fill(t, page, "Mensagem", "Abrimos às 9h. Até já!")
	click(t, page, "button", "Enviar resposta")
	must(t, expect.Locator(page.GetByText("Resposta guardada e a caminho")).ToBeVisible())
	answer := page.Locator("[data-answer]").Last()
	must(t, expect.Locator(answer).ToContainText("Abrimos às 9h. Até já!"))
	// The open page follows the answer's state as it changes.
	must(t, expect.Locator(answer.Locator("[data-answer-state]")).ToHaveText(settled, live))

	_, err := page.GetByLabel("Responsável").SelectOption(playwright.SelectOptionValues{Labels: &[]string{adminEmail}})
	must(t, err)
	click(t, page, "button", "Atribuir")
	must(t, expect.Locator(page.Locator("[data-conversation-assigned]")).ToHaveText("Com "+adminEmail))
	click(t, page, "button", "✓ Encerrar conversa")
	must(t, expect.Locator(page.Locator("[data-conversation-closed]")).ToBeVisible())
	shot(t, page, "conversation-answered")

	goTo(t, page, s.URL+"/inbox/"+zap)
	must(t, expect.Locator(page.GetByLabel("WhatsApp")).ToBeChecked())
	must(t, expect.Locator(page.Locator(`[data-session="open"]`)).ToBeVisible())
	fill(t, page, "Mensagem", "Temos sim, no tamanho M.")
	click(t, page, "button", "Enviar resposta")
	must(t, expect.Locator(page.Locator("[data-answer]").Last().Locator("[data-answer-state]")).ToHaveText(settled, live))
	must(t, expect.Locator(page.Locator("[data-answer]").Last()).ToContainText("WhatsApp"))
	// Both read: the navigation shows no count.
	must(t, expect.Locator(badge).ToHaveCount(0))
	shot(t, page, "conversation-whatsapp-answered")
}
