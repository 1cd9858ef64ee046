package xlsxstream

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// MaxRows is the most rows an Excel sheet holds.
const MaxRows = 1_048_576

// Options describe the workbook.
type Options struct {
	// SheetName names the first sheet (at most 31 characters, none of
	// []:*?/\); the next ones add " 2", " 3"...
	SheetName string
	// Header is the first row of every sheet.
	Header []string
	// Widths are the columns' widths in characters, by position; 0 or
	// missing leaves a column at the default width.
	Widths []float64
	// MaxRows bounds the rows of a sheet, header included; 0 is MaxRows.
	MaxRows int
}

// Writer writes one workbook. It is not safe for concurrent use.
type Writer struct {
	o      Options
	zw     *zip.Writer
	bw     *bufio.Writer
	refs   []string // column letters
	sheets int
	row    int // rows written in the current sheet, header included
	err    error
	num    []byte
}

// New starts a workbook written to w. Close must be called to finish it.
func New(w io.Writer, o Options) *Writer {
	if o.MaxRows <= 1 || o.MaxRows > MaxRows {
		o.MaxRows = MaxRows
	}
	o.SheetName = sheetName(o.SheetName)
	zw := zip.NewWriter(w)
	// The fastest deflate: the archive is made as fast as rows are read,
	// and spreadsheet XML still shrinks about tenfold.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	x := &Writer{o: o, zw: zw}
	for i := range max(len(o.Header), 1) {
		x.refs = append(x.refs, columnName(i))
	}
	return x
}

// WriteRow appends a row of text cells.
func (x *Writer) WriteRow(cells []string) error {
	if x.err != nil {
		return x.err
	}
	if x.sheets == 0 || x.row >= x.o.MaxRows {
		if err := x.startSheet(); err != nil {
			return err
		}
	}
	x.writeRow(cells, false)
	return x.err
}

// Sheets reports how many sheets the rows so far take.
func (x *Writer) Sheets() int { return max(x.sheets, 1) }

// Close ends the last sheet and writes the parts of the workbook that
// name the sheets; the archive is complete when it returns nil. It does
// not close the underlying writer.
func (x *Writer) Close() error {
	if x.err != nil {
		return x.err
	}
	if x.sheets == 0 {
		if err := x.startSheet(); err != nil {
			return err
		}
	}
	if err := x.endSheet(); err != nil {
		return err
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", x.contentTypes()},
		{"_rels/.rels", rootRels},
		{"xl/workbook.xml", x.workbook()},
		{"xl/_rels/workbook.xml.rels", x.workbookRels()},
		{"xl/styles.xml", styles},
	}
	for _, p := range parts {
		w, err := x.zw.Create(p.name)
		if err != nil {
			return x.fail(err)
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return x.fail(err)
		}
	}
	return x.fail(x.zw.Close())
}

func (x *Writer) fail(err error) error {
	if err != nil && x.err == nil {
		x.err = fmt.Errorf("xlsxstream: %w", err)
	}
	return x.err
}

func (x *Writer) startSheet() error {
	if x.sheets > 0 {
		if err := x.endSheet(); err != nil {
			return err
		}
	}
	x.sheets++
	x.row = 0
	w, err := x.zw.Create(fmt.Sprintf("xl/worksheets/sheet%d.xml", x.sheets))
	if err != nil {
		return x.fail(err)
	}
	if x.bw == nil {
		x.bw = bufio.NewWriterSize(w, 64<<10)
	} else {
		x.bw.Reset(w)
	}
	b := x.bw
	b.WriteString(xml.Header)
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	if len(x.o.Header) > 0 {
		b.WriteString(`<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>`)
	}
	cols := false
	for i, wd := range x.o.Widths {
		if wd <= 0 {
			continue
		}
		if !cols {
			b.WriteString("<cols>")
			cols = true
		}
		fmt.Fprintf(b, `<col min="%d" max="%d" width="%s" customWidth="1"/>`, i+1, i+1, strconv.FormatFloat(wd, 'f', -1, 64))
	}
	if cols {
		b.WriteString("</cols>")
	}
	b.WriteString("<sheetData>")
	if len(x.o.Header) > 0 {
		x.writeRow(x.o.Header, true)
	}
	return x.err
}

