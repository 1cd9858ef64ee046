package main

import (
	"arauto/internal/memstat"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/recipient"
	"arauto/store"
)

// BenchmarkWholeCampaign1M runs the console as `make run` does (built-in
// sandbox, zero delays) with a 1,000,000-recipient SMS campaign, and loads
// a page every 200 ms while it sends. It reports the dispatch rate and the
// page load times during the run.
func BenchmarkWholeCampaign1M(b *testing.B) {
	const n = 1_000_000
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		id := seedBenchCampaign(b, dir, n)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		env := map[string]string{"ARAUTO_ADDR": addr, "ARAUTO_DATA": dir, "ARAUTO_SANDBOX_DELAY_SCALE": "0",
			"ARAUTO_ADMIN_EMAIL": "admin@bench.local", "ARAUTO_ADMIN_PASSWORD": "bench-password-123", "ARAUTO_LOG_LEVEL": "warn"}
		cfg, err := config.Load(func(k string) string { return env[k] })
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- serveUntil(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
		client := signedInClient(b, "http://"+addr)
		var loads []time.Duration
		st, err := store.Open(filepath.Join(dir, store.FileName))
		if err != nil {
			b.Fatal(err)
		}
		for {
			t0 := time.Now()
			resp, err := client.Get(fmt.Sprintf("http://%s/lists", addr))
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					loads = append(loads, time.Since(t0))
				}
			}
			c, err := st.CampaignByID(context.Background(), id)
			if err != nil {
				b.Fatal(err)
			}
			if c.State == campaign.Completed {
				break
			}
			if time.Since(start) > 3*time.Minute {
				b.Fatalf("campaign not completed in 3 minutes (state %s)", c.State)
			}
			time.Sleep(200 * time.Millisecond)
		}
		el := time.Since(start)
		st.Close()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		sort.Slice(loads, func(i, j int) bool { return loads[i] < loads[j] })
		b.ReportMetric(float64(n)/el.Seconds(), "msgs/s")
		b.ReportMetric(el.Seconds(), "s/campaign")
		b.ReportMetric(memstat.PeakRSSMB(0), "peakRSS_MB")
		if len(loads) > 0 {
			b.ReportMetric(float64(loads[len(loads)*95/100].Microseconds())/1000, "page_p95_ms")
			b.ReportMetric(float64(loads[len(loads)-1].Microseconds())/1000, "page_max_ms")
		}
	}
}

func seedBenchCampaign(b *testing.B, dir string, n int) int64 {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	l := &recipient.List{Name: "Base", FileName: "base.csv"}
	if err := st.CreateList(ctx, l); err != nil {
		b.Fatal(err)
	}
	batch := make([]recipient.Recipient, 0, 10000)
	for i := 0; i < n; i++ {
		batch = append(batch, recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55119%08d", i), Fields: []string{fmt.Sprint("Cliente ", i)}})
		if len(batch) == cap(batch) || i == n-1 {
			if err := st.AddRecipients(ctx, l.ID, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome"}}); err != nil {
		b.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 1, Name: "Bench", Alias: "bench", Channel: campaign.SMS, ListID: l.ID,
		Message: "Oi {{nome}}, ofertas de hoje!", State: campaign.Scheduled, ScheduledAt: time.Now().Add(-time.Second)}
	if err := st.CreateCampaign(ctx, c); err != nil {
		b.Fatal(err)
	}
	return c.ID
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// signedInClient waits for the console and signs in as the bootstrap admin.
func signedInClient(b *testing.B, base string) *http.Client {
	b.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	var page []byte
	for i := 0; ; i++ {
		resp, err := c.Get(base + "/login")
		if err == nil {
			page, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			break
		}
		if i > 200 {
			b.Fatalf("console did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	m := csrfField.FindSubmatch(page)
	if m == nil {
		b.Fatal("no CSRF token on the sign-in page")
	}
	resp, err := c.PostForm(base+"/login", url.Values{"_csrf": {string(m[1])}, "email": {"admin@bench.local"}, "password": {"bench-password-123"}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return c
}
