package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/user"
	"arauto/store"
)

// BenchmarkTransactionalSend500 sends "order confirmed" SMS to the real
// console at a fixed 500 requests a second (an open loop: each request
// leaves on its schedule, whatever the answers before it) for 20 seconds,
// each with its own idempotency key, while the dispatcher sends them to
// the built-in sandbox and its delivery reports flow back. It reports the
// answer times' p50, p99 and max, then checks that every answered message
// was stored and then accepted by the provider, each once.
func BenchmarkTransactionalSend500(b *testing.B) {
	const (
		rate     = 500
		duration = 20 * time.Second
	)
	for range b.N {
		dir := b.TempDir()
		secret := seedToken(b, dir)
		s := startProcess(b, nil, []string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir, "ARAUTO_SANDBOX_DELAY_SCALE=0"}, listeningRE)
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 10 * time.Second}
		// The machine's floor first: the same load of GET /healthz (one
		// read, no write), so the send's figures can be read against it.
		base := openLoop(5000, rate, func(int) (*http.Request, error) { return http.NewRequest("GET", s.URL+"/healthz", nil) }, client)
		b.ReportMetric(float64(base.p(0.99).Microseconds())/1000, "healthz-p99-ms")
		total := int(rate * duration / time.Second)
		start := time.Now()
		res := openLoop(total, rate, func(i int) (*http.Request, error) {
			body := fmt.Sprintf(`{"channel":"sms","to":"119%08d","text":"Pedido %d confirmado! Obrigado pela compra.","correlation_id":"pedido-%d"}`, 81000000+i, i, i)
			req, err := http.NewRequest("POST", s.URL+"/api/v1/messages", strings.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Authorization", "Bearer "+secret)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", fmt.Sprintf("pedido-%d", i))
			return req, nil
		}, client)
		elapsed := time.Since(start)
		lat, status, p := res.lat, res.status, res.p
		accepted := 0
		for _, st := range status {
			if st == 202 {
				accepted++
			}
		}
		b.ReportMetric(float64(total)/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(p(0.50).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		if accepted != total {
			b.Fatalf("got %d of %d answered 202", accepted, total)
		}
		// Every answered message is durable and goes out.
		deadline := time.Now().Add(60 * time.Second)
		for {
			stored, sent := streamCounts(b, dir)
			if stored == total && sent == total {
				break
			}
			if time.Now().After(deadline) {
				b.Fatalf("after 60 s: %d stored and %d accepted by the provider, want %d each", stored, sent, total)
			}
			time.Sleep(500 * time.Millisecond)
		}
		b.Logf("%d requests at %d/s in %v: p50 %v, p99 %v, max %v; all stored and accepted by the provider (GET /healthz at the same rate: p50 %v, p99 %v)",
			total, rate, elapsed.Round(time.Millisecond), p(0.50), p(0.99), lat[len(lat)-1], base.p(0.50), base.p(0.99))
	}
}

// seedToken makes an admin and a token with room for the benchmark's rate.
func seedToken(b testing.TB, dir string) string {
	b.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	hash, _ := user.HashPassword(adminPassword)
	u := &user.User{Email: adminEmail, PasswordHash: hash, Role: user.Admin}
	if err := st.CreateUser(ctx, u); err != nil {
		b.Fatal(err)
	}
	secret, h := apitoken.NewSecret()
	if err := st.CreateToken(ctx, &apitoken.Token{Name: "loja", Hint: apitoken.Hint(secret), Role: user.Marketer, OwnerID: u.ID,
		RatePerMinute: apitoken.MaxPerMinute, CreatedAt: time.Now()}, h); err != nil {
		b.Fatal(err)
	}
	return secret
}

// streamCounts reads, from the database, how many transactional messages
// are stored and how many the provider accepted.
func streamCounts(b *testing.B, dir string) (stored, sent int) {
	b.Helper()
	st, err := store.Open(filepath.Join(dir, store.FileName))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	n, acc, err := st.TransactionalTotals(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return n, acc
}

// loadResult is the answer times of an open-loop load, sorted.
type loadResult struct {
	lat    []time.Duration
	status []int
}

func (r loadResult) p(q float64) time.Duration {
	return r.lat[min(len(r.lat)-1, int(float64(len(r.lat))*q))]
}

// openLoop sends n requests at rate a second, each at its scheduled time,
// and measures each answer from that time.
func openLoop(n, rate int, mk func(i int) (*http.Request, error), client *http.Client) loadResult {
	r := loadResult{lat: make([]time.Duration, n), status: make([]int, n)}
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		at := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			req, err := mk(i)
			if err != nil {
				r.status[i] = -1
				return
			}
			resp, err := client.Do(req)
			if err != nil {
				r.status[i] = -1
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			r.lat[i], r.status[i] = time.Since(at), resp.StatusCode
		}(i)
	}
	wg.Wait()
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}
