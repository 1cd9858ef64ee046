package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"arauto/internal/config"
	"arauto/internal/user"
)

// part is one part of a multipart body, in the order given.
type part struct {
	name, fileName string
	content        []byte
}

// multipartBody builds a multipart/form-data body from parts in order.
func multipartBody(parts ...part) (*bytes.Buffer, string) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for _, p := range parts {
		if p.fileName != "" {
			fw, _ := mw.CreateFormFile(p.name, p.fileName)
			fw.Write(p.content)
			continue
		}
		mw.WriteField(p.name, string(p.content))
	}
	mw.Close()
	return &body, mw.FormDataContentType()
}

// send makes a request with the browser's cookies.
func (b *browser) send(method, path, contentType string, body io.Reader, hdr ...string) result {
	b.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	var cs []string
	for k, v := range b.cookies {
		cs = append(cs, k+"="+v)
	}
	req.Header.Set("Cookie", strings.Join(cs, "; "))
	resp, err := b.env.srv.App().Test(req, -1)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	for _, c := range resp.Cookies() {
		b.cookies[c.Name] = c.Value
	}
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return result{resp.StatusCode, string(raw), resp.Header.Get("Location")}
}

func uploadedFiles(t *testing.T, e *testEnv) []string {
	t.Helper()
	entries, _ := os.ReadDir(filepath.Join(e.srv.cfg.DataDir, "uploads"))
	var names []string
	for _, en := range entries {
		names = append(names, en.Name())
	}
	return names
}

// TestUploadChecksBeforeStoring: an upload is stored only for a signed-in
// marketer whose form carries the right CSRF token first, and a file over
// the limit is refused on its announced length with both sizes named,
// inside the app's layout.
func TestUploadChecksBeforeStoring(t *testing.T) {
	csv := []byte("nome;telefone\nAna;5519997712322\nBia;5519997712323\n")
	big := bytes.Repeat([]byte("5519997712322\n"), (2<<20)/14+1)
	tests := []struct {
		name     string
		who      string
		parts    func(csrf string) []part
		status   int
		contains []string
		stored   int
	}{
		{"anonymous", "", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"file", "a.csv", csv}}
		}, 303, nil, 0},
		{"viewer", "view@example.com", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"file", "a.csv", csv}}
		}, 403, nil, 0},
		{"no token", "mkt@example.com", func(string) []part {
			return []part{{"file", "a.csv", csv}}
		}, 403, []string{"O formulário expirou"}, 0},
		{"wrong token", "mkt@example.com", func(string) []part {
			return []part{{"_csrf", "", []byte("not-the-token")}, {"file", "a.csv", csv}}
		}, 403, nil, 0},
		{"token after the file", "mkt@example.com", func(csrf string) []part {
			return []part{{"file", "a.csv", csv}, {"_csrf", "", []byte(csrf)}}
		}, 403, nil, 0},
		{"over the limit", "mkt@example.com", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"file", "grande.csv", big}}
		}, 413, []string{"O arquivo tem 2 MB; o limite é 1 MB.", `href="/campaigns"`}, 0},
		{"not a list format", "mkt@example.com", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"file", "foto.pdf", csv}}
		}, 422, []string{"foto.pdf"}, 0},
		{"no file", "mkt@example.com", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"name", "", []byte("Sem arquivo")}}
		}, 422, nil, 0},
		{"good", "mkt@example.com", func(csrf string) []part {
			return []part{{"_csrf", "", []byte(csrf)}, {"file", "clientes.csv", csv}, {"name", "", []byte("Clientes")}}
		}, 303, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestServer(t)
			e.addUser(t, "mkt@example.com", user.Marketer)
			e.addUser(t, "view@example.com", user.Viewer)
			b := e.browser(t)
			if tt.who != "" {
				b.signIn(tt.who)
			}
			b.do("GET", "/lists", nil)
			body, ct := multipartBody(tt.parts(b.csrf)...)
			r := b.send("POST", "/lists", ct, body)
			if r.status != tt.status {
				t.Fatalf("got %d, want %d; body:\n%.400s", r.status, tt.status, r.body)
			}
			for _, want := range tt.contains {
				if !strings.Contains(r.body, want) {
					t.Errorf("answer lacks %q", want)
				}
			}
			if got := uploadedFiles(t, e); len(got) != tt.stored {
				t.Errorf("got %d stored uploads %v, want %d", len(got), got, tt.stored)
			}
			if tt.stored > 0 && !strings.HasSuffix(r.location, "/mapping") {
				t.Errorf("good upload went to %q, want the mapping step", r.location)
			}
		})
	}
}

