package e2e

import (
	"arauto/internal/memstat"
	"context"
	"net"
	"net/http"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/store"
)

// freeAddr finds a free loopback port.
func freeAddr(b *testing.B) string {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// BenchmarkCampaign1MSeparateProcesses is a lower bound (sequential
// numbers, seeded straight into the database; see
// BenchmarkRealisticCampaign1M for the realistic figures). It sends a
// 1,000,000-recipient SMS campaign with the console and the simulator in
// separate processes, as in
// production (where Wavy is elsewhere), so the console's own peak memory
// can be read from /proc. The simulator posts every callback and delivery
// report back to the console's webhooks. Page loads are timed throughout.
func BenchmarkCampaign1MSeparateProcesses(b *testing.B) {
	const n = 1_000_000
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		id := seedCampaign(b, dir, n)
		// The simulator posts callbacks and DLRs to the console, so both
		// addresses are fixed before either starts.
		const secret = "bench-webhook-secret-0123456789"
		st, err := store.Open(filepath.Join(dir, store.FileName))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := st.SettingOrCreate(context.Background(), "webhook.secret", func() (string, error) { return secret, nil }); err != nil {
			b.Fatal(err)
		}
		st.Close()
		addr := freeAddr(b)
		hooks := "http://" + addr + "/webhooks/wavy/" + secret + "/"
		sb := startProcess(b, []string{"sandbox", "--addr", "127.0.0.1:0", "--delay-scale", "0", "--reply-rate", "-1",
			"--status-url", hooks + "sms-status", "--mo-url", hooks + "sms-mo", "--webhook-workers", "64"}, nil, sandboxListeningRE)
		env := []string{"ARAUTO_ADDR=" + addr, "ARAUTO_DATA=" + dir, "ARAUTO_PROVIDER=wavy", "ARAUTO_WAVY_API_URL=" + sb.URL,
			"ARAUTO_WAVY_APIGW_URL=" + sb.URL, "ARAUTO_WAVY_USERNAME=sandbox", "ARAUTO_WAVY_TOKEN=sandbox"}
		start := time.Now()
		console := startProcess(b, nil, env, listeningRE)
		var loads []time.Duration
		for {
			t0 := time.Now()
			if resp, err := http.Get(console.URL + "/login"); err == nil {
				resp.Body.Close()
				loads = append(loads, time.Since(t0))
			}
			_, state := campaignCounts(b, dir, id)
			if state == campaign.Completed {
				break
			}
			if time.Since(start) > 3*time.Minute {
				b.Fatalf("campaign not completed in 3 minutes")
			}
			time.Sleep(200 * time.Millisecond)
		}
		el := time.Since(start)
		// Let the delivery reports land, then count what was applied.
		deadline := time.Now().Add(60 * time.Second)
		var statuses int64
		for time.Now().Before(deadline) {
			st, err := store.Open(filepath.Join(dir, store.FileName))
			if err != nil {
				b.Fatal(err)
			}
			rc, _ := st.CampaignCounters(context.Background(), id)
			st.Close()
			statuses = rc["r:status"]
			if statuses >= n {
				break
			}
			time.Sleep(500 * time.Millisecond)
		}
		b.ReportMetric(float64(statuses), "statuses_applied")
		b.ReportMetric(time.Since(start).Seconds(), "s/with_reports")
		rss := memstat.PeakRSSMB(console.cmd.Process.Pid)
		sort.Slice(loads, func(i, j int) bool { return loads[i] < loads[j] })
		b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
		b.ReportMetric(el.Seconds(), "s/campaign")
		b.ReportMetric(rss, "console_peakRSS_MB")
		b.ReportMetric(memstat.PeakRSSMB(sb.cmd.Process.Pid), "sandbox_peakRSS_MB")
		if len(loads) > 0 {
			b.ReportMetric(float64(loads[len(loads)*95/100].Microseconds())/1000, "page_p95_ms")
			b.ReportMetric(float64(loads[len(loads)-1].Microseconds())/1000, "page_max_ms")
		}
	}
}
