package batchfile

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// TemplateKind is the message type of the WhatsApp layout's first line,
// the only one the seeds document for files.
const TemplateKind = "TEMPLATE"

// CorrelationColumn is the column the writer adds to WhatsApp files so
// statuses can be matched to messages (see the package doc).
const CorrelationColumn = "correlationId"

// Language policies of a template; "" is written as the default.
var languagePolicies = []string{"DETERMINISTIC", "FALLBACK"}

// Media header kinds, sources and file types the seeds list.
var (
	MediaKinds   = []string{"IMAGE", "AUDIO", "VIDEO", "DOCUMENT"}
	MediaSources = []string{"URL", "PATH"}
	MediaTypes   = []string{"JPEG", "PNG", "JPG", "PDF", "DOC", "MP4", "MP3"}
)

// WhatsAppMedia is the optional second line of a WhatsApp file: the
// template's media header.
type WhatsAppMedia struct {
	Kind     string // IMAGE, AUDIO, VIDEO or DOCUMENT
	Source   string // URL, or PATH for a file on the SFTP server
	Location string // the URL or the path
	Type     string // JPEG, PNG, JPG, PDF, DOC, MP4 or MP3
}

// WhatsAppHead is everything of a WhatsApp file before its rows.
type WhatsAppHead struct {
	// Date (yyyy-MM-dd), Start and End (HH:mm) schedule the send; blank
	// sends on arrival.
	Date, Start, End string
	ElementName      string
	Namespace        string
	Language         string // languageCode, e.g. pt_BR
	LanguagePolicy   string // DETERMINISTIC (default) or FALLBACK
	// Params name the template's parameters in order; a name that is no
	// column is sent as a constant.
	Params []string
	Media  *WhatsAppMedia
	// Columns name the row fields; the first is the recipient's number.
	Columns []string
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// Check reports the first problem of the head (Line 1, 2 or 3 as written).
func (h WhatsAppHead) Check() error {
	line := 1
	cell := func(field, v string) *Problem {
		if p := checkCell(0, field, v); p != nil {
			p.Line = line
			return p
		}
		return nil
	}
	bad := func(field string, code Code, detail string) *Problem {
		return &Problem{Line: line, Field: field, Code: code, Detail: detail}
	}
	if h.Date != "" {
		if _, err := time.Parse("2006-01-02", h.Date); err != nil {
			return bad("data", CodeBadValue, "yyyy-MM-dd or blank")
		}
	}
	for _, t := range []struct{ field, v string }{{"hora inicial", h.Start}, {"hora final", h.End}} {
		if t.v != "" {
			if _, err := time.Parse("15:04", t.v); err != nil {
				return bad(t.field, CodeBadValue, "HH:mm or blank")
			}
		}
	}
	for _, t := range []struct{ field, v string }{{"elementName", h.ElementName}, {"namespace", h.Namespace}, {"languageCode", h.Language}} {
		if strings.TrimSpace(t.v) == "" {
			return bad(t.field, CodeEmpty, "")
		}
		if p := cell(t.field, t.v); p != nil {
			return p
		}
	}
	if h.LanguagePolicy != "" && !oneOf(h.LanguagePolicy, languagePolicies) {
		return bad("languagePolicy", CodeBadValue, "DETERMINISTIC or FALLBACK")
	}
	for _, p := range h.Params {
		if strings.TrimSpace(p) == "" {
			return bad("parâmetros", CodeEmpty, "")
		}
		if pr := cell("parâmetros", p); pr != nil {
			return pr
		}
		if strings.Contains(p, "|") {
			return bad("parâmetros", CodePipe, p)
		}
	}
	if m := h.Media; m != nil {
		line = 2
		switch {
		case !oneOf(m.Kind, MediaKinds):
			return bad("tipo do header", CodeBadValue, strings.Join(MediaKinds, ", "))
		case !oneOf(m.Source, MediaSources):
			return bad("fonte da mídia", CodeBadValue, "URL or PATH")
		case strings.TrimSpace(m.Location) == "":
			return bad("mídia", CodeEmpty, "")
		case !oneOf(m.Type, MediaTypes):
			return bad("tipo da mídia", CodeBadValue, strings.Join(MediaTypes, ", "))
		}
		if p := cell("mídia", m.Location); p != nil {
			return p
		}
		if strings.EqualFold(m.Source, "URL") {
			u, err := url.Parse(m.Location)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return bad("mídia", CodeBadValue, "an http or https URL")
			}
		}
	}
	line++
	if len(h.Columns) == 0 {
		return bad("colunas", CodeEmpty, "")
	}
	seen := map[string]bool{}
	for _, c := range h.Columns {
		if strings.TrimSpace(c) == "" {
			return bad("colunas", CodeEmpty, "")
		}
		if p := cell("colunas", c); p != nil {
			return p
		}
		k := strings.ToLower(c)
		if seen[k] {
			return bad("colunas", CodeBadValue, "column "+c+" appears twice")
		}
		seen[k] = true
	}
	return nil
}

