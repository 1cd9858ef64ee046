package recipient

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
)

// A workbook is read straight from its zip, entry by entry: the workbook
// part and its relationships (small, parsed whole under a cap), the shared
// strings (streamed into a compact table, spilled to a temporary file when
// large), and the one worksheet asked for, streamed row by row. No other
// entry is ever decompressed, so what a file costs to read does not depend
// on what else it carries.

// XLSX limits applied before and while reading a workbook.
const (
	// DefaultMaxUnzipBytes bounds the total uncompressed size of a workbook.
	DefaultMaxUnzipBytes int64 = 1 << 30
	// maxRatio is how many times an entry, and the workbook as a whole,
	// may expand: real sheets compress 5 to 30 times. ratioSlack is what
	// any entry may expand beyond that, so tiny parts (styles, a sheet of
	// one cell) are never judged by their ratio.
	maxRatio   = 200
	ratioSlack = 1 << 20
	// maxPartBytes bounds the parts parsed whole (workbook, relationships).
	maxPartBytes = 16 << 20
	// maxRowXML bounds the XML of one row (or of what comes before the
	// first row), so a single huge cell fails fast instead of being held.
	maxRowXML = 8 << 20
	// maxSheetRows and maxSheetColumns are Excel's own limits.
	maxSheetRows    = 1 << 20
	maxSheetColumns = 1 << 14
)

// sharedInMemory: shared-string parts larger than this are kept in a
// temporary file, with only their offsets in memory. (A variable so tests
// can take both paths.)
var sharedInMemory uint64 = 8 << 20

// checkZip refuses decompression bombs by the sizes the zip directory
// declares: every entry and the workbook as a whole must expand no more
// than maxRatio times (plus ratioSlack), and the total must stay under
// maxUnzip. Reading then holds every entry to its declared size, so a
// directory that lies is caught too (see entryReader).
func checkZip(files []*zip.File, maxUnzip int64) error {
	var total, packed uint64
	for _, f := range files {
		total += f.UncompressedSize64
		packed += f.CompressedSize64
		if f.UncompressedSize64 > maxRatio*f.CompressedSize64+ratioSlack {
			return fmt.Errorf("recipient: open workbook: %s expands %d times: %w", f.Name, f.UncompressedSize64/max(f.CompressedSize64, 1), ErrZipBomb)
		}
	}
	if total > uint64(maxUnzip) {
		return fmt.Errorf("recipient: open workbook: %d bytes uncompressed, limit %d: %w", total, maxUnzip, ErrZipBomb)
	}
	if total > maxRatio*packed+ratioSlack {
		return fmt.Errorf("recipient: open workbook: expands %d times as a whole: %w", total/max(packed, 1), ErrZipBomb)
	}
	return nil
}

// workbook is an XLSX file opened for streaming.
type workbook struct {
	zr     *zip.ReadCloser
	files  map[string]*zip.File // by lower-cased name
	sheets []sheetEntry
	// sstPath is the shared-strings part ("" when there is none); the
	// table is read once, when the first sheet is opened.
	sstPath string
	sst     *sharedStrings
}

type sheetEntry struct {
	name, path string
}

// openWorkbook checks the zip for bombs and reads the workbook's sheet list.
func openWorkbook(filePath string, maxUnzip int64) (*workbook, error) {
	if maxUnzip <= 0 {
		maxUnzip = DefaultMaxUnzipBytes
	}
	zr, err := zip.OpenReader(filePath)
	if err != nil {
		return nil, fmt.Errorf("recipient: open workbook: %v: %w", err, ErrNotXLSX)
	}
	wb := &workbook{zr: zr, files: make(map[string]*zip.File, len(zr.File))}
	if err := checkZip(zr.File, maxUnzip); err != nil {
		zr.Close()
		return nil, err
	}
	for _, f := range zr.File {
		wb.files[strings.ToLower(strings.TrimPrefix(f.Name, "/"))] = f
	}
	if err := wb.readStructure(); err != nil {
		zr.Close()
		return nil, err
	}
	return wb, nil
}

// readStructure finds the workbook part, its sheets and shared strings.
func (wb *workbook) readStructure() error {
	main := "xl/workbook.xml"
	var root relationships
	if ok, err := wb.parsePart("_rels/.rels", &root); err != nil {
		return err
	} else if ok {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				main = resolvePart("", r.Target)
			}
		}
	}
	var book struct {
		Sheets []struct {
			Name string     `xml:"name,attr"`
			Attr []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if ok, err := wb.parsePart(main, &book); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("recipient: open workbook: no %s: %w", main, ErrNotXLSX)
	}
	dir := path.Dir(main)
	var rels relationships
	if _, err := wb.parsePart(path.Join(dir, "_rels", path.Base(main)+".rels"), &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = resolvePart(dir, r.Target)
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			wb.sstPath = resolvePart(dir, r.Target)
		}
	}
	if wb.sstPath == "" && wb.files[path.Join(dir, "sharedstrings.xml")] != nil {
		wb.sstPath = path.Join(dir, "sharedStrings.xml")
	}
	for i, s := range book.Sheets {
		id := ""
		for _, a := range s.Attr {
			if a.Name.Local == "id" {
				id = a.Value
			}
		}
		p, ok := targets[id]
		if !ok {
			p = path.Join(dir, "worksheets", fmt.Sprintf("sheet%d.xml", i+1))
		}
		wb.sheets = append(wb.sheets, sheetEntry{name: s.Name, path: p})
	}
	return nil
}

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