// TestUploadedFilesArePrivate: stored uploads and their directory are
// readable by the console's user only.
func TestUploadedFilesArePrivate(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/lists", nil)
	body, ct := multipartBody(part{"_csrf", "", []byte(b.csrf)}, part{"file", "a.csv", []byte("telefone\n5519997712322\n")})
	if r := b.send("POST", "/lists", ct, body); r.status != 303 {
		t.Fatalf("upload got %d, want 303", r.status)
	}
	dir := filepath.Join(e.srv.cfg.DataDir, "uploads")
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if mode := st.Mode().Perm(); mode != 0o700 {
		t.Errorf("uploads directory mode %o, want 700", mode)
	}
	for _, name := range uploadedFiles(t, e) {
		fi, _ := os.Stat(filepath.Join(dir, name))
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("upload %s mode %o, want 600", name, mode)
		}
	}
}

// TestBodyLimits: every route but the uploads takes a small body; a larger
// one is refused with the error page and its security headers.
func TestBodyLimits(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/templates/new", nil)
	tests := []struct {
		name   string
		path   string
		body   string
		hdr    []string
		status int
	}{
		{"sign-in with a 200 KB body", "/login", "email=a%40b.c&password=" + strings.Repeat("x", 200<<10), nil, 413},
		{"composer count with a 200 KB message", "/compose/count", "_csrf=" + url.QueryEscape(b.csrf) + "&body=" + strings.Repeat("a", 200<<10), nil, 413},
		{"composer count with a long message", "/compose/count", "_csrf=" + url.QueryEscape(b.csrf) + "&body=" + strings.Repeat("a", 1200), nil, 200},
		{"compressed body", "/login", "email=a", []string{"Content-Encoding", "gzip"}, 415},
		{"webhook of 2 MB", "/webhooks/wavy/" + testSecret + "/sms-status", strings.Repeat(" ", 2<<20), nil, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.send("POST", tt.path, "application/x-www-form-urlencoded", strings.NewReader(tt.body), tt.hdr...)
			if r.status != tt.status {
				t.Fatalf("got %d, want %d", r.status, tt.status)
			}
		})
	}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(strings.Repeat("x", 200<<10)))
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, h := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("413 answer lacks %s", h)
		}
	}
}

