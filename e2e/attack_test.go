package e2e

// Attacks on a real server process: each one measures what the process
// pays (resident memory from /proc, latency of /healthz) while it is
// attacked, bounded in time.

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"arauto/internal/memstat"
	"arauto/internal/recipient/recipienttest"
)

// consoleClient is a signed-in HTTP client with its cookies and the CSRF
// token of the last page it read, for checks a browser cannot make.
type consoleClient struct {
	t    *testing.T
	s    *server
	hc   *http.Client
	csrf string
}

var csrfValueRE = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func signInHTTP(t *testing.T, s *server, email, password string) *consoleClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &consoleClient{t: t, s: s, hc: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	c.get("/login")
	if st, _ := c.postForm("/login", url.Values{"email": {email}, "password": {password}}); st != http.StatusSeeOther {
		t.Fatalf("sign in as %s got %d, want 303", email, st)
	}
	return c
}

func (c *consoleClient) read(resp *http.Response) (int, string) {
	c.t.Helper()
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfValueRE.FindSubmatch(b); m != nil {
		c.csrf = string(m[1])
	}
	return resp.StatusCode, string(b)
}

func (c *consoleClient) get(path string) (int, string) {
	c.t.Helper()
	resp, err := c.hc.Get(c.s.URL + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	return c.read(resp)
}

func (c *consoleClient) postForm(path string, form url.Values) (int, string) {
	c.t.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", c.csrf)
	}
	resp, err := c.hc.PostForm(c.s.URL+path, form)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	return c.read(resp)
}

// upload posts a file the way the upload form does: the CSRF token first,
// then the file, then the list name.
func (c *consoleClient) upload(path, fileName string, content io.Reader, name string) (int, string) {
	c.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		err := mw.WriteField("_csrf", c.csrf)
		if err == nil {
			var fw io.Writer
			if fw, err = mw.CreateFormFile("file", fileName); err == nil {
				_, err = io.Copy(fw, content)
			}
		}
		if err == nil {
			err = mw.WriteField("name", name)
		}
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest("POST", c.s.URL+path, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("upload %s to %s: %v", fileName, path, err)
	}
	return c.read(resp)
}

// cookieHeader is the Cookie header the client would send.
func (c *consoleClient) cookieHeader() string {
	u, _ := url.Parse(c.s.URL)
	var parts []string
	for _, ck := range c.hc.Jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; ")
}

// announce opens a connection that announces a body of length bytes for
// method and path and then sends only prefix of it. It returns the
// connection, still open.
func announce(t *testing.T, s *server, method, path string, length int64, prefix []byte, headers ...string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	var head strings.Builder
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", method, path, strings.TrimPrefix(s.URL, "http://"), length)
	for i := 0; i+1 < len(headers); i += 2 {
		fmt.Fprintf(&head, "%s: %s\r\n", headers[i], headers[i+1])
	}
	head.WriteString("\r\n")
	conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write(append([]byte(head.String()), prefix...)); err != nil {
		t.Fatalf("announce %s: %v", path, err)
	}
	return conn
}

// statusWithin reads the status code of the answer on conn, 0 if none
// came within d.
func statusWithin(conn net.Conn, d time.Duration) int {
	conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// healthLatency polls /healthz for d and returns the slowest answer.
func healthLatency(t *testing.T, s *server, d time.Duration) time.Duration {
	t.Helper()
	var worst time.Duration
	hc := &http.Client{Timeout: 10 * time.Second}
	for end := time.Now().Add(d); time.Now().Before(end); {
		start := time.Now()
		resp, err := hc.Get(s.URL + "/healthz")
		took := time.Since(start)
		if err != nil {
			t.Errorf("healthz during the attack: %v", err)
			return took
		}
		resp.Body.Close()
		worst = max(worst, took)
		time.Sleep(50 * time.Millisecond)
	}
	return worst
}

// settledRSS waits for the process to answer and returns its resident
// memory in MB.
func settledRSS(t *testing.T, s *server) float64 {
	t.Helper()
	healthLatency(t, s, 300*time.Millisecond)
	return memstat.RSSMB(s.cmd.Process.Pid)
}

// TestAttackAnnouncedBodies: announcing a huge body costs nothing before
// anyone has signed in. 40 sign-in requests and 10 wrong-secret webhooks
// each announce 50 MB and send 1 KB; the server must stay responsive and
// not grow. Requests that go on sending are refused with 413 at once.
func TestAttackAnnouncedBodies(t *testing.T) {
	s := bootServer(t)
	pid := s.cmd.Process.Pid
	before := settledRSS(t, s)
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	kb := bytes.Repeat([]byte("a"), 1024)
	for range 40 {
		conns = append(conns, announce(t, s, "POST", "/login", 50<<20, kb, "Content-Type", "application/x-www-form-urlencoded"))
	}
	for range 10 {
		conns = append(conns, announce(t, s, "POST", "/webhooks/wavy/not-the-secret-000000/sms-status", 50<<20, kb, "Content-Type", "application/json"))
	}
	worst := healthLatency(t, s, 2*time.Second)
	peak := memstat.PeakRSSMB(pid)
	t.Logf("50 connections announcing 50 MB: RSS %.1f MB before, peak %.1f MB (growth %.1f MB); slowest /healthz %v",
		before, peak, peak-before, worst.Round(time.Millisecond))
	if peak-before > 40 {
		t.Errorf("memory grew by %.1f MB under announced bodies, want under 40 MB", peak-before)
	}
	if worst > 500*time.Millisecond {
		t.Errorf("slowest /healthz during the attack took %v, want under 500ms", worst)
	}

	// A client that goes on sending is told at once, before the body is
	// read, on every kind of route.
	sixteen := bytes.Repeat([]byte("a"), 16<<10)
	for _, path := range []string{"/login", "/webhooks/wavy/not-the-secret-000000/sms-status", "/lists"} {
		conn := announce(t, s, "POST", path, 50<<20, sixteen, "Content-Type", "application/x-www-form-urlencoded")
		start := time.Now()
		st := statusWithin(conn, 3*time.Second)
		conn.Close()
		if path == "/lists" {
			// Nobody signed in: sent to sign in, the body left unread.
			if st != http.StatusSeeOther {
				t.Errorf("anonymous POST /lists announcing 50 MB got %d, want 303 to sign in", st)
			}
			continue
		}
		if st != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s announcing 50 MB got %d after %v, want 413 at once", logSafe(path), st, time.Since(start).Round(time.Millisecond))
		}
	}
}

