package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"arauto/store/storetest"

	"github.com/playwright-community/playwright-go"
)

var (
	binary  string
	pw      *playwright.Playwright
	browser playwright.Browser
	expect  = playwright.NewPlaywrightAssertions(5000)
	shotDir string
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(here))
	shotDir = filepath.Join(root, "e2e", "screenshots")
	os.MkdirAll(shotDir, 0o755)

	tmp, err := os.MkdirTemp("", "arauto-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	// ARAUTO_E2E_BINARY runs the journeys against a binary built elsewhere
	// (an older commit, to measure a fix against what came before).
	binary = os.Getenv("ARAUTO_E2E_BINARY")
	if binary == "" {
		binary = filepath.Join(tmp, "arauto")
		build := exec.Command("go", "build", "-o", binary, ".")
		build.Dir = root
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: build arauto:", err)
			return 1
		}
	}

	driver := os.Getenv("PLAYWRIGHT_DRIVER_PATH")
	if driver == "" {
		driver = filepath.Join(root, ".cache", "playwright-driver")
	}
	if _, err := os.Stat(filepath.Join(driver, "package", "cli.js")); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: no Playwright driver in %s: run `make e2e-setup` first\n", driver)
		return 1
	}
	pw, err = playwright.Run(&playwright.RunOptions{DriverDirectory: driver, SkipInstallBrowsers: true, Stdout: io.Discard})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: start playwright:", err)
		return 1
	}
	defer pw.Stop()
	exe := chromiumPath()
	if exe == "" {
		fmt.Fprintln(os.Stderr, "e2e: Chromium not found: run `make e2e-setup` first")
		return 1
	}
	browser, err = pw.Chromium.Launch(playwright.BrowserTypeLaunchOptions{
		ExecutablePath: playwright.String(exe),
		Headless:       playwright.Bool(true),
		Args: []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
			"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: launch chromium:", err)
		return 1
	}
	defer browser.Close()
	return m.Run()
}

func chromiumPath() string {
	for _, p := range []string{os.Getenv("ARAUTO_E2E_CHROMIUM"), "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	return ""
}

// server is one running arauto process.
type server struct {
	URL     string
	DataDir string
	cmd     *exec.Cmd
	logMu   sync.Mutex
	log     strings.Builder
}

var (
	listeningRE        = regexp.MustCompile(`msg=listening addr=(\S+)`)
	sandboxListeningRE = regexp.MustCompile(`msg="sandbox: listening" addr=(\S+)`)
)

// startServer runs arauto on a free loopback port with a fresh data dir and
// the given extra environment. It stops the process when the test ends.
// With ARAUTO_TEST_DATABASE_URL set (make unit-pg), the console keeps its
// state in a fresh PostgreSQL schema instead of SQLite.
func startServer(t *testing.T, env ...string) *server {
	t.Helper()
	dir := t.TempDir()
	if storetest.Postgres() {
		env = append([]string{"ARAUTO_DATABASE_URL=" + storetest.PostgresSchema(t)}, env...)
	}
	s := startProcess(t, nil, append([]string{"ARAUTO_ADDR=127.0.0.1:0", "ARAUTO_DATA=" + dir}, env...), listeningRE)
	s.DataDir = dir
	return s
}

// startSandbox runs `arauto sandbox` alone, as a stand-in for the real
// Wavy API.
func startSandbox(t *testing.T, args ...string) *server {
	t.Helper()
	return startProcess(t, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...), nil, sandboxListeningRE)
}

// startProcess runs the arauto binary and waits for the log line that
// says where it listens.
func startProcess(t testing.TB, args, env []string, listening *regexp.Regexp) *server {
	t.Helper()
	s := &server{}
	s.cmd = exec.Command(binary, args...)
	s.cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
	}, env...)
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start arauto: %v", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			s.logMu.Lock()
			s.log.WriteString(line + "\n")
			s.logMu.Unlock()
			if m := listening.FindStringSubmatch(line); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
	}()
	select {
	case a := <-addr:
		s.URL = "http://" + a
	case <-time.After(20 * time.Second):
		s.cmd.Process.Kill()
		t.Fatalf("arauto did not start in 20s; log:\n%s", s.Log())
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.Log())
		}
	})
	return s
}

var builtinSandboxRE = regexp.MustCompile(`msg="built-in sandbox listening" addr=(\S+)`)

// builtinSandbox returns the base URL of the console's built-in sandbox
// and the token it generated into the data directory.
func (s *server) builtinSandbox(t *testing.T) (string, string) {
	t.Helper()
	m := builtinSandboxRE.FindStringSubmatch(s.Log())
	if m == nil {
		t.Fatalf("the console did not say where its sandbox listens; log:\n%s", s.Log())
	}
	tok, err := os.ReadFile(filepath.Join(s.DataDir, "sandbox.token"))
	if err != nil {
		t.Fatalf("sandbox token: %v", err)
	}
	return "http://" + m[1], strings.TrimSpace(string(tok))
}

// Log returns what the server has logged so far.
func (s *server) Log() string {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.log.String()
}

// get makes a plain HTTP request, for checks a browser hides (status codes).
func (s *server) get(t *testing.T, path string) *http.Response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	resp.Body.Close()
	return resp
}

// newPage opens a fresh browser context (its own cookies) with a page. On
// failure the page is screenshotted.
func newPage(t *testing.T, locale string) playwright.Page {
	t.Helper()
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{
		Locale:   playwright.String(locale),
		Viewport: &playwright.Size{Width: 1280, Height: 860},
	})
	if err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	page, err := bctx.NewPage()
	if err != nil {
		t.Fatalf("new page: %v", err)
	}
	page.SetDefaultTimeout(10000)
	t.Cleanup(func() {
		if t.Failed() {
			shot(t, page, "FAILED-"+t.Name())
		}
		bctx.Close()
	})
	return page
}

// shot saves a full-page screenshot under e2e/screenshots.
func shot(t *testing.T, page playwright.Page, name string) {
	t.Helper()
	name = strings.NewReplacer("/", "_", " ", "_").Replace(name)
	if _, err := page.Screenshot(playwright.PageScreenshotOptions{Path: playwright.String(filepath.Join(shotDir, name+".png")), FullPage: playwright.Bool(true)}); err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}

// must fails the test on a Playwright error.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func goTo(t *testing.T, page playwright.Page, url string) {
	t.Helper()
	if _, err := page.Goto(url); err != nil {
		t.Fatalf("goto %s: %v", url, err)
	}
}

func fill(t *testing.T, page playwright.Page, label, value string) {
	t.Helper()
	must(t, page.GetByLabel(label, playwright.PageGetByLabelOptions{Exact: playwright.Bool(true)}).Fill(value))
}

func click(t *testing.T, page playwright.Page, role, name string) {
	t.Helper()
	must(t, page.GetByRole(playwright.AriaRole(role), playwright.PageGetByRoleOptions{Name: name, Exact: playwright.Bool(true)}).First().Click())
}

// signIn fills the sign-in form.
func signIn(t *testing.T, page playwright.Page, s *server, email, password string) {
	t.Helper()
	goTo(t, page, s.URL+"/login")
	fill(t, page, "E-mail", email)
	fill(t, page, "Senha", password)
	click(t, page, "button", "Entrar")
}
