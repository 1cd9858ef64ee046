package web

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"arauto/internal/memstat"
	"arauto/internal/recipient"
	"arauto/internal/recipient/recipienttest"
)

// openStream opens an event stream over a real socket, as a browser's
// EventSource does, and returns the connection and a reader of its body.
func openStream(t *testing.T, base, path string, cookies map[string]string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	var cs []string
	for k, v := range cookies {
		cs = append(cs, k+"="+v)
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\nCookie: %s\r\n\r\n", path, strings.Join(cs, "; "))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		conn.Close()
		t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		conn.Close()
		t.Fatalf("GET %s got %d %q, want an event stream", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	return conn, bufio.NewReader(resp.Body)
}

// firstEvent reads the stream up to its first event and returns its name;
// comments (": open") before it are skipped.
func firstEvent(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended or stalled before its first event: %v", err)
		}
		if name, ok := strings.CutPrefix(line, "event: "); ok {
			return strings.TrimSpace(name)
		}
	}
}

// TestEveryLiveStreamSendsItsFirstFrameLive: the first frame of each event
// stream (a campaign's progress, its report, a list's import) reaches a
// real client while the stream is still open. (The request log used to
// ask for the response body's size, which made fasthttp drain the whole
// stream first: nothing arrived until the stream ended.)
func TestEveryLiveStreamSendsItsFirstFrameLive(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	list := e.importingList(t, 400_000)
	base := e.serve(t)
	for _, tt := range []struct{ name, path, event string }{
		{"report", e.path("/events"), "report"},
		{"campaign progress", fmt.Sprintf("/campaigns/%d/events?state=running", e.campaign.ID), "progress"},
		{"list import", fmt.Sprintf("/lists/%d/events", list.ID), "progress"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			conn, r := openStream(t, base, tt.path, b.cookies)
			defer conn.Close()
			if got := firstEvent(t, r); got != tt.event {
				t.Fatalf("first event got %q, want %q", got, tt.event)
			}
			// Still open: nothing more arrives at once, and no end of body.
			conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			if _, err := r.ReadByte(); err != nil && !isTimeout(err) {
				t.Errorf("the stream ended right after its first frame: %v", err)
			}
		})
	}
	if !strings.Contains(e.logs.String(), "streamed=true") {
		t.Errorf("the request log does not mark the streamed answer:\n%s", e.logs.String())
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}

// importingList starts the import of a generated list of n rows and
// returns it while it runs.
func (e *testEnv) importingList(t *testing.T, n int) *recipient.List {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "grande.csv")
	if err := recipienttest.GenerateCSV(path, n, 7); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	l := &recipient.List{Name: "Grande", FileName: "grande.csv", FilePath: path, FileSize: st.Size()}
	if err := e.store.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	m := recipient.Mapping{PhoneColumn: 1, CorrelationColumn: -1, AreaCodeColumn: -1, HasHeader: true, Delimiter: ';'}
	if err := e.store.StartListImport(ctx, l.ID, m); err != nil {
		t.Fatal(err)
	}
	l, err = e.store.ListByID(ctx, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.imports.Start(l)
	t.Cleanup(e.srv.imports.Shutdown)
	return l
}

// TestAbandonedStreamsAreFreed: 40 report and progress streams opened and
// abandoned (the tab closed without a word) end at once and give back
// their goroutines and hub subscriptions; memory returns to where it was.
func TestAbandonedStreamsAreFreed(t *testing.T) {
	e := newReportEnv(t)
	b := e.browser(t)
	b.signIn("viewer@example.com")
	base := e.serve(t)
	topic := fmt.Sprintf("campaign:%d", e.campaign.ID)

	settle := func() (goroutines int, rss float64) {
		runtime.GC()
		time.Sleep(50 * time.Millisecond)
		return busyGoroutines(), memstat.RSSMB(0)
	}
	// One stream first, so lazily started machinery counts in the baseline.
	conn, r := openStream(t, base, e.path("/events"), b.cookies)
	firstEvent(t, r)
	conn.Close()
	waitFor(t, 2*time.Second, func() bool { return liveCount.Load() == 0 })
	g0, rss0 := settle()

	var conns []net.Conn
	for i := range 40 {
		path := e.path("/events")
		if i%2 == 1 {
			path = fmt.Sprintf("/campaigns/%d/events?state=running", e.campaign.ID)
		}
		conn, r := openStream(t, base, path, b.cookies)
		firstEvent(t, r)
		conns = append(conns, conn)
	}
	if got := liveCount.Load(); got != 40 {
		t.Fatalf("open streams got %d, want 40", got)
	}
	if got := e.srv.hub.Subscribers(topic); got != 20 {
		t.Errorf("report subscriptions got %d, want 20", got)
	}
	gOpen, rssOpen := settle()
	for _, c := range conns {
		c.Close()
	}
	start := time.Now()
	waitFor(t, 2*time.Second, func() bool { return liveCount.Load() == 0 && e.srv.hub.Subscribers(topic) == 0 })
	freed := time.Since(start)
	var g1 int
	var rss1 float64
	for end := time.Now().Add(2 * time.Second); time.Now().Before(end); {
		if g1, rss1 = settle(); g1 <= g0+2 {
			break
		}
	}
	t.Logf("goroutines %d → %d with 40 streams open → %d after they were abandoned (freed in %v); RSS %.1f → %.1f → %.1f MB",
		g0, gOpen, g1, freed.Round(time.Millisecond), rss0, rssOpen, rss1)
	if g1 > g0+2 {
		t.Errorf("goroutines after abandoning 40 streams got %d, want about %d (the baseline):\n%s", g1, g0, stacks())
	}
	if rss1 > rss0+8 {
		t.Errorf("RSS after abandoning 40 streams got %.1f MB, want about %.1f MB (the baseline)", rss1, rss0)
	}
}

// busyGoroutines counts the goroutines of this process, leaving out
// fasthttp's idle workers: its pool keeps a goroutine that served a
// connection for 10 s in case another comes, doing nothing meanwhile.
func busyGoroutines() int {
	n := 0
	for _, g := range strings.Split(stacks(), "\n\n") {
		lines := strings.Split(g, "\n")
		if len(lines) > 1 && strings.Contains(lines[0], "[chan receive") && strings.Contains(lines[1], "fasthttp.(*workerPool).workerFunc") {
			continue
		}
		n++
	}
	return n
}

func stacks() string {
	buf := make([]byte, 4<<20)
	return string(buf[:runtime.Stack(buf, true)])
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); ; time.Sleep(10 * time.Millisecond) {
		if cond() {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("condition not met within %v", d)
		}
	}
}
