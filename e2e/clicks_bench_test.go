package e2e

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/clicks"
	"arauto/internal/recipient"
	"arauto/store"
)

// BenchmarkShortLinkRedirects drives the real console (its own process)
// with GET /r/{code} for tracked messages at a fixed rate from this
// process (an open loop: requests leave on schedule whether or not the
// earlier ones were answered), and checks afterwards that every click was
// recorded. Reported: the rate achieved, p50/p99/max latency, and the
// clicks found in the database.
func BenchmarkShortLinkRedirects(b *testing.B) {
	const (
		recipients = 5000
		rate       = 5000
		duration   = 10 * time.Second
	)
	for range b.N {
		dir := b.TempDir()
		ctx := context.Background()
		st, err := store.Open(filepath.Join(dir, store.FileName))
		if err != nil {
			b.Fatal(err)
		}
		l := &recipient.List{Name: "Base", FileName: "base.csv"}
		if err := st.CreateList(ctx, l); err != nil {
			b.Fatal(err)
		}
		rs := make([]recipient.Recipient, recipients)
		for i := range rs {
			rs[i] = recipient.Recipient{Row: i + 2, Phone: fmt.Sprintf("55119%08d", 10_000_000+i*7919%80_000_000), Fields: []string{fmt.Sprint("Cliente ", i)}}
		}
		if err := st.AddRecipients(ctx, l.ID, rs); err != nil {
			b.Fatal(err)
		}
		if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: recipients, Valid: recipients, Columns: []string{"nome"}}); err != nil {
			b.Fatal(err)
		}
		c := &campaign.Campaign{RemoteID: 9201, Name: "Bench links", Alias: "bench-links", Channel: campaign.SMS, ListID: l.ID,
			Message: "Oi {{nome}}, veja https://loja.example.com/ofertas", State: campaign.Draft}
		if err := st.CreateCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		if err := st.SetCampaignClickTracking(ctx, c.ID, true, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := st.SaveTrackedLinks(ctx, c.ID, []string{"https://loja.example.com/ofertas"}, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := st.LaunchCampaign(ctx, c.ID, time.Now(), recipients, time.Now()); err != nil {
			b.Fatal(err)
		}
		st.Close()
		s := startProcess(b, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
		for deadline := time.Now().Add(120 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if _, state := campaignCounts(b, dir, c.ID); state == campaign.Completed {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("campaign did not complete; log:\n%s", s.Log())
			}
		}
		st, err = store.Open(filepath.Join(dir, store.FileName))
		if err != nil {
			b.Fatal(err)
		}
		secret, err := st.ClickSecret(ctx)
		if err != nil {
			b.Fatal(err)
		}
		sets, err := st.LinkSets(ctx)
		if err != nil || len(sets) != 1 {
			b.Fatalf("link sets got %v %v", sets, err)
		}
		first := sets[0].First
		// The simulator's own recipients click too, within seconds of the
		// deliveries: let them finish, and count the load's clicks over
		// theirs.
		var base int64
		for stable, last := 0, int64(-1); stable < 8; time.Sleep(250 * time.Millisecond) {
			counts, err := st.CampaignCounters(ctx, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			if base = counts["r:clicks"] + counts["r:previews"]; base == last {
				stable++
			} else {
				last, stable = base, 0
			}
		}
		links := clicks.NewLinks(secret, s.URL)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		total := int(rate * duration / time.Second)
		start := time.Now()
		res := openLoop(total, rate, func(i int) (*http.Request, error) {
			req, err := http.NewRequest("GET", links.URL(first+int64(i%recipients), 0), nil)
			if err != nil {
				return nil, err
			}
			req.Header.Set("User-Agent", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")
			return req, nil
		}, client)
		elapsed := time.Since(start)
		redirected := 0
		for _, code := range res.status {
			if code == http.StatusFound {
				redirected++
			}
		}
		b.ReportMetric(float64(redirected)/elapsed.Seconds(), "redirects/s")
		b.ReportMetric(float64(res.p(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(res.p(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(res.lat[len(res.lat)-1].Microseconds())/1000, "max-ms")
		if redirected != total {
			b.Errorf("got %d of %d answered 302", redirected, total)
		}
		// Every redirect left a click (or, for a message whose receipt is
		// still unknown, a click held back DecideAfter at most).
		var recorded int64
		for deadline := time.Now().Add(clicks.DecideAfter + 20*time.Second); ; time.Sleep(250 * time.Millisecond) {
			counts, err := st.CampaignCounters(ctx, c.ID)
			if err != nil {
				b.Fatal(err)
			}
			recorded = counts["r:clicks"] + counts["r:previews"] - base
			if recorded >= int64(redirected) || time.Now().After(deadline) {
				break
			}
		}
		st.Close()
		b.ReportMetric(float64(recorded), "clicks-recorded")
		if recorded != int64(redirected) {
			b.Errorf("recorded %d clicks for %d redirects", recorded, redirected)
		}
	}
}
