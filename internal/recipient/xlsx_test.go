package recipient

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"arauto/internal/recipient/recipienttest"
)

// clientesWorkbook has an empty first sheet, a data sheet with a title row,
// numeric and scientific-notation phones, a landline, a duplicate and blank
// rows, and a second data sheet.
func clientesWorkbook(t *testing.T) string {
	t.Helper()
	return buildXLSX(t, "clientes.xlsx",
		sheetSpec{name: "Vazia", cells: map[string]any{}},
		sheetSpec{name: "Clientes", cells: map[string]any{
			"A1": "Lista de clientes — maio",
			"A3": "Nome", "B3": "Telefone", "C3": "Cidade", "D3": "Correlation ID",
			"A4": "Ana", "B4": 5519997712322, "C4": "Campinas", "D4": "c-1",
			"A5": "Bia", "B5": "5,521988887777E+12", "C5": "Rio", "D5": "c-2",
			"A6": "Caio", "B6": 1932345678, "C6": "Campinas",
			"A8": "Dani", "B8": "5,52E+12", "C8": "Natal",
			"A9": "Edu", "B9": 5519997712322, "C9": "Campinas",
			"A10": "Fê", "B10": 5511987654321.0, "C10": "São Paulo", "D10": "c-3",
			"A11": "Gil", "B11": "+55 (11) 97654-3210", "C11": "Osasco", "E11": "sobra",
		}},
		sheetSpec{name: "Outra", cells: map[string]any{
			"A1": 21988887777, "B1": "x",
			"A2": 31991234567, "B2": "y",
		}},
	)
}

func TestInspectXLSX(t *testing.T) {
	path := clientesWorkbook(t)
	p := mustInspect(t, path, InspectOptions{PreviewRows: 3})
	if p.Format != FormatXLSX || p.Sheet != "Clientes" || !equal(p.Sheets, []string{"Vazia", "Clientes", "Outra"}) {
		t.Errorf("got format %q sheet %q sheets %q, want xlsx, Clientes of three", p.Format, p.Sheet, p.Sheets)
	}
	if !p.HasHeader || p.FirstRow != 3 || p.PhoneColumn != 1 || p.CorrelationColumn != 3 {
		t.Errorf("got header %v first row %d phone %d correlation %d, want true 3 1 3", p.HasHeader, p.FirstRow, p.PhoneColumn, p.CorrelationColumn)
	}
	if want := []string{"nome", "telefone", "cidade", "correlation_id"}; !equal(p.Columns, want) {
		t.Errorf("got columns %q, want %q", p.Columns, want)
	}
	if len(p.Rows) != 3 || !equal(p.RowNumbers, []int{4, 5, 6}) || p.Rows[0][1] != "5519997712322" {
		t.Errorf("got rows %q numbers %v, want 3 rows from row 4 with the numeric phone whole", p.Rows, p.RowNumbers)
	}

	other := mustInspect(t, path, InspectOptions{Sheet: "Outra"})
	if other.HasHeader || other.PhoneColumn != 0 || other.Sheet != "Outra" {
		t.Errorf("got %+v, want sheet Outra without header, phone column 0", other)
	}
	if _, err := Inspect(path, InspectOptions{Sheet: "Nope"}); !errors.Is(err, ErrNoSheet) {
		t.Errorf("got %v, want ErrNoSheet", err)
	}
}

func TestImportXLSX(t *testing.T) {
	path := clientesWorkbook(t)
	rep, sink := mustImport(t, path, ImportOptions{})
	want := Report{
		Rows: 7, Valid: 4, Invalid: 2, Duplicates: 1, Landlines: 1, Ragged: 1, Blank: 1,
		InvalidByReason:   map[Reason]int{ReasonLandline: 1, ReasonLostDigits: 1},
		Columns:           []string{"nome", "cidade"},
		PhoneColumn:       "telefone",
		CorrelationColumn: "correlation_id",
	}
	if !equal(rep, want) {
		t.Errorf("got report %+v, want %+v", rep, want)
	}
	wantRecs := []Recipient{
		{Row: 4, Phone: "5519997712322", CorrelationID: "c-1", Fields: []string{"Ana", "Campinas"}},
		{Row: 5, Phone: "5521988887777", CorrelationID: "c-2", Fields: []string{"Bia", "Rio"}},
		{Row: 10, Phone: "5511987654321", CorrelationID: "c-3", Fields: []string{"Fê", "São Paulo"}},
		{Row: 11, Phone: "5511976543210", Fields: []string{"Gil", "Osasco"}},
	}
	if !equal(sink.recs, wantRecs) {
		t.Errorf("got recipients %+v, want %+v", sink.recs, wantRecs)
	}

	m := Mapping{Sheet: "Outra", CorrelationColumn: -1, AreaCodeColumn: -1}
	s2 := &collectSink{}
	if _, err := Import(context.Background(), path, m, s2, ImportOptions{}); err != nil {
		t.Fatalf("Import sheet Outra: %v", err)
	}
	if got, want := s2.phones(), []string{"5521988887777", "5531991234567"}; !equal(got, want) {
		t.Errorf("sheet Outra: got %q, want %q", got, want)
	}
}