func (x *Writer) endSheet() error {
	x.bw.WriteString("</sheetData></worksheet>")
	return x.fail(x.bw.Flush())
}

func (x *Writer) writeRow(cells []string, header bool) {
	x.row++
	b := x.bw
	x.num = strconv.AppendInt(x.num[:0], int64(x.row), 10)
	b.WriteString(`<row r="`)
	b.Write(x.num)
	b.WriteString(`">`)
	for i, v := range cells {
		if v == "" && !header {
			continue
		}
		for i >= len(x.refs) {
			x.refs = append(x.refs, columnName(len(x.refs)))
		}
		b.WriteString(`<c r="`)
		b.WriteString(x.refs[i])
		b.Write(x.num)
		if header {
			b.WriteString(`" s="1" t="inlineStr"><is><t xml:space="preserve">`)
		} else {
			b.WriteString(`" t="inlineStr"><is><t xml:space="preserve">`)
		}
		escape(b, v)
		b.WriteString(`</t></is></c>`)
	}
	b.WriteString(`</row>`)
}

// escape writes s as XML text, dropping what XML 1.0 cannot hold.
func escape(b *bufio.Writer, s string) {
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var rep string
		switch {
		case r == '<':
			rep = "&lt;"
		case r == '>':
			rep = "&gt;"
		case r == '&':
			rep = "&amp;"
		case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			rep = ""
		default:
			i += size
			continue
		}
		b.WriteString(s[start:i])
		b.WriteString(rep)
		i += size
		start = i
	}
	b.WriteString(s[start:])
}

// columnName is the letters of the zero-based column i (A, B, ..., AA).
func columnName(i int) string {
	var out []byte
	for i++; i > 0; i = (i - 1) / 26 {
		out = append([]byte{byte('A' + (i-1)%26)}, out...)
	}
	return string(out)
}

// sheetName makes a valid sheet name, leaving room for " 99".
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, strings.TrimSpace(s))
	if r := []rune(s); len(r) > 27 {
		s = string(r[:27])
	}
	if s == "" {
		s = "Sheet"
	}
	return s
}

func (x *Writer) sheetTitle(i int) string {
	if i == 1 {
		return x.o.SheetName
	}
	return x.o.SheetName + " " + strconv.Itoa(i)
}

func (x *Writer) contentTypes() string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>`)
	for i := 1; i <= x.sheets; i++ {
		fmt.Fprintf(&b, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i)
	}
	b.WriteString(`</Types>`)
	return b.String()
}

func (x *Writer) workbook() string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>`)
	for i := 1; i <= x.sheets; i++ {
		b.WriteString(`<sheet name="`)
		xmlEscapeAttr(&b, x.sheetTitle(i))
		fmt.Fprintf(&b, `" sheetId="%d" r:id="rId%d"/>`, i, i)
	}
	b.WriteString(`</sheets></workbook>`)
	return b.String()
}

func (x *Writer) workbookRels() string {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`)
	for i := 1; i <= x.sheets; i++ {
		fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i, i)
	}
	fmt.Fprintf(&b, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, x.sheets+1)
	b.WriteString(`</Relationships>`)
	return b.String()
}

func xmlEscapeAttr(b *strings.Builder, s string) {
	b.WriteString(strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s))
}

var xml = struct{ Header string }{`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"}

const rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// styles has the default cell format (0) and the header's (1): bold on a
// light fill.
const styles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
	`<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>` +
	`<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>` +
	`<fill><patternFill patternType="solid"><fgColor rgb="FFEEF2FF"/><bgColor indexed="64"/></patternFill></fill></fills>` +
	`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
	`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
	`<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
	`<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>` +
	`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`
