package e2e

import (
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
	"os"
)

// damagedWorkbook writes an XLSX the way real marketing spreadsheets
// arrive: a numeric phone cell, scientific notation that kept every digit
// and one that lost digits, a landline, a toll-free number, a duplicate in
// another format, garbage and an empty cell.
func damagedWorkbook(t *testing.T) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "Clientes"
	f.SetSheetName("Sheet1", sh)
	rows := [][]any{
		{"Nome", "Celular", "Cidade"},
		{"Ana", 5519997712322, "Campinas"},
		{"Bia", "5,519997712323E+12", "Campinas"},
		{"Caio", "5,52E+12", "Sumaré"},
		{"Duda", "(19) 3333-4444", "Campinas"},
		{"Eva", "'+55 (19) 99771-2322", "Valinhos"},
		{"Fabio", "19 99771-2324", "Jundiaí"},
		{"Gil", "0800 123 4567", "Itu"},
		{"Hugo", "não sei", "Itu"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sh, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "clientes.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// latin1CSV writes a semicolon CSV in Windows-1252, as Excel saves in Brazil.
func latin1CSV(t *testing.T) string {
	t.Helper()
	text := "nome;telefone;cidade\r\nJoão;(11) 98765-4321;São Paulo\r\nConceição;21 99876-5432;Niterói\r\n"
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "contatos.csv")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