// TestSecurityHeadersOnEarlyErrors: an answer fasthttp makes before any
// route (here: headers too large) carries the security headers too.
func TestSecurityHeadersOnEarlyErrors(t *testing.T) {
	e := newTestServer(t)
	base := e.serve(t)
	req, _ := http.NewRequest("GET", base+"/login", nil)
	req.Header.Set("X-Big", strings.Repeat("y", 20<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode < 400 {
		t.Fatalf("oversized headers got %d, want an error", resp.StatusCode)
	}
	if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("early error %d lacks the security headers: %v", resp.StatusCode, resp.Header)
	}
}

// TestHSTSOnlyOverHTTPS: browsers are told to keep to https only when the
// console is served over it.
func TestHSTSOnlyOverHTTPS(t *testing.T) {
	for _, tt := range []struct {
		public string
		want   bool
	}{{"http://127.0.0.1:8080", false}, {"https://arauto.example.com", true}} {
		e := newTestServer(t)
		e.srv.cfg.PublicURL = tt.public
		resp, err := e.srv.App().Test(httptest.NewRequest("GET", "/login", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Strict-Transport-Security") != ""; got != tt.want {
			t.Errorf("public URL %s: HSTS %v, want %v", tt.public, got, tt.want)
		}
	}
}

// TestWebhookSecretNotLogged: answers to webhook URLs are logged with the
// secret masked.
func TestWebhookSecretNotLogged(t *testing.T) {
	e := newTestServer(t)
	for _, path := range []string{"/webhooks/wavy/" + testSecret + "/nonsense", "/webhooks/wavy/" + testSecret + "/sms-status"} {
		req := httptest.NewRequest("POST", path, strings.NewReader(`{"id":`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := e.srv.App().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode < 400 {
			t.Fatalf("POST %s got %d, want a 4xx", logPath(path), resp.StatusCode)
		}
	}
	logs := e.logs.String()
	if strings.Contains(logs, testSecret) {
		t.Errorf("the log shows the webhook secret:\n%s", logs)
	}
	if !strings.Contains(logs, "/webhooks/wavy/***/sms-status") {
		t.Errorf("the log lacks the masked webhook path:\n%s", logs)
	}
}

// serve runs the server on a real loopback socket until the test ends and
// returns its base URL.
func (e *testEnv) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- e.srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := e.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		<-done
	})
	return "http://" + ln.Addr().String()
}

// TestMappingStepReadsTheFileOnce: the mapping step shows what the upload's
// inspection found without reading the file again (a workbook used to be
// unzipped on every visit).
func TestMappingStepReadsTheFileOnce(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "mkt@example.com", user.Marketer)
	b := e.browser(t)
	b.signIn("mkt@example.com")
	b.do("GET", "/lists", nil)
	body, ct := multipartBody(part{"_csrf", "", []byte(b.csrf)}, part{"file", "clientes.csv", []byte("Nome;Celular;Cidade\nAna;5519997712322;Campinas\n")})
	r := b.send("POST", "/lists", ct, body)
	if r.status != 303 {
		t.Fatalf("upload got %d, want 303", r.status)
	}
	files := uploadedFiles(t, e)
	if len(files) != 1 {
		t.Fatalf("got uploads %v, want one", files)
	}
	// Whatever is on disk now is not read again.
	if err := os.WriteFile(filepath.Join(e.srv.cfg.DataDir, "uploads", files[0]), []byte("\x00\x01\x02 not a list"), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r := b.do("GET", r.location, nil)
		if r.status != 200 || !strings.Contains(r.body, "{{cidade}}") || !strings.Contains(r.body, "Campinas") {
			t.Fatalf("mapping page got %d, want the columns found at upload:\n%.600s", r.status, r.body)
		}
	}
	// Once the upload is gone, the page says so.
	os.Remove(filepath.Join(e.srv.cfg.DataDir, "uploads", files[0]))
	if r := b.do("GET", r.location, nil); r.status != 410 {
		t.Errorf("mapping page without the upload got %d, want 410", r.status)
	}
}

// TestSignOutEndsTheSessionOnTheServer: after signing out, a copy of the
// cookie taken before no longer opens the console; the same person signed
// in on another device stays signed in.
func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Viewer)
	laptop, phone := e.browser(t), e.browser(t)
	laptop.signIn("ana@example.com")
	phone.signIn("ana@example.com")
	stolen := e.browser(t)
	for k, v := range laptop.cookies {
		stolen.cookies[k] = v
	}
	if r := stolen.do("GET", "/", nil); r.status != 200 {
		t.Fatalf("copied cookie before sign-out got %d, want 200", r.status)
	}
	laptop.do("GET", "/", nil)
	if r := laptop.post("/logout", nil); r.status != 303 {
		t.Fatalf("sign out got %d, want 303", r.status)
	}
	if r := stolen.do("GET", "/", nil); r.status != 303 || !strings.HasPrefix(r.location, "/login") {
		t.Errorf("copied cookie after sign-out got %d %q, want 303 to /login", r.status, r.location)
	}
	if r := laptop.do("GET", "/", nil); r.status != 303 {
		t.Errorf("signed-out browser got %d, want 303", r.status)
	}
	if r := phone.do("GET", "/", nil); r.status != 200 {
		t.Errorf("the other device got %d after signing out elsewhere, want 200", r.status)
	}
}

