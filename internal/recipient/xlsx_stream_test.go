package recipient

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// zipWith writes a workbook made of the given entries, in order.
func zipWith(t *testing.T, name string, entries ...[2]string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e[0])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, e[1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, name, buf.Bytes())
}

const (
	testWorkbookXML = `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Plan1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	testRelsXML     = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	testSheetXML    = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>5519997712322</v></c></row></sheetData></worksheet>`
	testSSTXML      = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>telefone</t></si></sst>`
)

// zeroEntries returns n entries of size bytes of zeros each.
func zeroEntries(n, size int) [][2]string {
	var out [][2]string
	zeros := strings.Repeat("\x00", size)
	for i := range n {
		out = append(out, [2]string{fmt.Sprintf("xl/media/blob%03d.bin", i), zeros})
	}
	return out
}

func TestXLSXBombsUnderTheOldFloor(t *testing.T) {
	book := [][2]string{{"xl/workbook.xml", testWorkbookXML}, {"xl/_rels/workbook.xml.rels", testRelsXML},
		{"xl/worksheets/sheet1.xml", testSheetXML}, {"xl/sharedStrings.xml", testSSTXML}}
	tests := []struct {
		name    string
		entries [][2]string
		want    error
	}{
		{"the workbook alone", nil, nil},
		// Each entry expands about 1000 times but is far below the
		// 32 MiB the old check started at.
		{"entries that each expand 1000 times", zeroEntries(3, 4<<20), ErrZipBomb},
		// Each entry is within the per-entry slack; together they are not.
		{"many small entries", zeroEntries(120, 1<<20), ErrZipBomb},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := zipWith(t, "b.xlsx", append(append([][2]string{}, book...), tt.entries...)...)
			_, err := Inspect(path, InspectOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("Inspect got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestXLSXDirectoryThatLies: an entry that inflates past the size the zip
// directory declares is refused while it is read.
func TestXLSXDirectoryThatLies(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>`)
	for i := 2; i < 40000; i++ {
		fmt.Fprintf(&sheet, `<row r="%d"><c r="A%d"><v>55199977%05d</v></c></row>`, i, i, i)
	}
	sheet.WriteString(`</sheetData></worksheet>`)
	body := []byte(sheet.String())
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range [][2]string{{"xl/workbook.xml", testWorkbookXML}, {"xl/_rels/workbook.xml.rels", testRelsXML}, {"xl/sharedStrings.xml", testSSTXML}} {
		w, _ := zw.Create(e[0])
		io.WriteString(w, e[1])
	}
	comp := deflate(t, body)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
		CompressedSize64: uint64(len(comp)), UncompressedSize64: 4096})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp)
	zw.Close()
	path := writeFile(t, "mentira.xlsx", buf.Bytes())
	wb, err := openWorkbook(path, 0)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer wb.close()
	src, err := wb.openSheet("Plan1")
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	rows := 0
	for {
		_, _, err = src.next()
		if err != nil {
			break
		}
		rows++
	}
	if err == io.EOF || rows > 200 {
		t.Errorf("read %d rows of an entry declared 4 KB, ending with %v; want a refusal within the declared size", rows, err)
	}
}

// readAllRows reads a sheet with the streaming reader.
func readAllRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	wb, err := openWorkbook(path, 0)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer wb.close()
	src, err := wb.openSheet(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer src.close()
	var out [][]string
	for {
		fields, row, err := src.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("row %d: %v", len(out)+1, err)
		}
		if row != len(out)+1 {
			t.Fatalf("got row number %d, want %d", row, len(out)+1)
		}
		out = append(out, append([]string(nil), fields...))
	}
}

// excelizeRows reads a sheet the way the importer did before, as stored.
func excelizeRows(t *testing.T, path, sheet string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.Rows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, cols)
	}
	return out
}

// TestXLSXReaderAgreesWithExcelize: shared and inline strings, numbers,
// formulas, booleans, escapes, gaps between rows and columns, several
// sheets, and a large shared-string table kept on disk all read as
// excelize reads them.
func TestXLSXReaderAgreesWithExcelize(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mix.xlsx")
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "Clientes")
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	set("Clientes", "A1", "Nome")
	set("Clientes", "B1", "Telefone")
	set("Clientes", "D1", "Observação_x000D_fim")
	set("Clientes", "A2", "João")
	set("Clientes", "B2", 5519997712322)
	set("Clientes", "C2", true)
	set("Clientes", "D2", 3.25)
	set("Clientes", "B5", "5,52E+12")
	set("Clientes", "F7", "longe")
	if err := f.SetCellFormula("Clientes", "E2", "B2*2"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellRichText("Clientes", "A3", []excelize.RichTextRun{{Text: "Ma"}, {Text: "ria"}}); err != nil {
		t.Fatal(err)
	}
	f.NewSheet("Grande")
	sw, err := f.NewStreamWriter("Grande")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= 3000; r++ {
		cell, _ := excelize.CoordinatesToCellName(1, r)
		sw.SetRow(cell, []any{fmt.Sprintf("nome %d ção", r), 5519997700000 + r, nil, fmt.Sprintf("c-%d", r)})
	}
	sw.Flush()
	for r := 1; r <= 3000; r++ {
		set("Clientes", fmt.Sprintf("H%d", r+10), fmt.Sprintf("único %d", r))
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()

	for _, spill := range []bool{false, true} {
		old := sharedInMemory
		if spill {
			sharedInMemory = 0
		}
		for _, sheet := range []string{"Clientes", "Grande"} {
			got, want := readAllRows(t, path, sheet), excelizeRows(t, path, sheet)
			if len(got) != len(want) {
				t.Errorf("spill %v, sheet %s: got %d rows, want %d", spill, sheet, len(got), len(want))
				continue
			}
			for i := range want {
				if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
					t.Errorf("spill %v, sheet %s, row %d: got %q, want %q", spill, sheet, i+1, got[i], want[i])
				}
			}
		}
		sharedInMemory = old
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}
