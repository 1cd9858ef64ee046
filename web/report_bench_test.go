package web

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arauto/internal/campaign"
	"arauto/internal/config"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/user"
	"arauto/store"
)

// benchReport is a console holding one campaign of n messages with their
// delivery columns and counters, written straight into the database.
func benchReport(b *testing.B, n int) (*testEnv, int64) {
	b.Helper()
	dir := b.TempDir()
	path := filepath.Join(dir, store.FileName)
	st, err := store.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	cfg, err := config.Load(func(k string) string {
		if k == "ARAUTO_DATA" {
			return dir
		}
		return ""
	})
	if err != nil {
		b.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)}
	srv, err := New(Deps{Config: cfg, Store: st, Log: discardLog(), Now: clk.now, WebhookSecret: testSecret})
	if err != nil {
		b.Fatal(err)
	}
	e := &testEnv{srv: srv, store: st, clock: clk}
	ctx := context.Background()
	l := &recipient.List{Name: "Base", FileName: "base.csv", Mapping: recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1}}
	if err := st.CreateList(ctx, l); err != nil {
		b.Fatal(err)
	}
	if err := st.StartListImport(ctx, l.ID, l.Mapping); err != nil {
		b.Fatal(err)
	}
	if err := st.FinishListImport(ctx, l.ID, recipient.Report{Rows: n, Valid: n, Columns: []string{"nome", "cidade"}}); err != nil {
		b.Fatal(err)
	}
	c := &campaign.Campaign{RemoteID: 1, Name: "Um milhão", Alias: "m1", Channel: campaign.SMS, ListID: l.ID, Message: "Oi {{nome}}",
		State: campaign.Completed}
	if err := st.CreateCampaign(ctx, c); err != nil {
		b.Fatal(err)
	}
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	t0 := clk.t.Add(-2 * time.Hour).UnixMilli()
	carriers := []string{"VIVO", "CLARO", "TIM", "OI", "SERCOMTEL", "NEXTEL"}
	exec := func(q string, args ...any) {
		if _, err := db.Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", q[:40], err)
		}
	}
	exec(`INSERT INTO recipients (list_id, row, phone, fields)
		WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?)
		SELECT ?, i + 2, printf('55119%08d', i), 'Cliente ' || i || char(31) || CASE i % 3 WHEN 0 THEN 'São Paulo' WHEN 1 THEN '=Rio' ELSE 'Recife' END FROM s`, n, l.ID)
	// Outcomes by i % 20: 0 failed 103, 1 not delivered 104, 2 expired,
	// 3-5 OI/Sercomtel sent without receipt... carrier by i % 6.
	exec(`INSERT INTO messages (id, campaign_id, row, phone, state, segments, submitted_at, carrier, sent_code, sent_at, delivered_code, delivered_at)
		WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i + 1 < ?)
		SELECT i + 1, ?, i + 2, printf('55119%08d', i), 'accepted', 1 + (i % 2), ? + i * 7,
			CASE i % 6 WHEN 0 THEN 'VIVO' WHEN 1 THEN 'CLARO' WHEN 2 THEN 'TIM' WHEN 3 THEN 'OI' WHEN 4 THEN 'SERCOMTEL' ELSE 'NEXTEL' END,
			CASE WHEN i % 20 = 0 THEN 103 WHEN i % 20 = 2 THEN 101 ELSE 2 END,
			? + i * 7 + 1000,
			CASE WHEN i % 20 IN (0, 2) OR i % 6 IN (3, 4) THEN 0 WHEN i % 20 = 1 THEN 104 ELSE 4 END,
			CASE WHEN i % 20 IN (0, 2) OR i % 6 IN (3, 4) THEN 0 ELSE ? + i * 7 + 1000 + (i % 50) * 200 END
		FROM s`, n, c.ID, t0, t0, t0)
	exec(`UPDATE campaigns SET first_message_id = 1, last_message_id = ?, started_at = ?, finished_at = ? WHERE id = ?`, n, t0, t0+int64(n)*7, c.ID)
	// The counters the applier would have kept.
	counts := map[string]int64{report.StateAccepted: int64(n)}
	for i := 0; i < n; i++ {
		carrier := carriers[i%6]
		sentAt := time.UnixMilli(t0 + int64(i)*7 + 1000)
		counts[report.KeyStatus]++
		switch {
		case i%20 == 0:
			counts[report.KeyFailed]++
			counts[report.CodeKey(103)]++
			counts[report.CarrierKey(carrier, report.SeriesFailed)]++
			continue
		case i%20 == 2:
			counts[report.KeyExpired]++
			counts[report.CodeKey(101)]++
			counts[report.CarrierKey(carrier, report.SeriesFailed)]++
			continue
		}
		counts[report.KeySent]++
		counts[report.CarrierKey(carrier, report.SeriesSent)]++
		counts[report.TimelineKey(sentAt, report.SeriesSent)]++
		switch {
		case i%6 == 3 || i%6 == 4:
			counts[report.KeyNoReceipt]++
		case i%20 == 1:
			counts[report.KeyFailed]++
			counts[report.CodeKey(104)]++
			counts[report.CarrierKey(carrier, report.SeriesFailed)]++
		default:
			d := time.Duration(i%50) * 200 * time.Millisecond
			counts[report.KeyDelivered]++
			counts[report.CarrierKey(carrier, report.SeriesDelivered)]++
			counts[report.TimelineKey(sentAt.Add(d), report.SeriesDelivered)]++
			counts[report.LatencyKey(d)]++
		}
	}
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for k, v := range counts {
		if _, err := tx.Exec("INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)", c.ID, k, v); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	hash, err := user.HashPassword("password-viewer@example.com")
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateUser(ctx, &user.User{Email: "viewer@example.com", PasswordHash: hash, Role: user.Viewer}); err != nil {
		b.Fatal(err)
	}
	return e, c.ID
}