func TestXLSXAllSheetsEmpty(t *testing.T) {
	path := buildXLSX(t, "vazia.xlsx", sheetSpec{name: "A", cells: map[string]any{}}, sheetSpec{name: "B", cells: map[string]any{"C3": "  "}})
	if _, err := Inspect(path, InspectOptions{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("got %v, want ErrEmpty", err)
	}
}

// deflate compresses b.
func deflate(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestCompression)
	if _, err := w.Write(b); err != nil {
		t.Fatalf("deflate: %v", err)
	}
	w.Close()
	return buf.Bytes()
}

func TestXLSXBombsAndImpostors(t *testing.T) {
	base := buildXLSX(t, "base.xlsx", sheetSpec{name: "Sheet1", cells: map[string]any{"A1": "telefone", "A2": 19997712322}})
	const sheetPath = "xl/worksheets/sheet1.xml"

	// A few bytes that claim to unzip to 10 GiB.
	liar := rewriteZip(t, base, "mentira.xlsx", func(w *zip.Writer, f *zip.File) bool {
		if f.Name != sheetPath {
			return false
		}
		body := []byte("<worksheet/>")
		comp := deflate(t, body)
		fw, err := w.CreateRaw(&zip.FileHeader{
			Name: f.Name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(len(comp)), UncompressedSize64: 10 << 30,
		})
		if err != nil {
			t.Fatalf("create raw: %v", err)
		}
		fw.Write(comp)
		return true
	})

	// A real bomb: 64 MB of XML that deflates about 1000 times.
	real := rewriteZip(t, base, "bomba.xlsx", func(w *zip.Writer, f *zip.File) bool {
		if f.Name != sheetPath {
			return false
		}
		fw, err := w.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		fw.Write([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`))
		chunk := bytes.Repeat([]byte("<row/>"), 1<<16)
		for written := 0; written < 64<<20; written += len(chunk) {
			fw.Write(chunk)
		}
		fw.Write([]byte(`</sheetData></worksheet>`))
		return true
	})

	// A zip that is not a workbook.
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	fw, _ := zw.Create("lista.csv")
	fw.Write([]byte("telefone\n19997712322\n"))
	zw.Close()
	notBook := writeFile(t, "lista.csv", zbuf.Bytes())

	tests := []struct {
		name, path string
		opts       InspectOptions
		want       error
	}{
		{"declared size over the limit", liar, InspectOptions{}, ErrZipBomb},
		{"compression ratio of a bomb", real, InspectOptions{}, ErrZipBomb},
		{"small unzip limit", base, InspectOptions{MaxUnzipBytes: 1024}, ErrZipBomb},
		{"zip without workbook", notBook, InspectOptions{}, ErrNotXLSX},
		{"truncated workbook", writeFile(t, "cortada.xlsx", mustRead(t, base)[:300]), InspectOptions{}, ErrNotXLSX},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Inspect(tt.path, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Inspect: got %v, want %v", err, tt.want)
			}
			m := Mapping{CorrelationColumn: -1, AreaCodeColumn: -1}
			_, err = Import(context.Background(), tt.path, m, Discard, ImportOptions{MaxUnzipBytes: tt.opts.MaxUnzipBytes})
			if !errors.Is(err, tt.want) {
				t.Errorf("Import: got %v, want %v", err, tt.want)
			}
		})
	}
	if p := mustInspect(t, base, InspectOptions{}); p.PhoneColumn != 0 || !p.HasHeader {
		t.Errorf("the untouched base workbook: got %+v, want a header and phone column 0", p)
	}
}

func TestGeneratedFilesAgree(t *testing.T) {
	csvPath := writeFile(t, "g.csv", nil)
	xlsxPath := strings.TrimSuffix(csvPath, ".csv") + ".xlsx"
	if err := recipienttest.GenerateCSV(csvPath, 3000, 5); err != nil {
		t.Fatalf("GenerateCSV: %v", err)
	}
	if err := recipienttest.GenerateXLSX(xlsxPath, 3000, 5); err != nil {
		t.Fatalf("GenerateXLSX: %v", err)
	}
	csvRep, csvSink := mustImport(t, csvPath, ImportOptions{})
	xlsxRep, xlsxSink := mustImport(t, xlsxPath, ImportOptions{})
	if csvRep.Rows != 3000 || csvRep.Valid < 2400 || csvRep.Duplicates == 0 || csvRep.Landlines == 0 || csvRep.InvalidByReason[ReasonLostDigits] == 0 {
		t.Errorf("csv: got %+v, want 3000 rows with the realistic mix", csvRep)
	}
	if !equal(csvSink.phones(), xlsxSink.phones()) {
		t.Errorf("csv and xlsx imports of the same rows differ: %d vs %d recipients", len(csvSink.recs), len(xlsxSink.recs))
	}
	if csvRep.Valid != xlsxRep.Valid || csvRep.Duplicates != xlsxRep.Duplicates || !equal(csvRep.InvalidByReason, xlsxRep.InvalidByReason) {
		t.Errorf("got csv %+v and xlsx %+v, want the same counts", csvRep, xlsxRep)
	}
}
