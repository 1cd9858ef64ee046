package recipient

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzSniff: whatever the first bytes of an upload, classifying them never
// panics, and a file taken as text has a known delimiter and, unless a
// UTF-8 byte-order mark vouches for it, valid UTF-8 text.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{"nome;telefone\nAna;5519997712322\n", "\xef\xbb\xbftelefone\n", "\xff\xfet\x00e\x00l\x00", "PK\x03\x04", "%PDF-1.4",
		"Jos\xe9;11999990000\r", "a,b\n\"x\ny\",z\n", "\x00\x01\x02"} {
		f.Add([]byte(s), uint8(0))
	}
	exts := []string{".csv", ".txt", ".xlsx", ".tsv", ""}
	f.Fuzz(func(t *testing.T, b []byte, ext uint8) {
		var res sniffResult
		if err := classifyBytes(b, exts[int(ext)%len(exts)], true, &res); err != nil {
			return
		}
		if res.format == FormatXLSX {
			return
		}
		if !utf8.Valid(res.text) && !(res.bom && res.encoding == EncodingUTF8) {
			t.Fatalf("classifyBytes(%q): text %q is not UTF-8", b, res.text)
		}
		switch res.delimiter {
		case ';', ',', '\t', '|':
		default:
			t.Fatalf("classifyBytes(%q): delimiter %q", b, res.delimiter)
		}
	})
}

// FuzzInspectText: any text upload is inspected and imported without
// panicking, and what Inspect says holds together.
func FuzzInspectText(f *testing.F) {
	for _, s := range []string{
		"nome;telefone;cidade\nAna;5519997712322;Campinas\nBia;(19) 99771-2323;Itu\n",
		"5519997712322;mensagem 1;c-1;\nEOF\n",
		"telefone\n5,519997712322E+12\n19 3234-5678\n",
		"\"a;b\";5519997712322\n\"unclosed;1\n",
		"ddd;numero\n19;997712322\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		p, err := Inspect(path, InspectOptions{MaxRecordBytes: 4096})
		if err != nil {
			return
		}
		checkPreview(t, b, p)
		if _, err := Import(context.Background(), path, p.Mapping(), Discard, ImportOptions{MaxRecordBytes: 4096}); err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Import after a good Inspect of %q: %v", b, err)
			}
		}
	})
}

func checkPreview(t *testing.T, in []byte, p Preview) {
	t.Helper()
	if p.PhoneColumn < 0 || p.PhoneColumn >= len(p.Columns) {
		t.Fatalf("Inspect(%q): phone column %d of %d columns", in, p.PhoneColumn, len(p.Columns))
	}
	if len(p.Rows) > 10 || len(p.Rows) != len(p.RowNumbers) {
		t.Fatalf("Inspect(%q): %d preview rows with %d row numbers", in, len(p.Rows), len(p.RowNumbers))
	}
	for i := 1; i < len(p.RowNumbers); i++ {
		if p.RowNumbers[i] <= p.RowNumbers[i-1] {
			t.Fatalf("Inspect(%q): row numbers %v not increasing", in, p.RowNumbers)
		}
	}
}

// FuzzXLSXSheet: any worksheet and shared-strings XML inside a well-formed
// workbook is read without panicking, every row number once and in order,
// no row wider than Excel allows; and Inspect copes with it.
func FuzzXLSXSheet(f *testing.F) {
	f.Add(testSheetXML, testSSTXML)
	f.Add(`<worksheet><sheetData><row r="3"><c r="C3" t="inlineStr"><is><t>telefone</t></is></c></row><row><c t="s"><v>0</v></c><c r="XFD4"><v>1</v></c></row></sheetData></worksheet>`,
		`<sst><si><r><t>Jo</t></r><r><t>ão</t></r><rPh><t>x</t></rPh></si></sst>`)
	f.Add(`<worksheet><sheetData><row r="1048577"/></sheetData></worksheet>`, ``)
	f.Add(`<worksheet><sheetData><row r="2"><c r="A2" t="s"><v>99</v></c><c r="A1"><f>1+1</f></c></row>`, `<sst><si><t>_x000D_a_x005F_</t></si>`)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, sheet, sst string) {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, e := range [][2]string{{"xl/workbook.xml", testWorkbookXML}, {"xl/_rels/workbook.xml.rels", testRelsXML},
			{"xl/worksheets/sheet1.xml", sheet}, {"xl/sharedStrings.xml", sst}} {
			w, _ := zw.Create(e[0])
			io.WriteString(w, e[1])
		}
		zw.Close()
		path := filepath.Join(dir, "f.xlsx")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		wb, err := openWorkbook(path, 0)
		if err != nil {
			return
		}
		src, err := wb.openSheet("Plan1")
		if err == nil {
			for want := 1; ; want++ {
				fields, row, err := src.next()
				if err != nil {
					break
				}
				if row != want || len(fields) > maxSheetColumns {
					t.Fatalf("sheet %q: got row %d with %d cells, want row %d", sheet, row, len(fields), want)
				}
			}
			src.close()
		}
		wb.close()
		if p, err := Inspect(path, InspectOptions{}); err == nil {
			checkPreview(t, []byte(sheet), p)
		}
	})
}
