package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/store"
)

// seedWhatsAppCampaign writes a ready list of n recipients and a WhatsApp
// campaign, due now, whose approved template greets each recipient by
// name: one request per recipient. It also fixes the webhook secret, so a
// simulator started before the console can post to it.
func seedWhatsAppCampaign(t *testing.T, dir string, n int, secret string) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.SettingOrCreate(ctx, "webhook.secret", func() (string, error) { return secret, nil }); err != nil {
		t.Fatal(err)
	}
	l := &recipient.List{Name: "Clientes", FileName: "clientes.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	var rs []recipient.Recipient
	for i := range n {
		rs = append(rs, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55219%08d", i), Fields: []string{fmt.Sprint("Cliente ", i)}})
	}
	if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
		t.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 9101, Name: "Zap de Natal", Alias: "zap-natal", Channel: campaign.WhatsApp, ListID: l.ID,
		State: campaign.Draft, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	w := message.WhatsApp{Kind: message.WhatsAppTemplate, Template: &message.WhatsAppTemplateMsg{Namespace: "loja_ns", ElementName: "natal",
		LanguageCode: "pt_BR", BodyText: "Olá {{1}}, seu cupom é {{2}}", BodyParameters: []string{"{{nome}}", "NATAL20"}}}
	if err := st.SetCampaignWhatsApp(ctx, c.ID, w, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, c.ID, campaign.Draft, campaign.Scheduled, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// loopbackAddr finds a free loopback port for a console whose address the
// simulator must know before it starts.
func loopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitCampaign polls the console's database until done says yes.
func waitCampaign(t *testing.T, dir string, id int64, limit time.Duration, what string, done func(counts map[string]int64, state campaign.State) bool) (map[string]int64, campaign.State) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		st, err := store.Open(filepath.Join(dir, store.FileName))
		if err != nil {
			t.Fatal(err)
		}
		counts, err := st.CampaignCounters(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.CampaignByID(context.Background(), id)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		if done(counts, c.State) {
			return counts, c.State
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not reached in %s: %s, %v", what, limit, c.State, counts)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestWhatsAppGhostAnswersEndExact: a fifth of the WhatsApp requests are
// taken by the provider but answered 500. The console cannot look
// WhatsApp messages up, so it never sends them again and marks them
// unknown — until their status webhooks arrive, which promote them. In
// the end no recipient is unknown, every one was sent once, and the
// report's funnel adds up: "sent to Wavy" counts every recipient, at
// least as many as "delivered to the carrier".
func TestWhatsAppGhostAnswersEndExact(t *testing.T) {
	const n = 200
	const secret = "ghost-webhook-secret-0123456789"
	dir := t.TempDir()
	id := seedWhatsAppCampaign(t, dir, n, secret)
	addr := loopbackAddr(t)
	sb := startSandbox(t, "--delay-scale", "0", "--reply-rate", "-1", "--seed", "5", "--accept-then-500", "0.2",
		"--whatsapp-url", "http://"+addr+"/webhooks/wavy/"+secret+"/whatsapp")
	s := startProcess(t, nil, []string{"ARAUTO_ADDR=" + addr, "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy",
		"ARAUTO_WAVY_API_URL=" + sb.URL, "ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox",
		"ARAUTO_ADMIN_EMAIL=" + adminEmail, "ARAUTO_ADMIN_PASSWORD=" + adminPassword}, listeningRE)
	s.DataDir = dir

	waitCampaign(t, dir, id, 60*time.Second, "completed", func(_ map[string]int64, st campaign.State) bool { return st == campaign.Completed })
	counts, _ := waitCampaign(t, dir, id, 30*time.Second, "every status applied", func(c map[string]int64, _ campaign.State) bool {
		return c[report.KeyStatus] == n
	})
	accepted, dups := sandboxLedger(t, sb)
	var l struct{ AcceptedThen500 int64 }
	sandboxStats(t, sb, &l)
	if accepted != n || dups != 0 || l.AcceptedThen500 == 0 {
		t.Errorf("provider took %d messages (%d answered 500), %d repeated; want %d once, some answered 500", accepted, l.AcceptedThen500, dups, n)
	}
	if counts["accepted"] != n || counts["unknown"] != 0 || counts["submitting"] != 0 {
		t.Errorf("console counts %v, want all %d accepted and none unknown", counts, n)
	}
	rep := report.Build(counts, report.Options{})
	sub, sent := rep.Stage(report.StageSubmitted).N, rep.Stage(report.StageSent).N
	if sub != n || sent > sub || sent == 0 {
		t.Errorf("funnel: sent to Wavy %d, delivered to the carrier %d; want %d and at most that", sub, sent, n)
	}
	t.Logf("%d recipients, %d taken by the provider but answered 500; in the end %d accepted, %d unknown; funnel %d sent to Wavy, %d to the carrier",
		n, l.AcceptedThen500, counts["accepted"], counts["unknown"], sub, sent)

	// The report page reads the same.
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/campaigns/"+strconv.FormatInt(id, 10)+"/report")
	must(t, expect.Locator(page.Locator(`[data-stage="submitted"] [data-n]`)).ToHaveText(strconv.Itoa(n)))
	must(t, expect.Locator(page.Locator(`[data-stage="sent"] [data-n]`)).ToHaveText(strconv.FormatInt(sent, 10)))
	topShot(t, page, "whatsapp-ghost-answers-report")
}

// sandboxStats reads a stand-alone sandbox's ledger into out (asking
// again while its injected faults answer 503).
func sandboxStats(t *testing.T, sb *server, out any) {
	t.Helper()
	for try := 0; ; try++ {
		req, _ := http.NewRequest("GET", sb.URL+"/_sandbox/ledger", nil)
		req.Header.Set("UserName", "sandbox")
		req.Header.Set("AuthenticationToken", "sandbox")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusOK {
			defer resp.Body.Close()
			if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
				t.Fatal(err)
			}
			return
		}
		resp.Body.Close()
		if try == 20 {
			t.Fatalf("ledger: HTTP %d", resp.StatusCode)
		}
	}
}

// TestWhatsAppPersonalisedPacing measures what the issue saw take 80-130 s:
// 200 personalised WhatsApp recipients (one request each) with 20
// requests per second allowed while the provider answers a fifth of the
// requests 503. The console keeps the rate, retries each refused request
// for its own recipient, and sends every recipient exactly once.
func TestWhatsAppPersonalisedPacing(t *testing.T) {
	const n, rps = 200, 20
	dir := t.TempDir()
	id := seedWhatsAppCampaign(t, dir, n, "pacing-webhook-secret-0123456789")
	sb := startSandbox(t, "--delay-scale", "0", "--reply-rate", "-1", "--seed", "5", "--503-rate", "0.2")
	start := time.Now()
	startProcess(t, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy",
		"ARAUTO_WAVY_API_URL=" + sb.URL, "ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox",
		"ARAUTO_SEND_REQUESTS_PER_SECOND=" + strconv.Itoa(rps)}, listeningRE)
	counts, _ := waitCampaign(t, dir, id, 90*time.Second, "completed", func(_ map[string]int64, st campaign.State) bool { return st == campaign.Completed })
	took := time.Since(start)
	var l struct{ Accepted, DuplicateCorrelationIDs, Faults int64 }
	sandboxStats(t, sb, &l)
	if l.Accepted != n || l.DuplicateCorrelationIDs != 0 || counts["accepted"] != n {
		t.Errorf("provider took %d (%d repeated), console accepted %d; want %d exactly once", l.Accepted, l.DuplicateCorrelationIDs, counts["accepted"], n)
	}
	requests := l.Accepted + l.Faults
	rate := float64(requests) / took.Seconds()
	if l.Faults == 0 || rate > rps*1.1 {
		t.Errorf("%d requests (%d answered 503) in %s: %.1f/s, want some 503s and at most %d/s", requests, l.Faults, took, rate, rps)
	}
	t.Logf("%d personalised WhatsApp recipients through the console, %d requests (%d answered 503) at %d/s allowed: %s (%.1f requests/s)",
		n, requests, l.Faults, rps, took.Round(100*time.Millisecond), rate)
	if limit := 40 * time.Second; took > limit {
		t.Errorf("took %s, want under %s (the rate allows about %s)", took, limit, time.Duration(requests)*time.Second/rps)
	}
}