// TestPasswordChangeEndsOtherSessions: changing the password keeps this
// session and ends every other one.
func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "ana@example.com", user.Viewer)
	here, there := e.browser(t), e.browser(t)
	here.signIn("ana@example.com")
	there.signIn("ana@example.com")
	here.do("GET", "/account", nil)
	r := here.post("/account/password", url.Values{"current_password": {"password-ana@example.com"},
		"password": {"uma frase nova e longa"}, "password_confirm": {"uma frase nova e longa"}})
	if r.status != 303 {
		t.Fatalf("change password got %d, want 303:\n%.500s\n%s", r.status, r.body, e.logs.String())
	}
	if r := here.do("GET", "/", nil); r.status != 200 {
		t.Errorf("this session after the change got %d, want 200", r.status)
	}
	if r := there.do("GET", "/", nil); r.status != 303 {
		t.Errorf("the other session after the change got %d, want 303", r.status)
	}
}

// TestSignInRedirectStaysOnSite: whatever next= says, signing in lands on
// a page of this site, read as a browser would read the Location.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	tests := []struct{ next, want string }{
		{"/campaigns/7?tab=report", "/campaigns/7?tab=report"},
		{"/lists", "/lists"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/%2F/evil.example", "/"},
		{"/%2f%2fevil.example", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/\u0085/evil.example", "/"},
		{"campaigns", "/"},
	}
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Viewer)
	for _, tt := range tests {
		b := e.browser(t)
		b.do("GET", "/login?next="+url.QueryEscape(tt.next), nil)
		r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"password-ana@example.com"}, "next": {tt.next}})
		if r.status != 303 || r.location != tt.want {
			t.Errorf("sign in with next=%q went %d to %q, want %q", tt.next, r.status, r.location, tt.want)
		}
	}
}

// signInFrom tries a password as a browser behind the given
// X-Forwarded-For and returns the status.
func (b *browser) signInFrom(xff, email, password string) int {
	b.t.Helper()
	b.do("GET", "/login", nil, "X-Forwarded-For", xff)
	form := url.Values{"email": {email}, "password": {password}, "_csrf": {b.csrf}}
	return b.do("POST", "/login", form, "X-Forwarded-For", xff).status
}

// TestNobodyIsLockedOutByOthers: behind the reverse proxy everyone shares
// its address; with ARAUTO_TRUSTED_PROXIES the client's own address is
// used, an attacker guessing Ana's password slows only themselves down,
// and Ana, who knows it, signs in at once.
func TestNobodyIsLockedOutByOthers(t *testing.T) {
	e := newTestServer(t)
	e.srv.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/32")} // the test transport's address
	e.addUser(t, "ana@example.com", user.Admin)
	e.addUser(t, "bia@example.com", user.Marketer)
	attacker := e.browser(t)
	const evil = "203.0.113.66"
	for i := range 40 {
		if st := attacker.signInFrom(evil, "ana@example.com", fmt.Sprintf("guess %d guess", i)); st != 401 && st != 429 {
			t.Fatalf("guess %d got %d, want 401 or 429", i, st)
		}
		e.clock.add(2 * time.Second)
	}
	if st := attacker.signInFrom(evil, "ana@example.com", "another guess"); st != 429 {
		t.Errorf("the attacker's next guess got %d, want 429 (slowed down)", st)
	}
	// A spoofed leftmost hop changes nothing: the proxy appended the
	// attacker's real address.
	if st := attacker.signInFrom("198.51.100.7, "+evil, "ana@example.com", "spoofed guess"); st != 429 {
		t.Errorf("a guess with a spoofed X-Forwarded-For got %d, want 429", st)
	}
	if st := e.browser(t).signInFrom("198.51.100.7", "ana@example.com", "password-ana@example.com"); st != 303 {
		t.Errorf("Ana with her password from her own address got %d, want 303 (signed in)", st)
	}
	if st := e.browser(t).signInFrom("198.51.100.8", "bia@example.com", "password-bia@example.com"); st != 303 {
		t.Errorf("Bia got %d, want 303", st)
	}
}

