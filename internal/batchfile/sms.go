package batchfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Field names of the SMS layout, as its header line spells them.
const (
	FieldNumber        = "numero"
	FieldText          = "texto"
	FieldCorrelationID = "correlationId"
)

// SMSHeader is the first line of an SMS file; EOFLine its last.
const (
	SMSHeader = FieldNumber + ";" + FieldText + ";" + FieldCorrelationID + ";"
	EOFLine   = "EOF"
)

// SMSRow is one message of an SMS file.
type SMSRow struct {
	Phone         string // digits with country code: 5511900000000
	Text          string
	CorrelationID string // optional
}

// CheckSMS reports why a row cannot be written, naming the field; row is
// the 1-based row number the problem will carry.
func CheckSMS(row int, r SMSRow) *Problem {
	if p := checkPhone(row, FieldNumber, r.Phone); p != nil {
		return p
	}
	if r.Text == "" {
		return &Problem{Row: row, Field: FieldText, Code: CodeEmpty}
	}
	if p := checkCell(row, FieldText, r.Text); p != nil {
		return p
	}
	if n := utf16Len(r.Text); n > MaxTextLen {
		return &Problem{Row: row, Field: FieldText, Code: CodeTooLong, Detail: fmt.Sprintf("%d characters, at most %d", n, MaxTextLen)}
	}
	if p := checkCell(row, FieldCorrelationID, r.CorrelationID); p != nil {
		return p
	}
	if n := utf16Len(r.CorrelationID); n > MaxCorrelationIDLen {
		return &Problem{Row: row, Field: FieldCorrelationID, Code: CodeTooLong, Detail: fmt.Sprintf("%d characters, at most %d", n, MaxCorrelationIDLen)}
	}
	return nil
}

// SMSWriter streams an SMS file: the header, one line per accepted row and
// the EOF line on Close. It is not safe for concurrent use.
type SMSWriter struct {
	w       *bufio.Writer
	tried   int // rows offered, accepted or not
	written int
	err     error
}

// NewSMSWriter writes an SMS file to w.
func NewSMSWriter(w io.Writer) *SMSWriter {
	sw := &SMSWriter{w: bufio.NewWriterSize(w, 64<<10)}
	_, sw.err = sw.w.WriteString(SMSHeader + "\n")
	return sw
}

// Write adds a row. A row that cannot be written is refused with a
// *Problem (its Row is the count of rows offered so far) and the file is
// unchanged; any other error is the underlying writer's.
func (w *SMSWriter) Write(r SMSRow) error {
	if w.err != nil {
		return w.err
	}
	w.tried++
	if p := CheckSMS(w.tried, r); p != nil {
		return p
	}
	w.written++
	b := w.w
	b.WriteString(r.Phone)
	b.WriteByte(';')
	b.WriteString(r.Text)
	b.WriteByte(';')
	b.WriteString(r.CorrelationID)
	_, w.err = b.WriteString(";\n")
	return w.err
}

// Rows is the number of rows written.
func (w *SMSWriter) Rows() int { return w.written }

// Close writes the EOF line and flushes. A file without rows is refused
// with CodeNoRows: Wavy would have nothing to send.
func (w *SMSWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.written == 0 {
		w.err = &Problem{Code: CodeNoRows}
		return w.err
	}
	if _, w.err = w.w.WriteString(EOFLine + "\n"); w.err != nil {
		return w.err
	}
	w.err = w.w.Flush()
	if w.err == nil {
		w.err = errors.New("batchfile: writer closed")
		return nil
	}
	return w.err
}

// lineReader yields the lines of a file with their numbers, without line
// ends, refusing lines over MaxLineBytes and a leading BOM.
type lineReader struct {
	sc   *bufio.Scanner
	line int
}

func newLineReader(r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	return &lineReader{sc: sc}
}