// resolvePart turns a relationship target into a zip entry name: absolute
// targets ("/xl/worksheets/sheet1.xml") from the root, others from dir.
func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return path.Clean(strings.TrimPrefix(target, "/"))
	}
	return path.Clean(path.Join(dir, target))
}

// parsePart decodes a small part whole; ok is false when it is missing.
func (wb *workbook) parsePart(name string, v any) (ok bool, err error) {
	f := wb.files[strings.ToLower(name)]
	if f == nil {
		return false, nil
	}
	if f.UncompressedSize64 > maxPartBytes {
		return false, fmt.Errorf("recipient: open workbook: %s is %d bytes: %w", name, f.UncompressedSize64, ErrZipBomb)
	}
	rc, err := wb.entryReader(f)
	if err != nil {
		return false, err
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return false, fmt.Errorf("recipient: open workbook: %s: %v: %w", name, err, ErrNotXLSX)
	}
	return true, nil
}

// entryReader opens an entry and holds it to its declared size.
func (wb *workbook) entryReader(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("recipient: open workbook: %s: %v: %w", f.Name, err, ErrNotXLSX)
	}
	return &declaredReader{rc: rc, left: int64(f.UncompressedSize64), name: f.Name}, nil
}

// declaredReader fails once an entry yields more than its declared size.
type declaredReader struct {
	rc   io.ReadCloser
	left int64
	name string
}

func (d *declaredReader) Read(p []byte) (int, error) {
	if d.left <= 0 {
		// One more byte would prove the directory lied.
		var one [1]byte
		if n, _ := d.rc.Read(one[:]); n > 0 {
			return 0, fmt.Errorf("recipient: read workbook: %s is larger than declared: %w", d.name, ErrZipBomb)
		}
		return 0, io.EOF
	}
	if int64(len(p)) > d.left {
		p = p[:d.left]
	}
	n, err := d.rc.Read(p)
	d.left -= int64(n)
	return n, err
}

func (d *declaredReader) Close() error { return d.rc.Close() }

func (wb *workbook) close() {
	if wb.sst != nil {
		wb.sst.close()
	}
	wb.zr.Close()
}

// sheetNames lists the sheets in workbook order.
func (wb *workbook) sheetNames() []string {
	out := make([]string, len(wb.sheets))
	for i, s := range wb.sheets {
		out[i] = s.name
	}
	return out
}

// lookupSheet finds a sheet by name, in any case, as Excel does.
func (wb *workbook) lookupSheet(name string) (sheetEntry, bool) {
	for _, s := range wb.sheets {
		if strings.EqualFold(s.name, name) {
			return s, true
		}
	}
	return sheetEntry{}, false
}

// sharedStringsTable reads the shared strings once.
func (wb *workbook) sharedStringsTable() (*sharedStrings, error) {
	if wb.sst != nil || wb.sstPath == "" {
		if wb.sst == nil {
			wb.sst = &sharedStrings{}
		}
		return wb.sst, nil
	}
	f := wb.files[strings.ToLower(wb.sstPath)]
	wb.sst = &sharedStrings{}
	if f == nil {
		return wb.sst, nil
	}
	rc, err := wb.entryReader(f)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if err := wb.sst.read(rc, f.UncompressedSize64 > sharedInMemory); err != nil {
		return nil, err
	}
	return wb.sst, nil
}

// sharedStrings is the workbook's table of shared strings: in memory, or
// in a temporary file with their offsets in memory.
type sharedStrings struct {
	mem     []string
	file    *os.File
	w       *bufio.Writer
	offsets []int64 // start of string i; the last entry is the end
	buf     []byte
}

