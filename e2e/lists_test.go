package e2e

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/playwright-community/playwright-go"
	"github.com/xuri/excelize/v2"

	"arauto/internal/recipient/recipienttest"
)

// uploadFile sends a file through the Lists page and lands on the mapping step.
func uploadFile(t *testing.T, page playwright.Page, s *server, path, name string) {
	t.Helper()
	goTo(t, page, s.URL+"/lists")
	must(t, page.Locator("input[type=file]").SetInputFiles(path))
	fill(t, page, "Nome da lista", name)
	click(t, page, "button", "Enviar arquivo")
	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/lists/\d+/mapping$`)))
}

func stat(page playwright.Page, name string) playwright.Locator {
	return page.Locator(`[data-stat="` + name + `"]`)
}

func TestImportDamagedWorkbook(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	goTo(t, page, s.URL+"/lists")
	shot(t, page, "lists-empty")

	uploadFile(t, page, s, damagedWorkbook(t), "Clientes Campinas")
	// The phone column was found on its own; the other columns become fields.
	sel := page.GetByLabel("Coluna do telefone")
	must(t, expect.Locator(sel).ToHaveValue("1"))
	must(t, expect.Locator(page.GetByText("{{nome}}")).ToBeVisible())
	must(t, expect.Locator(page.GetByText("{{cidade}}")).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "5,52E+12"})).ToBeVisible())
	shot(t, page, "lists-mapping")
	click(t, page, "button", "Importar contatos")

	must(t, expect.Page(page).ToHaveURL(regexp.MustCompile(`/lists/\d+$`)))
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Resultado da importação"})).ToBeVisible())
	for name, want := range map[string]string{"total": "8", "valid": "3", "invalid": "4", "duplicates": "1", "landlines": "1", "suppressed": "0"} {
		must(t, expect.Locator(stat(page, name)).ToHaveText(want))
	}
	for _, reason := range []string{"telefone fixo", "perdeu dígitos", "0800"} {
		must(t, expect.Locator(page.Locator(".reasons")).ToContainText(regexp.MustCompile("(?i)"+regexp.QuoteMeta(reason))))
	}
	// The repaired numbers are there, in E.164.
	must(t, expect.Locator(page.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "+55 19 99771-2323"})).ToBeVisible())
	shot(t, page, "lists-report")

	// Search narrows the table.
	must(t, page.GetByLabel("Buscar por número ou campo").Fill("2324"))
	must(t, expect.Locator(page.Locator("#recipients tbody tr")).ToHaveCount(1))
	must(t, expect.Locator(page.Locator("#recipients tbody")).ToContainText("Fabio"))

	// The carrier check asks the provider (here the built-in sandbox) and
	// fills the carrier column.
	must(t, page.GetByLabel("Buscar por número ou campo").Fill(""))
	click(t, page, "button", "Verificar operadoras")
	must(t, expect.Locator(page.GetByText("Verificação de operadoras iniciada.")).ToBeVisible())
	// Wavy's "active: false" only says a number does not belong to the
	// carrier named: never "inactive".
	checked := page.GetByText(regexp.MustCompile(`Verificado em .*: \d+ (número não pertence|números não pertencem) à operadora indicada\.`))
	for i := 0; i < 40; i++ {
		if ok, _ := checked.IsVisible(); ok {
			break
		}
		time.Sleep(250 * time.Millisecond)
		_, err := page.Reload()
		must(t, err)
	}
	must(t, expect.Locator(checked).ToBeVisible())
	must(t, expect.Locator(page.GetByText(regexp.MustCompile(`(?i)inativ`))).ToHaveCount(0))
	must(t, expect.Locator(page.Locator("#recipients tbody tr").First().Locator("td").Nth(4)).Not().ToBeEmpty())
	shot(t, page, "lists-carriers")

	// The rejected rows download as a spreadsheet in Portuguese.
	dl, err := page.ExpectDownload(func() error {
		return page.GetByRole("link", playwright.PageGetByRoleOptions{Name: "Baixar linhas rejeitadas"}).Click()
	})
	must(t, err)
	path := filepath.Join(t.TempDir(), "rejeitados.xlsx")
	must(t, dl.SaveAs(path))
	f, err := excelize.OpenFile(path)
	must(t, err)
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	must(t, err)
	if len(rows) != 6 {
		t.Fatalf("rejected rows file has %d rows, want header + 5: %v", len(rows), rows)
	}
	if rows[0][0] != "Linha" || rows[0][1] != "Valor original" || rows[0][2] != "Motivo" {
		t.Errorf("header got %v, want Linha / Valor original / Motivo", rows[0])
	}
	byRow := map[string][]string{}
	for _, r := range rows[1:] {
		byRow[r[0]] = r
	}
	if r := byRow["4"]; len(r) < 3 || r[1] != "5,52E+12" {
		t.Errorf("row 4 got %v, want the lost-digits value as written", r)
	}
	if r := byRow["6"]; len(r) < 3 || r[1] != "'+55 (19) 99771-2322" {
		t.Errorf("row 6 got %v, want the duplicate as written (apostrophe kept, formula-safe)", r)
	}
}

func TestImportLatin1CSV(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	uploadFile(t, page, s, latin1CSV(t), "Contatos")
	must(t, expect.Locator(page.GetByText("windows-1252")).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "São Paulo"})).ToBeVisible())
	click(t, page, "button", "Importar contatos")
	must(t, expect.Locator(stat(page, "valid")).ToHaveText("2"))
	must(t, expect.Locator(page.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "Conceição"})).ToBeVisible())
	must(t, expect.Locator(page.GetByRole("cell", playwright.PageGetByRoleOptions{Name: "Niterói"})).ToBeVisible())
}

func TestImportShowsLiveProgress(t *testing.T) {
	s := bootServer(t)
	path := filepath.Join(t.TempDir(), "grande.csv")
	if err := recipienttest.GenerateCSV(path, 400000, 7); err != nil {
		t.Fatal(err)
	}
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	uploadFile(t, page, s, path, "Base grande")
	click(t, page, "button", "Importar contatos")
	// The bar and the counters move while the import runs…
	must(t, expect.Locator(page.GetByRole("progressbar", playwright.PageGetByRoleOptions{Name: "Andamento da importação"})).ToBeVisible())
	shot(t, page, "lists-progress")
	// …and the report replaces them when it ends, without a reload.
	must(t, expect.Locator(page.GetByRole("heading", playwright.PageGetByRoleOptions{Name: "Resultado da importação"})).ToBeVisible(playwright.LocatorAssertionsToBeVisibleOptions{Timeout: playwright.Float(60000)}))
	must(t, expect.Locator(stat(page, "total")).ToHaveText("400.000"))
}

func TestRefusedFilesLeaveNothing(t *testing.T) {
	s := bootServer(t)
	page := newPage(t, "pt-BR")
	signIn(t, page, s, adminEmail, adminPassword)
	dir := t.TempDir()
	cases := []struct{ name, content, want string }{
		{"vazio.csv", "", "vazio"},
		{"planilha.xlsx", "isto não é um xlsx", "XLSX"},
		{"binario.csv", "\x00\x01\x02\x03PK\x00\x00garbage\x00", "não é um arquivo de texto"},
		{"semtelefone.csv", "nome;cidade\nAna;Campinas\nBia;Itu\n", "telefone"},
	}
	for _, tc := range cases {
		p := filepath.Join(dir, tc.name)
		writeFile(t, p, tc.content)
		goTo(t, page, s.URL+"/lists")
		must(t, page.Locator("input[type=file]").SetInputFiles(p))
		click(t, page, "button", "Enviar arquivo")
		must(t, expect.Locator(page.GetByRole("alert")).ToContainText(regexp.MustCompile("(?i)"+regexp.QuoteMeta(tc.want))))
	}
	shot(t, page, "lists-refused")
	goTo(t, page, s.URL+"/lists")
	must(t, expect.Locator(page.GetByText("Nenhuma lista ainda")).ToBeVisible())
}
