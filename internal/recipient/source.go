package recipient

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// source yields the rows of one table: CSV/TXT records or the rows of one
// worksheet. fields is only valid until the next call.
type source interface {
	// next returns the next row and its 1-based row number (the line of a
	// text file, the row of a sheet); io.EOF at the end.
	next() (fields []string, row int, err error)
	// bytesRead is the number of file bytes consumed so far (0 if unknown).
	bytesRead() int64
	close() error
}

// csvSource reads CSV/TXT records with encoding/csv, reusing the record slice.
type csvSource struct {
	ts        *textStream
	r         *csv.Reader
	maxRecord int
	lastRow   int
}

func openCSVSource(path, enc string, delim rune, crOnly bool, maxRecord int) (*csvSource, error) {
	ts, err := openText(path, enc, crOnly, maxRecord)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(ts.guard)
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = true
	return &csvSource{ts: ts, r: r, maxRecord: maxRecord}, nil
}

func (s *csvSource) next() ([]string, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		if errors.Is(err, errRecordTooLong) {
			return nil, 0, lineError(s.lastRow, s.maxRecord)
		}
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		return nil, 0, fmt.Errorf("recipient: read csv: %w", err)
	}
	s.ts.guard.mark = s.r.InputOffset()
	line, _ := s.r.FieldPos(0)
	s.lastRow = line
	return rec, line, nil
}

func (s *csvSource) bytesRead() int64 { return s.ts.raw.n }
func (s *csvSource) close() error     { return s.ts.Close() }

// XLSX limits applied before and while opening a workbook.
const (
	// DefaultMaxUnzipBytes bounds the total uncompressed size of a workbook.
	DefaultMaxUnzipBytes int64 = 1 << 30
	// xmlInMemoryLimit: worksheets larger than this are unzipped to a
	// temporary file and streamed from there instead of memory.
	xmlInMemoryLimit int64 = 16 << 20
	// maxRatio: an entry over ratioFloor bytes compressing better than this
	// is a decompression bomb; real sheets compress 5-30x.
	maxRatio   = 200
	ratioFloor = 32 << 20
)

// openWorkbook checks the zip directory for bombs and opens the workbook with
// excelize's unzip limits.
func openWorkbook(path string, maxUnzip int64) (*excelize.File, error) {
	if maxUnzip <= 0 {
		maxUnzip = DefaultMaxUnzipBytes
	}
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("recipient: open workbook: %v: %w", err, ErrNotXLSX)
	}
	var total uint64
	hasWorkbook := false
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			hasWorkbook = true
		}
		if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64 > maxRatio*max(f.CompressedSize64, 1) {
			zr.Close()
			return nil, fmt.Errorf("recipient: open workbook: %s expands %d times: %w", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), ErrZipBomb)
		}
	}
	zr.Close()
	if total > uint64(maxUnzip) {
		return nil, fmt.Errorf("recipient: open workbook: %d bytes uncompressed, limit %d: %w", total, maxUnzip, ErrZipBomb)
	}
	if !hasWorkbook {
		return nil, fmt.Errorf("recipient: open workbook: no xl/workbook.xml: %w", ErrNotXLSX)
	}
	wb, err := excelize.OpenFile(path, excelize.Options{
		UnzipSizeLimit:    maxUnzip,
		UnzipXMLSizeLimit: min(xmlInMemoryLimit, maxUnzip),
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, fmt.Errorf("recipient: open workbook: %v: %w", err, ErrZipBomb)
		}
		return nil, fmt.Errorf("recipient: open workbook: %v: %w", err, ErrNotXLSX)
	}
	return wb, nil
}

// firstNonEmptySheet returns the first sheet holding a non-blank cell.
func firstNonEmptySheet(wb *excelize.File) (string, error) {
	for _, name := range wb.GetSheetList() {
		src, err := openSheetSource(wb, name)
		if err != nil {
			return "", err
		}
		for {
			fields, _, err := src.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				src.close()
				return "", err
			}
			if !blankRow(fields) {
				src.close()
				return name, nil
			}
		}
		src.close()
	}
	return "", fmt.Errorf("recipient: every worksheet is empty: %w", ErrEmpty)
}

// sheetSource streams one worksheet with excelize's Rows iterator. Cells are
// read raw (as stored), so numbers keep every digit whatever their display
// format: 5519997712322 formatted as 5,52E+12 still comes out whole.
type sheetSource struct {
	rows *excelize.Rows
	row  int
}

var rawCells = excelize.Options{RawCellValue: true}

func openSheetSource(wb *excelize.File, sheet string) (*sheetSource, error) {
	idx, err := wb.GetSheetIndex(sheet)
	if err != nil || idx < 0 {
		return nil, fmt.Errorf("recipient: sheet %q: %w", sheet, ErrNoSheet)
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("recipient: sheet %q: %w", sheet, err)
	}
	return &sheetSource{rows: rows}, nil
}

func (s *sheetSource) next() ([]string, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, 0, fmt.Errorf("recipient: read sheet: %w", err)
		}
		return nil, 0, io.EOF
	}
	s.row++
	cols, err := s.rows.Columns(rawCells)
	if err != nil {
		return nil, 0, fmt.Errorf("recipient: read sheet row %d: %w", s.row, err)
	}
	return cols, s.row, nil
}

func (s *sheetSource) bytesRead() int64 { return 0 }
func (s *sheetSource) close() error     { return s.rows.Close() }

// blankRow reports a row whose cells are all blank.
func blankRow(fields []string) bool {
	for _, f := range fields {
		if trimBlank(f) != "" {
			return false
		}
	}
	return true
}
