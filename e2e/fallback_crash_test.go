package e2e

import (
	"context"
	"fmt"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/fallback"
	"arauto/internal/report"
	"arauto/store"
)

// TestFallbackKillDuringCreationThenRestart kills the console with SIGKILL
// while WhatsApp statuses pour in and fallback SMS are being created and
// sent, starts it again on the same data, and checks with the provider
// and the database: every recipient WhatsApp could not reach got exactly
// one SMS (0 duplicates, 0 missing), and nobody else got one.
func TestFallbackKillDuringCreationThenRestart(t *testing.T) {
	const n = 3000
	const secret = "fallback-crash-secret-0123456789"
	dir := t.TempDir()
	id := seedWhatsAppCampaign(t, dir, n, secret)
	withFallback(t, dir, id, fallback.Settings{Text: "Oi {{nome}}, seu cupom chegou por SMS: NATAL20", Wait: 24 * time.Hour})
	addr := loopbackAddr(t)
	hooks := "http://" + addr + "/webhooks/wavy/" + secret + "/"
	// Half the numbers have no WhatsApp (202); the ordinary draw adds a
	// few 104 and 101. Statuses come at once, so fallbacks are created
	// while the campaign is still sending.
	sb := startSandbox(t, "--delay-scale", "0", "--reply-rate", "-1", "--seed", "7", "--latency", "60ms",
		"--whatsapp-unreachable", "0.5", "--whatsapp-url", hooks+"whatsapp", "--status-url", hooks+"sms-status")
	env := []string{"ARAUTO_ADDR=" + addr, "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy", "ARAUTO_WAVY_API_URL=" + sb.URL,
		"ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox", "ARAUTO_RECONCILE_AFTER=1s"}

	first := startProcess(t, nil, env, listeningRE)
	deadline := time.Now().Add(60 * time.Second)
	for {
		counts, _ := campaignCounters(t, dir, id)
		var l struct{ SMS int64 }
		sandboxStats(t, sb, &l)
		if counts[report.KeyFallbacks] >= 200 && l.SMS > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no fallbacks were created; console log:\n%s", first.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.cmd.Wait()
	atKill, state := campaignCounters(t, dir, id)
	var l0 struct{ WhatsApp, SMS int64 }
	sandboxStats(t, sb, &l0)
	t.Logf("killed with %d fallbacks created, the provider holding %d WhatsApp and %d SMS (campaign %s)",
		atKill[report.KeyFallbacks], l0.WhatsApp, l0.SMS, state)
	if l0.WhatsApp >= n {
		t.Logf("every WhatsApp message was out before the kill; the fallbacks were still being created")
	}

	second := startProcess(t, nil, env, listeningRE)
	var counts map[string]int64
	deadline = time.Now().Add(120 * time.Second)
	for {
		counts, state = campaignCounters(t, dir, id)
		if state == campaign.Completed && counts[report.KeyStatus] == n && counts[report.FallbackPrefix+"queued"] == 0 &&
			counts[report.FallbackPrefix+"submitting"] == 0 && counts[report.FallbackPrefix+"accepted"] == counts[report.KeyFallbacks] &&
			counts[report.KeyFallbacks] == unreachable(counts) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("fallbacks not settled after the restart: %v (%s); log:\n%s", counts, state, second.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	fell := counts[report.KeyFallbacks]
	var l struct{ Accepted, WhatsApp, SMS, DuplicateCorrelationIDs int64 }
	sandboxStats(t, sb, &l)
	if l.WhatsApp != n || l.SMS != fell || l.DuplicateCorrelationIDs != 0 {
		t.Errorf("provider took %d WhatsApp and %d SMS with %d repeated correlationIds; want %d WhatsApp and %d SMS (one per recipient not reached), none repeated",
			l.WhatsApp, l.SMS, l.DuplicateCorrelationIDs, n, fell)
	}
	if fell < n/3 {
		t.Errorf("%d recipients fell back, want about half of %d", fell, n)
	}
	dupRows, missing := fallbackRows(t, dir, id)
	if dupRows != 0 || missing != 0 {
		t.Errorf("database: %d recipients with more than one SMS, %d unreachable recipients without one; want 0 and 0", dupRows, missing)
	}
	t.Logf("%d recipients, %d fell back (%d at the kill); the provider got %d WhatsApp and %d SMS, none twice", n, fell, atKill[report.KeyFallbacks], l.WhatsApp, l.SMS)
}

// unreachable sums the WhatsApp failures whose codes fall back.
func unreachable(counts map[string]int64) int64 {
	var sum int64
	for _, c := range fallback.Codes {
		sum += counts[fmt.Sprintf("code:%d", c.Code)]
	}
	return sum
}

// withFallback gives a seeded (scheduled) campaign its SMS fallback, as the
// editor does while it is a draft.
func withFallback(t *testing.T, dir string, id int64, f fallback.Settings) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.SetCampaignState(ctx, id, campaign.Scheduled, campaign.Draft, now); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignFallback(ctx, id, f, now); err != nil {
		t.Fatal(err)
	}
	if err := st.SetCampaignState(ctx, id, campaign.Draft, campaign.Scheduled, now); err != nil {
		t.Fatal(err)
	}
}

// campaignCounters reads every counter of a campaign, with its fallback's.
func campaignCounters(t *testing.T, dir string, id int64) (map[string]int64, campaign.State) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.CampaignCounters(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CampaignByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return counts, c.State
}

// fallbackRows counts, over every message of the campaign, the recipients
// with more than one SMS and the unreachable ones without any.
func fallbackRows(t *testing.T, dir string, id int64) (dups, missing int) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	var ids []int64
	unreach := map[int64]bool{}
	err = st.EachCampaignMessage(ctx, id, store.MessageFilter{}, func(m store.MessageRow) error {
		ids = append(ids, m.ID)
		if fallback.IsUnreachable(m.SentCode, false) || (m.SentCode == 2 && fallback.IsUnreachable(m.DeliveredCode, true)) {
			unreach[m.ID] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fbs, err := st.Fallbacks(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	perPhone := map[string]int{}
	for mid := range unreach {
		if _, ok := fbs[mid]; !ok {
			missing++
		}
	}
	for mid, fb := range fbs {
		if !unreach[mid] {
			t.Errorf("message %d fell back (%s) without an unreachable status", mid, fb.Reason)
		}
		perPhone[fb.SMS.Phone]++
	}
	for _, k := range perPhone {
		if k > 1 {
			dups++
		}
	}
	return dups, missing
}
