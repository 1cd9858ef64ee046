package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/recipient"
	"arauto/store"
)

// seedCampaign writes a ready list of n recipients and a campaign
// scheduled to start at once into the data directory, before the console
// starts.
func seedCampaign(t testing.TB, dir string, n int) int64 {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: "Base", FileName: "base.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, 5000)
	for i := 0; i < n; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55219%08d", i), Fields: []string{fmt.Sprint("Cliente ", i)}})
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.AddRecipients(ctx, l.ID, batch); err != nil {
				t.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		t.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 9001, Name: "Queima de estoque", Alias: "queima", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, a queima de estoque começou!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// campaignCounts reads the console's counters straight from its database.
func campaignCounts(t testing.TB, dir string, id int64) (map[string]int64, campaign.State) {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.CampaignCounts(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CampaignByID(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return counts, c.State
}

// sandboxLedger asks a stand-alone sandbox what it accepted.
func sandboxLedger(t *testing.T, sb *server) (accepted, duplicates int64) {
	t.Helper()
	req, _ := http.NewRequest("GET", sb.URL+"/_sandbox/ledger", nil)
	req.Header.Set("UserName", "sandbox")
	req.Header.Set("AuthenticationToken", "sandbox")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var l struct{ Accepted, DuplicateCorrelationIDs int64 }
	if err := json.NewDecoder(resp.Body).Decode(&l); err != nil {
		t.Fatal(err)
	}
	return l.Accepted, l.DuplicateCorrelationIDs
}

// TestKillDuringSendingThenRestart kills the console with SIGKILL while a
// campaign is being sent (requests on the wire, some answered 500 after
// being accepted), starts it again on the same data, and checks with the
// provider that every recipient was accepted exactly once.
func TestKillDuringSendingThenRestart(t *testing.T) {
	const n = 12000
	sb := startSandbox(t, "--delay-scale", "0", "--latency", "120ms", "--accept-then-500", "0.15", "--reply-rate", "-1")
	dir := t.TempDir()
	id := seedCampaign(t, dir, n)
	env := []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy", "ARAUTO_WAVY_API_URL=" + sb.URL,
		"ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox", "ARAUTO_RECONCILE_AFTER=1s"}

	first := startProcess(t, nil, env, listeningRE)
	deadline := time.Now().Add(30 * time.Second)
	for {
		accepted, _ := sandboxLedger(t, sb)
		if accepted >= n/4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("sending did not start; console log:\n%s", first.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	first.cmd.Process.Signal(syscall.SIGKILL)
	first.cmd.Wait()
	before, _ := sandboxLedger(t, sb)
	counts, state := campaignCounts(t, dir, id)
	t.Logf("killed with the provider holding %d messages; console had %v (%s)", before, counts, state)
	if before >= n {
		t.Fatalf("the campaign finished before the kill; make it slower")
	}

	second := startProcess(t, nil, env, listeningRE)
	deadline = time.Now().Add(90 * time.Second)
	for {
		counts, state = campaignCounts(t, dir, id)
		if state == campaign.Completed {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign did not complete after the restart: %v (%s); log:\n%s", counts, state, second.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	accepted, dups := sandboxLedger(t, sb)
	if accepted != n || dups != 0 {
		t.Errorf("provider accepted %d messages with %d repeated correlationIds, want %d exactly once", accepted, dups, n)
	}
	if counts["accepted"] != n || counts["queued"] != 0 || counts["submitting"] != 0 {
		t.Errorf("console counts got %v, want all %d accepted", counts, n)
	}
}