func BenchmarkReportPage1M(b *testing.B) {
	n := benchSize()
	e, id := benchReport(b, n)
	cookie := signInBench(b, e)
	for _, tc := range []struct{ name, query string }{
		{"first-page", ""},
		{"next-page", "?after=500000"},
		{"filter-carrier-oi", "?carrier=OI"},
		{"filter-code-103", "?code=103"},
		{"search-number", "?q=5511900999"},
		{"live-fragment", "/live"},
	} {
		b.Run(tc.name, func(b *testing.B) {
			path := fmt.Sprintf("/campaigns/%d/report%s", id, tc.query)
			if tc.query == "/live" {
				path = fmt.Sprintf("/campaigns/%d/report/live", id)
			}
			for b.Loop() {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Cookie", cookie)
				resp, err := e.srv.App().Test(req, -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("%s got %v %v", path, resp.StatusCode, err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/page")
		})
	}
}

// BenchmarkExport1M measures the exporters themselves, writing to a
// discarding stream (fiber's App().Test would buffer the whole body).
func BenchmarkExport1M(b *testing.B) {
	n := benchSize()
	e, id := benchReport(b, n)
	loc, _ := time.LoadLocation("America/Sao_Paulo")
	job := exportJob{campaignID: id, name: "m1", lang: "pt-BR", loc: loc, columns: []string{"nome", "cidade"}}
	seeded := peakRSSMB()
	for _, tc := range []struct {
		format string
		write  func(context.Context, *bufio.Writer, exportJob) error
	}{{"csv", e.srv.writeCSV}, {"xlsx", e.srv.writeXLSX}} {
		b.Run(tc.format, func(b *testing.B) {
			for b.Loop() {
				var cw countingWriter
				w := bufio.NewWriterSize(&cw, 64<<10)
				if err := tc.write(context.Background(), w, job); err != nil {
					b.Fatal(err)
				}
				w.Flush()
				b.ReportMetric(float64(cw.n)/(1<<20), "MB")
			}
			b.ReportMetric(seeded, "seededRSS_MB")
			b.ReportMetric(peakRSSMB(), "peakRSS_MB")
		})
	}
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

func benchSize() int {
	if os.Getenv("ARAUTO_BENCH_SMALL") != "" {
		return 20000
	}
	return 1_000_000
}

// signInBench signs the viewer in and returns the session cookie.
func signInBench(b *testing.B, e *testEnv) string {
	b.Helper()
	cookies := map[string]string{}
	do := func(method, path, body string) string {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		var cs []string
		for k, v := range cookies {
			cs = append(cs, k+"="+v)
		}
		req.Header.Set("Cookie", strings.Join(cs, "; "))
		resp, err := e.srv.App().Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		for _, c := range resp.Cookies() {
			cookies[c.Name] = c.Value
		}
		raw, _ := io.ReadAll(resp.Body)
		return string(raw)
	}
	page := do("GET", "/login", "")
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		b.Fatal("no csrf on the login page")
	}
	do("POST", "/login", url.Values{"_csrf": {m[1]}, "email": {"viewer@example.com"}, "password": {"password-viewer@example.com"}}.Encode())
	var cs []string
	for k, v := range cookies {
		cs = append(cs, k+"="+v)
	}
	return strings.Join(cs, "; ")
}

func discardLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// peakRSSMB reads the process's high-water resident set size.
func peakRSSMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(line, "VmHWM:"), "kB")), &kb)
			return kb / 1024
		}
	}
	return 0
}