// next returns the next line; io.EOF at the end.
func (lr *lineReader) next() (string, error) {
	if !lr.sc.Scan() {
		if err := lr.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return "", &Problem{Line: lr.line + 1, Code: CodeLineTooLong, Detail: fmt.Sprintf("more than %d bytes", MaxLineBytes)}
			}
			return "", fmt.Errorf("batchfile: read line %d: %w", lr.line+1, err)
		}
		return "", io.EOF
	}
	lr.line++
	b := lr.sc.Bytes()
	if lr.line == 1 {
		b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	}
	b = bytes.TrimSuffix(b, []byte("\r"))
	return string(b), nil
}

// splitRecord splits a line into n fields, allowing the trailing ";" the
// seeds put at the end of each line.
func splitRecord(s string, n int) ([]string, bool) {
	f := strings.Split(s, ";")
	if len(f) == n+1 && f[n] == "" {
		f = f[:n]
	}
	return f, len(f) == n
}

// SMSReader reads an SMS file row by row, checking each as the writer does.
type SMSReader struct {
	lr   *lineReader
	row  int
	done bool
}

// NewSMSReader reads the header of an SMS file. The seeds' own example
// header, "numero;texto;correlationId(opcional);", is accepted too.
func NewSMSReader(r io.Reader) (*SMSReader, error) {
	lr := newLineReader(r)
	for {
		line, err := lr.next()
		if err == io.EOF {
			return nil, &Problem{Line: lr.line, Code: CodeNoRows}
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !utf8Valid(line) {
			return nil, &Problem{Line: lr.line, Code: CodeBadUTF8}
		}
		f, ok := splitRecord(line, 3)
		if !ok || !isSMSHeader(f) {
			return nil, &Problem{Line: lr.line, Code: CodeHeader, Detail: "want " + SMSHeader}
		}
		return &SMSReader{lr: lr}, nil
	}
}

func isSMSHeader(f []string) bool {
	n := strings.ToLower(strings.TrimSpace(f[0]))
	t := strings.ToLower(strings.TrimSpace(f[1]))
	c := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(f[2]), " ", ""))
	return (n == "numero" || n == "número") && t == "texto" && (c == "correlationid" || c == "correlationid(opcional)")
}

// Line is the number of the last line read.
func (r *SMSReader) Line() int { return r.lr.line }

// Next returns the next row; io.EOF after the EOF line; a *Problem for a
// line that breaks the layout (the reader cannot go on after one).
func (r *SMSReader) Next() (SMSRow, error) {
	if r.done {
		return SMSRow{}, io.EOF
	}
	for {
		line, err := r.lr.next()
		if err == io.EOF {
			r.done = true
			return SMSRow{}, &Problem{Line: r.lr.line, Code: CodeNoEOF}
		}
		if err != nil {
			r.done = true
			return SMSRow{}, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(line), EOFLine) {
			r.done = true
			if r.row == 0 {
				return SMSRow{}, &Problem{Line: r.lr.line, Code: CodeNoRows}
			}
			return SMSRow{}, r.trailer()
		}
		r.row++
		if !utf8Valid(line) {
			r.done = true
			return SMSRow{}, &Problem{Row: r.row, Line: r.lr.line, Code: CodeBadUTF8}
		}
		f, ok := splitRecord(line, 3)
		if !ok {
			r.done = true
			return SMSRow{}, &Problem{Row: r.row, Line: r.lr.line, Code: CodeFieldCount,
				Detail: fmt.Sprintf("%d fields, want 3: numero;texto;correlationId;", len(strings.Split(line, ";")))}
		}
		row := SMSRow{Phone: strings.TrimSpace(f[0]), Text: f[1], CorrelationID: strings.TrimSpace(f[2])}
		if p := CheckSMS(r.row, row); p != nil {
			r.done = true
			p.Line = r.lr.line
			return SMSRow{}, p
		}
		return row, nil
	}
}

// trailer checks that only blank lines follow the EOF line.
func (r *SMSReader) trailer() error {
	for {
		line, err := r.lr.next()
		if err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return err
		}
		if strings.TrimSpace(line) != "" {
			return &Problem{Line: r.lr.line, Code: CodeAfterEOF}
		}
	}
}