// TestSignInBackoff: the pair that fails waits one second after its fifth
// failure, two after the sixth, and so on; the wait is said in the page.
func TestSignInBackoff(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Admin)
	b := e.browser(t)
	for i := range 5 {
		if st := b.signInFrom("", "ana@example.com", "wrong password"); st != 401 {
			t.Fatalf("failure %d got %d, want 401", i+1, st)
		}
	}
	b.do("GET", "/login", nil)
	r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"password-ana@example.com"}})
	if r.status != 429 || !strings.Contains(r.body, "Aguarde 1 s") {
		t.Errorf("right password within the pair's own wait got %d, want 429 saying to wait 1 s", r.status)
	}
	e.clock.add(time.Second)
	if st := b.signInFrom("", "ana@example.com", "wrong again"); st != 401 {
		t.Errorf("after the wait got %d, want another try (401)", st)
	}
	b.do("GET", "/login", nil)
	if r := b.post("/login", url.Values{"email": {"ana@example.com"}, "password": {"x"}}); r.status != 429 || !strings.Contains(r.body, "Aguarde 2 s") {
		t.Errorf("after the sixth failure got %d, want 429 saying to wait 2 s", r.status)
	}
	e.clock.add(2 * time.Second)
	if st := b.signInFrom("", "ana@example.com", "password-ana@example.com"); st != 303 {
		t.Errorf("right password after the wait got %d, want 303", st)
	}
}

// TestPasswordSprayingSlowsTheAddress: one address failing across many
// accounts waits as a whole, except for accounts it signed in to before.
func TestPasswordSprayingSlowsTheAddress(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Admin)
	e.addUser(t, "bia@example.com", user.Marketer)
	if st := e.browser(t).signInFrom("", "bia@example.com", "password-bia@example.com"); st != 303 {
		t.Fatalf("Bia's first sign-in got %d", st)
	}
	spray := e.browser(t)
	for i := range 20 {
		spray.signInFrom("", fmt.Sprintf("user%d@example.com", i), "Verao2026!!")
	}
	if st := spray.signInFrom("", "ana@example.com", "Verao2026!!"); st != 429 {
		t.Errorf("the 21st sprayed guess got %d, want 429", st)
	}
	if st := e.browser(t).signInFrom("", "bia@example.com", "password-bia@example.com"); st != 303 {
		t.Errorf("Bia, who signed in from this address before, got %d, want 303", st)
	}
}

// TestPasswordChangeIsThrottled: guessing the current password on the
// account page slows down too.
func TestPasswordChangeIsThrottled(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	e.addUser(t, "ana@example.com", user.Viewer)
	b := e.browser(t)
	b.signIn("ana@example.com")
	statuses := map[int]int{}
	for i := range 30 {
		b.do("GET", "/account", nil)
		r := b.post("/account/password", url.Values{"current_password": {fmt.Sprintf("guess-%02d-guess", i)},
			"password": {"uma frase nova e longa"}, "password_confirm": {"uma frase nova e longa"}})
		statuses[r.status]++
	}
	if statuses[422] != 5 || statuses[429] != 25 {
		t.Errorf("30 quick guesses of the current password got %v, want 5 checked (422) and 25 slowed down (429)", statuses)
	}
	for _, tt := range []struct{ pw, want string }{
		{strings.Repeat(" ", 12), "não pode ser só espaços"},
		{"1234567890", "primeiras que um invasor tenta"},
	} {
		e.clock.add(time.Hour)
		b.do("GET", "/account", nil)
		r := b.post("/account/password", url.Values{"current_password": {"password-ana@example.com"}, "password": {tt.pw}, "password_confirm": {tt.pw}})
		if r.status != 422 || !strings.Contains(r.body, tt.want) {
			t.Errorf("new password %q got %d, want 422 saying %q", tt.pw, r.status, tt.want)
		}
	}
}

func TestNeutralizeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"+55 11", "'+55 11"},
		{"-Bia", "'-Bia"},
		{"@Maxi", "'@Maxi"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1", "'\r=1"},
		{"＝HYPERLINK(\"http://x\")", "'＝HYPERLINK(\"http://x\")"},
		{"＋1", "'＋1"},
		{"－1", "'－1"},
		{"＠SUM(A1)", "'＠SUM(A1)"},
		{"﹦1+1", "'﹦1+1"},
		{"﹢1", "'﹢1"},
		{"﹣1", "'﹣1"},
		{"−1", "'−1"},
		{"  =1+1", "'  =1+1"},
		{"\u3000＝1", "'\u3000＝1"},
		{"João", "João"},
		{"5511987654321", "5511987654321"},
		{"a=b", "a=b"},
		{"", ""},
		{"   ", "   "},
	}
	for _, tt := range tests {
		if got := neutralizeCell(tt.in); got != tt.want {
			t.Errorf("neutralizeCell(%q) got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestNewHostNeedsTheTokenAgain: the saved Wavy token is never sent to a
// host an admin types in later without typing the token again.
func TestNewHostNeedsTheTokenAgain(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "admin@example.com", user.Admin)
	b := e.browser(t)
	b.signIn("admin@example.com")
	save := func(apiURL, apigwURL, token string) result {
		b.do("GET", "/settings", nil)
		return b.post("/settings/provider", url.Values{"mode": {"wavy"}, "api_url": {apiURL}, "apigw_url": {apigwURL},
			"username": {"loja"}, "token": {token}})
	}
	if r := save("https://api-messaging.wavy.global", "https://apigw.wavy.global", "token-certo-1234"); r.status != 303 {
		t.Fatalf("first save got %d, want 303", r.status)
	}
	tests := []struct {
		name, api, apigw, token string
		status                  int
	}{
		{"same hosts keep the saved token", "https://api-messaging.wavy.global/", "https://apigw.wavy.global", "", 303},
		{"defaults are the same hosts", "", "", "", 303},
		{"another API host without the token", "https://evil.example", "https://apigw.wavy.global", "", 422},
		{"another apigw host without the token", "https://api-messaging.wavy.global", "http://10.0.0.5:8080", "", 422},
		{"another host with the token typed again", "https://api.parceiro.example", "https://apigw.parceiro.example", "token-novo-5678", 303},
		{"back to Wavy without the token", "https://api-messaging.wavy.global", "https://apigw.wavy.global", "", 422},
	}
	for _, tt := range tests {
		r := save(tt.api, tt.apigw, tt.token)
		if r.status != tt.status {
			t.Errorf("%s: got %d, want %d", tt.name, r.status, tt.status)
		}
		if tt.status == 422 && !strings.Contains(r.body, "informe o token de novo") {
			t.Errorf("%s: the page does not ask for the token again", tt.name)
		}
	}
	saved, err := e.store.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if p := e.srv.cfg.EffectiveProvider(saved); p.APIURL != "https://api.parceiro.example" || p.Token != "token-novo-5678" {
		t.Errorf("got %s with token %q saved, want the partner host with the token typed for it", p.APIURL, config.TokenHint(p.Token))
	}
}

// TestChunkedBodiesAreLimitedToo: a body sent without a length (chunked)
// is read under the same limit.
func TestChunkedBodiesAreLimitedToo(t *testing.T) {
	e := newTestServer(t)
	e.addUser(t, "ana@example.com", user.Viewer)
	base := e.serve(t)
	post := func(body string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/login", io.NopCloser(strings.NewReader(body)))
		req.ContentLength = -1 // sent chunked
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("chunked POST: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := post("email=ana%40example.com&password=" + strings.Repeat("x", 200<<10)); st != 413 {
		t.Errorf("chunked 200 KB sign-in got %d, want 413", st)
	}
	// Within the limit it is read whole: refused for its missing CSRF token.
	if st := post("email=ana%40example.com&password=wrong"); st != 403 {
		t.Errorf("small chunked sign-in got %d, want 403 (read, then refused for CSRF)", st)
	}
}

// TestBuiltinSandboxOnlyInSandboxMode: the simulator's own listener answers
// only while the sandbox is the provider in effect, so with real
// credentials in use it cannot feed invented events into the webhooks.
func TestBuiltinSandboxOnlyInSandboxMode(t *testing.T) {
	e := newTestServer(t)
	sim := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "simulator") })
	srv, err := New(Deps{Config: e.srv.cfg, Store: e.store, Log: e.srv.log, Now: e.clock.now, WebhookSecret: testSecret, Sandbox: sim})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.ServeSandbox(ln)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	get := func() int {
		t.Helper()
		resp, err := http.Get("http://" + ln.Addr().String() + "/api/v1/campaigns")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(); st != 200 {
		t.Errorf("sandbox mode got %d, want the simulator (200)", st)
	}
	if err := e.store.SaveSettings(context.Background(), map[string]string{config.SettingProvider: config.ProviderWavy}); err != nil {
		t.Fatal(err)
	}
	if st := get(); st != 404 {
		t.Errorf("wavy mode got %d, want 404", st)
	}
}
