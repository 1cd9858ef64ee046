package e2e

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/playwright-community/playwright-go"
)

// bigCSV writes a list of about size bytes.
func bigCSV(t *testing.T, size int) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("nome;telefone\n")
	for b.Len() < size {
		b.WriteString("Maria da Silva;5519997712322\n")
	}
	path := filepath.Join(t.TempDir(), "grande.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOversizedUploadRefusedBeforeItTravels: a file over the limit is
// refused by the page before it is sent, with both sizes named; a browser
// that sends it anyway (no JavaScript) gets the same message inside the
// console's layout, refused on the announced length.
func TestOversizedUploadRefusedBeforeItTravels(t *testing.T) {
	s := startServer(t, "ARAUTO_ADMIN_EMAIL="+adminEmail, "ARAUTO_ADMIN_PASSWORD="+adminPassword, "ARAUTO_MAX_UPLOAD_MB=1")
	file := bigCSV(t, 3<<20)
	const want = "O arquivo tem 3 MB; o limite é 1 MB."

	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/lists")
	var posted []string
	page.OnRequest(func(r playwright.Request) {
		if r.Method() == "POST" {
			posted = append(posted, r.URL())
		}
	})
	must(t, page.Locator("input[type=file]").SetInputFiles(file))
	click(t, page, "button", "Enviar arquivo")
	must(t, expect.Locator(page.GetByRole("alert")).ToHaveText(want))
	must(t, expect.Page(page).ToHaveURL(s.URL+"/lists"))
	if len(posted) != 0 {
		t.Errorf("the page sent %v for a file over the limit, want nothing sent", posted)
	}
	shot(t, page, "lists-upload-too-large")
	// A file within the limit goes through.
	small := filepath.Join(t.TempDir(), "pequena.csv")
	os.WriteFile(small, []byte("nome;telefone\nAna;5519997712322\n"), 0o600)
	must(t, page.Locator("input[type=file]").SetInputFiles(small))
	click(t, page, "button", "Enviar arquivo")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/lists/\d+/mapping$`)))

	// Without JavaScript the file is sent; the server refuses it on its
	// announced length and answers inside the layout, menu included.
	bctx, err := browser.NewContext(playwright.BrowserNewContextOptions{Locale: playwright.String("pt-BR"), JavaScriptEnabled: playwright.Bool(false)})
	if err != nil {
		t.Fatal(err)
	}
	defer bctx.Close()
	plain, err := bctx.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	signIn(t, plain, s, adminEmail, adminPassword)
	goTo(t, plain, s.URL+"/lists")
	must(t, plain.Locator("input[type=file]").SetInputFiles(file))
	statuses := make(chan int, 4)
	plain.OnResponse(func(r playwright.Response) {
		if r.Request().Method() == "POST" {
			statuses <- r.Status()
		}
	})
	click(t, plain, "button", "Enviar arquivo")
	must(t, expect.Locator(plain.GetByRole("alert")).ToHaveText(want))
	if st := <-statuses; st != 413 {
		t.Errorf("oversized upload without JavaScript got %d, want 413", st)
	}
	must(t, expect.Locator(plain.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Campanhas"})).ToBeVisible())
	shot(t, plain, "lists-upload-too-large-no-js")
	if strings.Contains(s.Log(), "level=ERROR") {
		t.Errorf("the refused upload logged an error:\n%s", s.Log())
	}
}
