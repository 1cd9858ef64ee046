package recipient

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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

// firstNonEmptySheet returns the first sheet holding a non-blank cell.
func firstNonEmptySheet(wb *workbook) (string, error) {
	for _, name := range wb.sheetNames() {
		src, err := wb.openSheet(name)
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

// blankRow reports a row whose cells are all blank.
func blankRow(fields []string) bool {
	for _, f := range fields {
		if trimBlank(f) != "" {
			return false
		}
	}
	return true
}