func (s *sharedStrings) read(r io.Reader, spill bool) error {
	if spill {
		f, err := os.CreateTemp("", "arauto-strings-*")
		if err != nil {
			return fmt.Errorf("recipient: read shared strings: %w", err)
		}
		os.Remove(f.Name()) // gone when closed
		s.file, s.w, s.offsets = f, bufio.NewWriterSize(f, 64<<10), []int64{0}
	}
	g := &guardReader{r: r, limit: maxRowXML}
	dec := xml.NewDecoder(bufio.NewReaderSize(g, 64<<10))
	var text strings.Builder
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return xmlError("shared strings", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			g.mark = g.n
			text.Reset()
			if err := readRichText(dec, &text); err != nil {
				return xmlError("shared strings", err)
			}
			if err := s.add(unescapeOOXML(text.String())); err != nil {
				return err
			}
		}
	}
	if s.w != nil {
		if err := s.w.Flush(); err != nil {
			return fmt.Errorf("recipient: read shared strings: %w", err)
		}
	}
	return nil
}

func (s *sharedStrings) add(v string) error {
	if s.file == nil {
		s.mem = append(s.mem, v)
		return nil
	}
	if _, err := s.w.WriteString(v); err != nil {
		return fmt.Errorf("recipient: read shared strings: %w", err)
	}
	s.offsets = append(s.offsets, s.offsets[len(s.offsets)-1]+int64(len(v)))
	return nil
}

// get returns string i; "" (an empty cell) for an index out of range, as
// Excel shows it.
func (s *sharedStrings) get(i int) string {
	if s.file == nil {
		if i < 0 || i >= len(s.mem) {
			return ""
		}
		return s.mem[i]
	}
	if i < 0 || i+1 >= len(s.offsets) {
		return ""
	}
	start, end := s.offsets[i], s.offsets[i+1]
	if int64(cap(s.buf)) < end-start {
		s.buf = make([]byte, end-start)
	}
	b := s.buf[:end-start]
	if _, err := s.file.ReadAt(b, start); err != nil {
		return ""
	}
	return string(b)
}

func (s *sharedStrings) close() {
	if s.file != nil {
		s.file.Close()
	}
}

// readRichText collects the text of a shared or inline string: its <t>,
// and the <t> of its runs (<r>), but not of phonetic hints (<rPh>).
func readRichText(dec *xml.Decoder, text *strings.Builder) error {
	depth, inT, skip := 1, false, 0
	for depth > 0 {
		tok, err := dec.RawToken()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case skip > 0:
				skip++
			case t.Name.Local == "rPh" || t.Name.Local == "phoneticPr":
				skip = 1
			case t.Name.Local == "t":
				inT = true
			}
		case xml.EndElement:
			depth--
			if skip > 0 {
				skip--
			}
			if t.Name.Local == "t" {
				inT = false
			}
		case xml.CharData:
			if inT && skip == 0 {
				text.Write(t)
			}
		}
	}
	return nil
}

// unescapeOOXML decodes the _xHHHH_ escapes Office writes for characters
// XML cannot carry ("_x000D_" is a carriage return, "_x005F_" an
// underscore).
func unescapeOOXML(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				b.WriteRune(rune(v))
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func xmlError(what string, err error) error {
	var fe *FileError
	if errors.As(err, &fe) {
		return err
	}
	if errors.Is(err, errRecordTooLong) {
		return fmt.Errorf("recipient: read %s: an entry is over %d bytes: %w", what, maxRowXML, ErrLineTooLong)
	}
	return fmt.Errorf("recipient: read %s: %v: %w", what, err, ErrNotXLSX)
}

// sheetSource streams one worksheet's rows. Cells come as stored, not as
// displayed: numbers keep every digit whatever their format, so
// 5519997712322 formatted as 5,52E+12 still comes out whole. Every row
// number from 1 to the last row is returned once, rows missing from the
// file as empty rows, like excelize's Rows iterator did.
type sheetSource struct {
	rc    io.ReadCloser
	guard *guardReader
	dec   *xml.Decoder
	sst   *sharedStrings
	row   int // number of the row returned last
	// pending is the number of the row whose start tag was read but not
	// yet returned (0 when none).
	pending int
	done    bool
	cells   []string
	text    strings.Builder
}

// openSheet opens a sheet by name for streaming.
func (wb *workbook) openSheet(name string) (*sheetSource, error) {
	e, ok := wb.lookupSheet(name)
	if !ok {
		return nil, fmt.Errorf("recipient: sheet %q: %w", name, ErrNoSheet)
	}
	sst, err := wb.sharedStringsTable()
	if err != nil {
		return nil, err
	}
	f := wb.files[strings.ToLower(e.path)]
	if f == nil {
		// A sheet named in the workbook but absent holds nothing.
		return &sheetSource{done: true, sst: sst}, nil
	}
	rc, err := wb.entryReader(f)
	if err != nil {
		return nil, err
	}
	g := &guardReader{r: rc, limit: maxRowXML}
	return &sheetSource{rc: rc, guard: g, dec: xml.NewDecoder(bufio.NewReaderSize(g, 64<<10)), sst: sst}, nil
}

func (s *sheetSource) next() ([]string, int, error) {
	if s.pending == 0 && !s.done {
		if err := s.seekRow(); err != nil {
			return nil, 0, err
		}
	}
	if s.pending == 0 {
		return nil, 0, io.EOF
	}
	s.row++
	if s.pending > s.row {
		return s.cells[:0], s.row, nil // a row missing from the file
	}
	s.pending = 0
	if err := s.readRow(); err != nil {
		return nil, 0, err
	}
	return s.cells, s.row, nil
}

// seekRow reads up to the next <row> start tag and sets s.pending to its
// number, or sets s.done at the end of the sheet data.
func (s *sheetSource) seekRow() error {
	for {
		tok, err := s.dec.RawToken()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			return xmlError("sheet", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "row" {
				continue
			}
			s.guard.mark = s.guard.n
			n := s.row + 1
			if r := attr(t, "r"); r != "" {
				v, err := strconv.Atoi(r)
				if err != nil || v < 1 {
					return fmt.Errorf("recipient: read sheet: row number %q: %w", r, ErrNotXLSX)
				}
				// Rows out of order are taken in file order.
				n = max(v, s.row+1)
			}
			if n > maxSheetRows {
				return fmt.Errorf("recipient: read sheet: row %d is past Excel's last row: %w", n, ErrNotXLSX)
			}
			s.pending = n
			return nil
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				s.done = true
				return nil
			}
		}
	}
}