// logSafe hides a webhook secret in a test message.
func logSafe(path string) string {
	if strings.HasPrefix(path, "/webhooks/") {
		return "/webhooks/..."
	}
	return path
}

// rawPost sends a whole body over a fresh connection, writing and reading
// at the same time (the server may answer before the body is sent), and
// returns the status and how long the answer took.
func rawPost(t *testing.T, s *server, path, cookie, contentType string, body []byte) (int, time.Duration) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.URL, "http://"), 5*time.Second)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer conn.Close()
	start := time.Now()
	go func() {
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", path, cookie, contentType, len(body))
		conn.Write(body)
	}()
	st := statusWithin(conn, 30*time.Second)
	return st, time.Since(start)
}

// TestAttackComposeCountBody: the composer's counter takes the text of one
// message; a 10 MB body is refused without being held.
func TestAttackComposeCountBody(t *testing.T) {
	s := bootServer(t)
	c := signInHTTP(t, s, adminEmail, adminPassword)
	c.get("/templates/new")
	before := settledRSS(t, s)
	body := []byte("_csrf=" + url.QueryEscape(c.csrf) + "&body=" + strings.Repeat("a", 10<<20))
	st, took := rawPost(t, s, "/compose/count", c.cookieHeader(), "application/x-www-form-urlencoded", body)
	peak := memstat.PeakRSSMB(s.cmd.Process.Pid)
	t.Logf("10 MB /compose/count: status %d in %v; RSS %.1f MB before, peak %.1f MB (growth %.1f MB)", st, took.Round(time.Millisecond), before, peak, peak-before)
	if st != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MB /compose/count got %d, want 413", st)
	}
	if peak-before > 30 {
		t.Errorf("memory grew by %.1f MB for one 10 MB /compose/count, want under 30 MB", peak-before)
	}
}