// CorrelationIndex is the index of the correlationId column, or -1.
func (h WhatsAppHead) CorrelationIndex() int {
	for i, c := range h.Columns {
		if i > 0 && strings.EqualFold(c, CorrelationColumn) {
			return i
		}
	}
	return -1
}

// Values returns the template's parameter values for one row: the cell of
// the column a parameter is named after, or the name itself as a constant.
func (h WhatsAppHead) Values(row []string) []string {
	out := make([]string, len(h.Params))
	for i, p := range h.Params {
		out[i] = p
		for j, c := range h.Columns {
			if j > 0 && c == p && j < len(row) {
				out[i] = row[j]
				break
			}
		}
	}
	return out
}

// CheckWhatsAppRow reports why a row cannot be written under columns.
func CheckWhatsAppRow(row int, columns, values []string) *Problem {
	if len(values) != len(columns) {
		return &Problem{Row: row, Code: CodeFieldCount, Detail: fmt.Sprintf("%d values for %d columns", len(values), len(columns))}
	}
	if p := checkPhone(row, columns[0], values[0]); p != nil {
		return p
	}
	for i := 1; i < len(values); i++ {
		if p := checkCell(row, columns[i], values[i]); p != nil {
			return p
		}
		if strings.EqualFold(columns[i], CorrelationColumn) && utf16Len(values[i]) > MaxCorrelationIDLen {
			return &Problem{Row: row, Field: columns[i], Code: CodeTooLong, Detail: fmt.Sprintf("at most %d characters", MaxCorrelationIDLen)}
		}
	}
	return nil
}

// WhatsAppWriter streams a WhatsApp template file.
type WhatsAppWriter struct {
	w       *bufio.Writer
	head    WhatsAppHead
	tried   int
	written int
	err     error
}

// NewWhatsAppWriter checks the head and writes it to w.
func NewWhatsAppWriter(w io.Writer, h WhatsAppHead) (*WhatsAppWriter, error) {
	if err := h.Check(); err != nil {
		return nil, err
	}
	ww := &WhatsAppWriter{w: bufio.NewWriterSize(w, 64<<10), head: h}
	policy := h.LanguagePolicy
	if policy == "" {
		policy = languagePolicies[0]
	}
	b := ww.w
	b.WriteString(strings.Join([]string{h.Date, h.Start, h.End, TemplateKind, h.ElementName, h.Namespace,
		h.Language, strings.ToUpper(policy), strings.Join(h.Params, "|")}, ";"))
	b.WriteByte('\n')
	if m := h.Media; m != nil {
		b.WriteString(strings.Join([]string{strings.ToUpper(m.Kind), strings.ToUpper(m.Source), m.Location, strings.ToUpper(m.Type)}, ";"))
		b.WriteByte('\n')
	}
	b.WriteString(strings.Join(h.Columns, ";"))
	_, ww.err = b.WriteString("\n")
	return ww, ww.err
}

// Write adds a row (one value per column). A row that cannot be written
// is refused with a *Problem and the file is unchanged.
func (w *WhatsAppWriter) Write(values []string) error {
	if w.err != nil {
		return w.err
	}
	w.tried++
	if p := CheckWhatsAppRow(w.tried, w.head.Columns, values); p != nil {
		return p
	}
	w.written++
	for i, v := range values {
		if i > 0 {
			w.w.WriteByte(';')
		}
		w.w.WriteString(v)
	}
	_, w.err = w.w.WriteString("\n")
	return w.err
}

// Rows is the number of rows written.
func (w *WhatsAppWriter) Rows() int { return w.written }

// Close flushes the file; a file without rows is refused with CodeNoRows.
func (w *WhatsAppWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.written == 0 {
		w.err = &Problem{Code: CodeNoRows}
		return w.err
	}
	return w.w.Flush()
}

