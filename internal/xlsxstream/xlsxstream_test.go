package xlsxstream

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// readBack opens a workbook with excelize and returns every sheet's rows.
func readBack(t *testing.T, b []byte) (names []string, sheets [][][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("excelize cannot open the workbook: %v", err)
	}
	defer f.Close()
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatalf("rows of %s: %v", name, err)
		}
		names = append(names, name)
		sheets = append(sheets, rows)
	}
	return names, sheets
}

func TestWorkbookReadsBack(t *testing.T) {
	tests := []struct {
		name      string
		rows      int
		maxRows   int
		wantNames []string
		wantRows  []int // data rows per sheet
	}{
		{"empty", 0, 0, []string{"Resultados"}, []int{0}},
		{"one sheet", 7, 0, []string{"Resultados"}, []int{7}},
		{"exactly full", 8, 5, []string{"Resultados", "Resultados 2"}, []int{4, 4}},
		{"split in three", 9, 5, []string{"Resultados", "Resultados 2", "Resultados 3"}, []int{4, 4, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			x := New(&buf, Options{SheetName: "Resultados", Header: []string{"Telefone", "Nome", "Obs"}, Widths: []float64{16, 20}, MaxRows: tt.maxRows})
			for i := range tt.rows {
				if err := x.WriteRow([]string{fmt.Sprint(5511900000000 + i), "João <&> \"Conceição\"", fmt.Sprintf("=1+%d\x01", i)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := x.Close(); err != nil {
				t.Fatal(err)
			}
			names, sheets := readBack(t, buf.Bytes())
			if !slices.Equal(names, tt.wantNames) {
				t.Fatalf("got sheets %v, want %v", names, tt.wantNames)
			}
			n := 0
			for i, rows := range sheets {
				if len(rows) == 0 || !slices.Equal(rows[0], []string{"Telefone", "Nome", "Obs"}) {
					t.Fatalf("sheet %d starts with %v, want the header", i+1, rows)
				}
				if got := len(rows) - 1; got != tt.wantRows[i] {
					t.Errorf("sheet %d got %d data rows, want %d", i+1, got, tt.wantRows[i])
				}
				for _, r := range rows[1:] {
					want := []string{fmt.Sprint(5511900000000 + n), "João <&> \"Conceição\"", fmt.Sprintf("=1+%d", n)}
					if !slices.Equal(r, want) {
						t.Errorf("row %d got %q, want %q (text kept, control characters dropped)", n, r, want)
					}
					n++
				}
			}
			if n != tt.rows {
				t.Errorf("got %d rows back, want %d", n, tt.rows)
			}
		})
	}
}

// TestNoFormulaCells checks that a cell starting with = is text, not a
// formula, in the file itself.
func TestNoFormulaCells(t *testing.T) {
	var buf bytes.Buffer
	x := New(&buf, Options{SheetName: "S", Header: []string{"a"}})
	x.WriteRow([]string{"=HYPERLINK(\"http://x\")"})
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if formula, _ := f.GetCellFormula("S", "A2"); formula != "" {
		t.Errorf("got formula %q in A2, want none", formula)
	}
}

func TestColumnName(t *testing.T) {
	for i, want := range map[int]string{0: "A", 25: "Z", 26: "AA", 51: "AZ", 52: "BA", 701: "ZZ", 702: "AAA"} {
		if got := columnName(i); got != want {
			t.Errorf("columnName(%d) got %q, want %q", i, got, want)
		}
	}
}