// readRow reads the cells of the row whose start tag was just read.
func (s *sheetSource) readRow() error {
	s.cells = s.cells[:0]
	col := 0
	for {
		tok, err := s.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return xmlError("sheet", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				continue
			}
			col++
			if ref := attr(t, "r"); ref != "" {
				if col, err = columnOf(ref); err != nil {
					return err
				}
			}
			v, keep, err := s.readCell(t)
			if err != nil {
				return err
			}
			if keep {
				s.place(col, v)
			}
		case xml.EndElement:
			if t.Name.Local == "row" {
				return nil
			}
		}
	}
}

// place puts v in column col (1-based), padding with empty cells.
func (s *sheetSource) place(col int, v string) {
	for len(s.cells) < col-1 {
		s.cells = append(s.cells, "")
	}
	if col <= len(s.cells) {
		s.cells[col-1] = v // a column written twice keeps the last value
		return
	}
	s.cells = append(s.cells, v)
}

// readCell reads one <c> element: its value as stored, and whether the
// cell counts (it has a value or a formula).
func (s *sheetSource) readCell(start xml.StartElement) (string, bool, error) {
	typ := attr(start, "t")
	var v string
	hasV, hasFormula, hasInline := false, false, false
	var inline strings.Builder
	for depth := 1; depth > 0; {
		tok, err := s.dec.RawToken()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return "", false, xmlError("sheet", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				s.text.Reset()
				if err := readText(s.dec, &s.text); err != nil {
					return "", false, xmlError("sheet", err)
				}
				v, hasV = s.text.String(), true
			case "f":
				hasFormula = true
				depth++
			case "is":
				hasInline = true
				if err := readRichText(s.dec, &inline); err != nil {
					return "", false, xmlError("sheet", err)
				}
			default:
				depth++
			}
		case xml.EndElement:
			depth--
		}
	}
	switch typ {
	case "s":
		if hasV {
			i, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				i = -1
			}
			v = s.sst.get(i)
		}
	case "inlineStr":
		if hasInline {
			v = unescapeOOXML(inline.String())
		}
	}
	return v, v != "" || hasFormula, nil
}

// readText reads the character data up to the end of the current element.
func readText(dec *xml.Decoder, text *strings.Builder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.RawToken()
		if err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 1 {
				text.Write(t)
			}
		}
	}
	return nil
}

// columnOf reads the column of a cell reference ("B7", "$AA$3") as 1-based.
func columnOf(ref string) (int, error) {
	col, letters := 0, 0
	for _, c := range []byte(ref) {
		switch {
		case c == '$':
			continue
		case c >= 'A' && c <= 'Z':
			col = col*26 + int(c-'A'+1)
		case c >= 'a' && c <= 'z':
			col = col*26 + int(c-'a'+1)
		default:
			if letters == 0 || c < '0' || c > '9' {
				return 0, fmt.Errorf("recipient: read sheet: cell reference %q: %w", ref, ErrNotXLSX)
			}
			return col, nil
		}
		letters++
		if col > maxSheetColumns {
			return 0, fmt.Errorf("recipient: read sheet: cell %q is past Excel's last column: %w", ref, ErrNotXLSX)
		}
	}
	return 0, fmt.Errorf("recipient: read sheet: cell reference %q: %w", ref, ErrNotXLSX)
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (s *sheetSource) bytesRead() int64 { return 0 }

func (s *sheetSource) close() error {
	if s.rc == nil {
		return nil
	}
	return s.rc.Close()
}