// WhatsAppReader reads a WhatsApp template file.
type WhatsAppReader struct {
	lr   *lineReader
	head WhatsAppHead
	row  int
	done bool
}

// NewWhatsAppReader reads and checks the head of a WhatsApp file.
func NewWhatsAppReader(r io.Reader) (*WhatsAppReader, error) {
	wr := &WhatsAppReader{lr: newLineReader(r)}
	line, err := wr.nonBlank()
	if err != nil {
		return nil, err
	}
	actual := []int{wr.lr.line}
	f := strings.Split(line, ";")
	if len(f) == 10 && strings.TrimSpace(f[9]) == "" {
		f = f[:9]
	}
	if len(f) != 9 {
		return nil, &Problem{Line: wr.lr.line, Code: CodeHeader,
			Detail: "want data;hora inicial;hora final;TEMPLATE;elementName;namespace;languageCode;languagePolicy;parâmetros"}
	}
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	if !strings.EqualFold(f[3], TemplateKind) {
		return nil, &Problem{Line: wr.lr.line, Field: "tipo", Code: CodeBadValue, Detail: "TEMPLATE"}
	}
	h := WhatsAppHead{Date: f[0], Start: f[1], End: f[2], ElementName: f[4], Namespace: f[5], Language: f[6], LanguagePolicy: f[7]}
	if f[8] != "" {
		for _, p := range strings.Split(f[8], "|") {
			h.Params = append(h.Params, strings.TrimSpace(p))
		}
	}
	line, err = wr.nonBlank()
	if err != nil {
		return nil, err
	}
	if f := strings.Split(line, ";"); oneOf(strings.TrimSpace(f[0]), MediaKinds) {
		if len(f) != 4 {
			return nil, &Problem{Line: wr.lr.line, Code: CodeHeader, Detail: "want tipo do header;URL ou PATH;mídia;tipo da mídia"}
		}
		h.Media = &WhatsAppMedia{Kind: strings.TrimSpace(f[0]), Source: strings.TrimSpace(f[1]), Location: strings.TrimSpace(f[2]), Type: strings.TrimSpace(f[3])}
		actual = append(actual, wr.lr.line)
		if line, err = wr.nonBlank(); err != nil {
			return nil, err
		}
	}
	for _, c := range strings.Split(line, ";") {
		h.Columns = append(h.Columns, strings.TrimSpace(c))
	}
	actual = append(actual, wr.lr.line)
	if err := h.Check(); err != nil {
		// Check numbers the head's lines as written; the file may hold
		// blank lines between them.
		if p, ok := AsProblem(err); ok && p.Line >= 1 && p.Line <= len(actual) {
			p.Line = actual[p.Line-1]
		}
		return nil, err
	}
	wr.head = h
	return wr, nil
}

// nonBlank returns the next line that is not blank; a missing line is
// CodeNoRows.
func (r *WhatsAppReader) nonBlank() (string, error) {
	for {
		line, err := r.lr.next()
		if err == io.EOF {
			return "", &Problem{Line: r.lr.line, Code: CodeNoRows}
		}
		if err != nil {
			return "", err
		}
		if !utf8Valid(line) {
			return "", &Problem{Line: r.lr.line, Code: CodeBadUTF8}
		}
		if strings.TrimSpace(line) != "" {
			return line, nil
		}
	}
}

// Head is the file's head.
func (r *WhatsAppReader) Head() WhatsAppHead { return r.head }

// Next returns the next row's values (one per column); io.EOF at the end.
func (r *WhatsAppReader) Next() ([]string, error) {
	if r.done {
		return nil, io.EOF
	}
	for {
		line, err := r.lr.next()
		if err == io.EOF {
			r.done = true
			if r.row == 0 {
				return nil, &Problem{Line: r.lr.line, Code: CodeNoRows}
			}
			return nil, io.EOF
		}
		if err != nil {
			r.done = true
			return nil, err
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		r.row++
		if !utf8Valid(line) {
			r.done = true
			return nil, &Problem{Row: r.row, Line: r.lr.line, Code: CodeBadUTF8}
		}
		values := strings.Split(line, ";")
		values[0] = strings.TrimSpace(values[0])
		if p := CheckWhatsAppRow(r.row, r.head.Columns, values); p != nil {
			r.done = true
			p.Line = r.lr.line
			return nil, p
		}
		return values, nil
	}
}
