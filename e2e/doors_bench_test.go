package e2e

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/sandbox"
	"arauto/store"
)

// builtinSMPP reads or changes the SMPP server of a console's built-in
// sandbox through its control path (a POST body drops binds).
func builtinSMPP(tb testing.TB, s *server, body string) sandbox.SMPPStats {
	tb.Helper()
	m := builtinSandboxRE.FindStringSubmatch(s.Log())
	if m == nil {
		tb.Fatalf("the console did not say where its sandbox listens")
	}
	tok, err := os.ReadFile(filepath.Join(s.DataDir, "sandbox.token"))
	if err != nil {
		tb.Fatal(err)
	}
	method := "GET"
	if body != "" {
		method = "POST"
	}
	req, _ := http.NewRequest(method, "http://"+m[1]+sandbox.SMPPPath, strings.NewReader(body))
	req.Header.Set("UserName", "sandbox")
	req.Header.Set("AuthenticationToken", strings.TrimSpace(string(tok)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var st sandbox.SMPPStats
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		tb.Fatal(err)
	}
	return st
}

// campaignTimes reads when a campaign started and finished sending, and
// its report counters.
func campaignTimes(tb testing.TB, dir string, id int64) (started, finished time.Time, counters map[string]int64) {
	tb.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Close()
	c, err := st.CampaignByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	counters, err = st.CampaignCounters(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return c.StartedAt, c.FinishedAt, counters
}

// BenchmarkSMPPCampaign4Binds sends a 20,000-recipient campaign through
// the SMPP door of the console's built-in sandbox (4 transceivers, the
// sandbox throttling past the seeds' 80 submit_sm a second per bind), and
// meanwhile drops one bind at a time from the server's side, timing how
// long the pool takes to have 4 binds up again.
func BenchmarkSMPPCampaign4Binds(b *testing.B) {
	const n = 20000
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		id := seedCampaign(b, dir, n)
		seedDoor(b, dir, map[string]string{config.SettingDoor: config.DoorSMPP})
		s := startProcess(b, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
		s.DataDir = dir
		var reconnects []time.Duration
		deadline := time.Now().Add(5 * time.Minute)
		nextDrop := time.Now().Add(10 * time.Second)
		for {
			counts, state := campaignCounts(b, dir, id)
			if state == campaign.Completed {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("campaign stuck at %v (%s)", counts, state)
			}
			if time.Now().After(nextDrop) && len(reconnects) < 5 && builtinSMPP(b, s, "").Bound == 4 {
				dropped := time.Now()
				builtinSMPP(b, s, `{"drop":1}`)
				for builtinSMPP(b, s, "").Bound < 4 {
					time.Sleep(2 * time.Millisecond)
				}
				reconnects = append(reconnects, time.Since(dropped))
				nextDrop = time.Now().Add(5 * time.Second)
			}
			time.Sleep(50 * time.Millisecond)
		}
		started, finished, _ := campaignTimes(b, dir, id)
		took := finished.Sub(started)
		st := builtinSMPP(b, s, "")
		slices.Sort(reconnects)
		b.ReportMetric(float64(n)/took.Seconds(), "msg/s")
		if len(reconnects) > 0 {
			b.ReportMetric(float64(reconnects[len(reconnects)/2].Microseconds())/1000, "reconnect-median-ms")
			b.ReportMetric(float64(reconnects[len(reconnects)-1].Microseconds())/1000, "reconnect-max-ms")
		}
		b.Logf("%d messages over 4 binds in %s (%.0f msg/s, ceiling 320); sandbox: %d submit_sm, %d throttled, %d answered window full, at most %d outstanding on a bind; reconnects %v",
			n, took.Round(time.Millisecond), float64(n)/took.Seconds(), st.Submits, st.Throttled, st.WindowFull, st.MaxOutstanding, reconnects)
	}
}

// BenchmarkSFTPCampaign100kIntegrated sends a 100,000-recipient campaign
// as SFTP batch files through the console's built-in sandbox: the time
// until Wavy (the sandbox) accepted every file, and until every message's
// status was applied to the report.
func BenchmarkSFTPCampaign100kIntegrated(b *testing.B) {
	const n = 100000
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		id := seedCampaign(b, dir, n)
		seedDoor(b, dir, map[string]string{config.SettingDoor: config.DoorSFTP})
		s := startProcess(b, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
		s.DataDir = dir
		deadline := time.Now().Add(10 * time.Minute)
		var accepted time.Time
		for {
			counts, _ := campaignCounts(b, dir, id)
			started, _, counters := campaignTimes(b, dir, id)
			if accepted.IsZero() && counts["accepted"] == n {
				accepted = time.Now()
			}
			if !accepted.IsZero() && counters["r:status"] == n {
				statused := time.Now()
				b.ReportMetric(accepted.Sub(started).Seconds(), "s-accepted")
				b.ReportMetric(statused.Sub(started).Seconds(), "s-all-statuses")
				b.Logf("%d messages in %d files: every file accepted by the sandbox %s after the start, every status applied after %s (polled every 50 ms)",
					n, (n+19999)/20000, accepted.Sub(started).Round(10*time.Millisecond), statused.Sub(started).Round(100*time.Millisecond))
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("campaign stuck (%v, %d statuses)", counts, counters["r:status"])
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