// zipBomb writes a 1 MB workbook whose 31 extra entries hold 32 MiB of
// zeros each: under the old per-entry floor and the 1 GiB total.
func zipBomb(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	put := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, content)
	}
	put("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`)
	put("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	put("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plan1" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	put("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`)
	put("xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>telefone</t></is></c></row><row r="2"><c r="A2"><v>5519997712322</v></c></row></sheetData></worksheet>`)
	zeros := make([]byte, 1<<20)
	for i := range 31 {
		w, err := zw.Create(fmt.Sprintf("xl/media/blob%02d.bin", i))
		if err != nil {
			t.Fatal(err)
		}
		for range 32 {
			w.Write(zeros)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestAttackXLSXBomb: a 1 MB workbook that unzips to 992 MiB is refused
// with a message, in bounded memory.
func TestAttackXLSXBomb(t *testing.T) {
	s := bootServer(t)
	c := signInHTTP(t, s, adminEmail, adminPassword)
	c.get("/lists")
	bomb := filepath.Join(t.TempDir(), "bomba.xlsx")
	zipBomb(t, bomb)
	fi, _ := os.Stat(bomb)
	before := settledRSS(t, s)
	f, err := os.Open(bomb)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	st, body := c.upload("/lists", "bomba.xlsx", f, "Bomba")
	took := time.Since(start)
	peak := memstat.PeakRSSMB(s.cmd.Process.Pid)
	t.Logf("XLSX bomb (%d KB, 31 x 32 MiB): status %d in %v; RSS %.1f MB before, peak %.1f MB (growth %.1f MB)",
		fi.Size()>>10, st, took.Round(time.Millisecond), before, peak, peak-before)
	if st != http.StatusUnprocessableEntity || !strings.Contains(body, "descompactada excede") {
		t.Errorf("XLSX bomb upload got %d, want 422 saying the workbook expands too much", st)
	}
	if peak-before > 60 {
		t.Errorf("memory grew by %.1f MB for one XLSX bomb, want under 60 MB", peak-before)
	}
}

// TestUploadStreamsToDisk: a 40 MB list travels to disk as it arrives; the
// server's memory does not grow by the file's size.
func TestUploadStreamsToDisk(t *testing.T) {
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword, "ARAUTO_MAX_UPLOAD_MB=64")
	c := signInHTTP(t, s, adminEmail, adminPassword)
	c.get("/lists")
	csv := filepath.Join(t.TempDir(), "grande.csv")
	if err := recipienttest.GenerateCSV(csv, 1_000_000, 7); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(csv)
	before := settledRSS(t, s)
	f, err := os.Open(csv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	start := time.Now()
	st, _ := c.upload("/lists", "grande.csv", f, "Grande")
	took := time.Since(start)
	peak := memstat.PeakRSSMB(s.cmd.Process.Pid)
	t.Logf("upload of a %.1f MB CSV: status %d in %v; RSS %.1f MB before, peak %.1f MB (growth %.1f MB)",
		float64(fi.Size())/(1<<20), st, took.Round(time.Millisecond), before, peak, peak-before)
	if st != http.StatusSeeOther {
		t.Fatalf("upload got %d, want 303 to the mapping step", st)
	}
	if growth, size := peak-before, float64(fi.Size())/(1<<20); growth > size/2 {
		t.Errorf("memory grew by %.1f MB for a %.1f MB upload, want under half the file", growth, size)
	}
}

// TestShutdownClosesIdleConnections: a connection that never sent a byte
// does not hold the shutdown; a request in flight is answered; then the
// process exits 0 at once.
func TestShutdownClosesIdleConnections(t *testing.T) {
	s := bootServer(t)
	// A sign-in whose body is still on its way when the signal comes.
	body := "email=" + url.QueryEscape(adminEmail) + "&password=" + url.QueryEscape(adminPassword)
	inflight := announce(t, s, "POST", "/login", int64(len(body)), []byte(body[:10]), "Content-Type", "application/x-www-form-urlencoded")
	defer inflight.Close()
	idle, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	// A keep-alive connection that finished a request is idle too.
	kept, err := net.Dial("tcp", strings.TrimPrefix(s.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer kept.Close()
	fmt.Fprintf(kept, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	if st := statusWithin(kept, 5*time.Second); st != 200 {
		t.Fatalf("healthz on the kept connection got %d", st)
	}
	time.Sleep(100 * time.Millisecond)
	start := time.Now()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	inflight.Write([]byte(body[10:]))
	// Without a CSRF token the sign-in is refused, but it is answered.
	if st := statusWithin(inflight, 3*time.Second); st != http.StatusForbidden {
		t.Errorf("the request in flight at SIGTERM got %d, want its answer (403)", st)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	select {
	case err := <-done:
		took := time.Since(start)
		t.Logf("SIGTERM with an idle connection: exited in %v (%v)", took.Round(time.Millisecond), err)
		if err != nil {
			t.Errorf("exit after SIGTERM: %v, want status 0", err)
		}
		if took > 3*time.Second {
			t.Errorf("shutdown took %v, want under 3s", took)
		}
	case <-ctx.Done():
		t.Errorf("still running 8s after SIGTERM with one idle connection")
	}
}

// TestSandboxIsPrivate: in sandbox mode the simulator is not on the
// console's address at all; it listens on loopback with a generated token,
// so anonymous callers can neither read its recipients nor make it post.
func TestSandboxIsPrivate(t *testing.T) {
	s := bootServer(t)
	call := func(base, path, token string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("UserName", "sandbox")
		req.Header.Set("AuthenticationToken", token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s%s: %v", base, path, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, path := range []string{"/sandbox/api/v1/campaigns", "/sandbox/v1/sms/receive/list", "/sandbox/v1/sms/status/list"} {
		if st := call(s.URL, path, "sandbox"); st != http.StatusNotFound {
			t.Errorf("GET %s on the console's address with the old fixed credentials got %d, want 404", path, st)
		}
	}
	base, token := s.builtinSandbox(t)
	u, _ := url.Parse(base)
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		t.Errorf("the built-in sandbox listens on %s, want a loopback address", u.Host)
	}
	if st := call(base, "/api/v1/campaigns", "sandbox"); st != http.StatusUnauthorized {
		t.Errorf("built-in sandbox with the old fixed token got %d, want 401", st)
	}
	if st := call(base, "/api/v1/campaigns", token); st != http.StatusOK {
		t.Errorf("built-in sandbox with its generated token got %d, want 200", st)
	}
	if fi, err := os.Stat(filepath.Join(s.DataDir, "sandbox.token")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("sandbox token file: %v, want mode 600", err)
	}
}
