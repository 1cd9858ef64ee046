package recipient

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// DefaultMaxRecordBytes is the longest CSV/TXT record accepted (1 MB).
const DefaultMaxRecordBytes = 1 << 20

// sampleSize is how many non-blank rows detection and layout look at.
const sampleSize = 200

// LayoutWavySFTP is Preview.Layout for the Wavy SFTP batch file
// "numero;texto;correlationId;" written without a header.
const LayoutWavySFTP = "wavy-sftp"

// InspectOptions tunes Inspect. The zero value is ready to use.
type InspectOptions struct {
	// PreviewRows is how many data rows Preview.Rows carries (default 10).
	PreviewRows int
	// Region for numbers without a country code (default "BR").
	Region string
	// Sheet to inspect in a workbook; "" picks the first non-empty sheet.
	Sheet string
	// MaxRecordBytes bounds one CSV/TXT record (default 1 MB).
	MaxRecordBytes int
	// MaxUnzipBytes bounds a workbook's uncompressed size (default 1 GiB).
	MaxUnzipBytes int64
}

// Preview is what Inspect learned about a file: enough for the upload page to
// show the first rows and let the marketer confirm or fix the mapping.
type Preview struct {
	// Format is FormatCSV, FormatTXT or FormatXLSX.
	Format string `json:"format"`
	// Encoding of a text file (EncodingUTF8, EncodingWindows1252, ...).
	Encoding string `json:"encoding,omitempty"`
	// BOM reports a byte-order mark at the start of a text file.
	BOM bool `json:"bom,omitempty"`
	// Delimiter of a text file: ';', ',', '\t' or '|'.
	Delimiter rune `json:"delimiter,omitempty"`
	// HasHeader reports a header row naming the columns.
	HasHeader bool `json:"has_header"`
	// FirstRow is the 1-based row where the table starts (the header row, or
	// the first data row); rows above it (titles) are ignored.
	FirstRow int `json:"first_row"`
	// Sheets lists a workbook's sheets; Sheet is the one inspected.
	Sheets []string `json:"sheets,omitempty"`
	// Sheet is the inspected worksheet.
	Sheet string `json:"sheet,omitempty"`
	// Columns are the normalised names of all columns ("nome", "coluna_2").
	Columns []string `json:"columns"`
	// Header is the raw header row, nil without one.
	Header []string `json:"header,omitempty"`
	// Rows are the first data rows as read; RowNumbers are their row numbers.
	Rows [][]string `json:"rows"`
	// RowNumbers gives the file row number of each entry of Rows.
	RowNumbers []int `json:"row_numbers"`
	// PhoneColumn is the index in Columns of the detected phone column.
	PhoneColumn int `json:"phone_column"`
	// CorrelationColumn is the index of a correlationId column, -1 if none.
	CorrelationColumn int `json:"correlation_column"`
	// AreaCodeColumn is the index of a separate DDD column, -1 if none.
	AreaCodeColumn int `json:"area_code_column"`
	// Layout names a recognised layout such as LayoutWavySFTP, or "".
	Layout string `json:"layout,omitempty"`
	// Region is the region numbers were judged in.
	Region string `json:"region"`
}

// Mapping returns the mapping Import should use for what was detected.
func (p Preview) Mapping() Mapping {
	return Mapping{
		Sheet:             p.Sheet,
		PhoneColumn:       p.PhoneColumn,
		CorrelationColumn: p.CorrelationColumn,
		AreaCodeColumn:    p.AreaCodeColumn,
		HasHeader:         p.HasHeader,
		FirstRow:          p.FirstRow,
		Delimiter:         p.Delimiter,
		Encoding:          p.Encoding,
		Region:            p.Region,
	}
}

// table is an opened file: its detected properties and a way to stream rows.
type table struct {
	format, encoding string
	bom, crOnly      bool
	delimiter        rune
	size             int64
	sheets           []string
	sheet            string
	wb               *workbook
	maxRecord        int
}

// openTable sniffs path and prepares it for reading. enc and delim override
// the detection when set; sheet selects a worksheet.
func openTable(path, enc string, delim rune, sheet string, maxRecord int, maxUnzip int64) (*table, error) {
	sn, err := sniff(path)
	if err != nil {
		return nil, wrapPath(path, err)
	}
	if maxRecord <= 0 {
		maxRecord = DefaultMaxRecordBytes
	}
	t := &table{format: sn.format, size: sn.size, maxRecord: maxRecord}
	if sn.format == FormatXLSX {
		wb, err := openWorkbook(path, maxUnzip)
		if err != nil {
			return nil, wrapPath(path, err)
		}
		t.wb = wb
		t.sheets = wb.sheetNames()
		if sheet == "" {
			if sheet, err = firstNonEmptySheet(wb); err != nil {
				wb.close()
				return nil, wrapPath(path, err)
			}
		} else if e, ok := wb.lookupSheet(sheet); !ok {
			wb.close()
			return nil, wrapPath(path, fmt.Errorf("recipient: sheet %q: %w", sheet, ErrNoSheet))
		} else {
			sheet = e.name
		}
		t.sheet = sheet
		return t, nil
	}
	t.encoding, t.bom, t.crOnly, t.delimiter = sn.encoding, sn.bom, sn.crOnly, sn.delimiter
	if enc != "" {
		if t.encoding, err = canonicalEncoding(enc); err != nil {
			return nil, err
		}
	}
	if delim != 0 {
		t.delimiter = delim
	}
	return t, nil
}

func wrapPath(path string, err error) error {
	return fmt.Errorf("%s: %w", baseName(path), err)
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

func (t *table) open(path string) (source, error) {
	if t.wb != nil {
		return t.wb.openSheet(t.sheet)
	}
	return openCSVSource(path, t.encoding, t.delimiter, t.crOnly, t.maxRecord)
}

func (t *table) close() {
	if t.wb != nil {
		t.wb.close()
	}
}

// sampleRow is a copied row from the start of the file.
type sampleRow struct {
	row    int
	fields []string
}

// readSample returns the first n non-blank rows (skipping the SFTP "EOF"
// end marker) of a fresh source.
func (t *table) readSample(path string, n int) ([]sampleRow, error) {
	src, err := t.open(path)
	if err != nil {
		return nil, wrapPath(path, err)
	}
	defer src.close()
	var out []sampleRow
	for len(out) < n {
		fields, row, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, wrapPath(path, err)
		}
		if blankRow(fields) || (t.wb == nil && eofMarker(fields)) {
			continue
		}
		out = append(out, sampleRow{row: row, fields: append([]string(nil), fields...)})
	}
	return out, nil
}

// eofMarker recognises the "EOF" line that ends a Wavy SFTP batch file.
func eofMarker(fields []string) bool {
	if len(fields) == 0 || strings.TrimSpace(fields[0]) != "EOF" {
		return false
	}
	for _, f := range fields[1:] {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// Inspect looks at the start of a CSV, TXT or XLSX file and detects its
// format, encoding, delimiter, header, columns and phone column. It reads a
// bounded prefix (a few hundred rows), so it is fast on any file size.
// Refused files return the typed errors of this package (ErrEmpty,
// ErrBinary, ErrNotXLSX, ErrZipBomb, ErrLineTooLong, ErrNoPhoneColumn, ...).
func Inspect(path string, opts InspectOptions) (Preview, error) {
	region := canonicalRegion(opts.Region)
	t, err := openTable(path, "", 0, opts.Sheet, opts.MaxRecordBytes, opts.MaxUnzipBytes)
	if err != nil {
		return Preview{}, err
	}
	defer t.close()
	sample, err := t.readSample(path, sampleSize)
	if err != nil {
		return Preview{}, err
	}
	if len(sample) == 0 {
		return Preview{}, wrapPath(path, ErrEmpty)
	}
	det, err := detect(sample, region)
	if err != nil {
		return Preview{}, wrapPath(path, err)
	}
	m := Mapping{
		PhoneColumn: det.phone, CorrelationColumn: -1, AreaCodeColumn: det.areaCode,
		HasHeader: det.hasHeader, FirstRow: det.firstRow, Delimiter: t.delimiter,
	}
	lay := computeLayout(sample, m, t.wb == nil)
	p := Preview{
		Format: t.format, Encoding: t.encoding, BOM: t.bom, Delimiter: t.delimiter,
		HasHeader: det.hasHeader, FirstRow: det.firstRow, Sheets: t.sheets, Sheet: t.sheet,
		Columns: lay.names, Header: lay.header, PhoneColumn: det.phone,
		CorrelationColumn: -1, AreaCodeColumn: det.areaCode, Region: region,
	}
	if lay.sftp {
		p.Layout = LayoutWavySFTP
		p.CorrelationColumn = 2
	}
	for i, name := range lay.names {
		if det.hasHeader && i != det.phone && (strings.Contains(name, "correlation") || strings.Contains(name, "correlacao")) {
			p.CorrelationColumn = i
			break
		}
	}
	if det.hasHeader && p.AreaCodeColumn < 0 {
		for i, name := range lay.names {
			if i != det.phone && areaCodeName(name) {
				p.AreaCodeColumn = i
				break
			}
		}
	}
	previewRows := opts.PreviewRows
	if previewRows <= 0 {
		previewRows = 10
	}
	for _, r := range lay.data {
		if len(p.Rows) == previewRows {
			break
		}
		p.Rows = append(p.Rows, r.fields)
		p.RowNumbers = append(p.RowNumbers, r.row)
	}
	if len(lay.data) == 0 {
		return p, wrapPath(path, ErrNoRows)
	}
	return p, nil
}

// detection is what detect decides from the sample.
type detection struct {
	phone     int
	hasHeader bool
	firstRow  int
	areaCode  int
}

// phoneLike reports a cell that is shaped like a phone number even if it is
// not an acceptable mobile (landlines, numbers without DDD, lost digits).
func phoneLike(r Reason) bool {
	switch r {
	case ReasonEmpty, ReasonInvalid, ReasonTooShort, ReasonTooLong:
		return false
	}
	return true
}

// detect finds the phone column (where most values normalise to a valid
// mobile, then where most look like phone numbers), where the table starts,
// whether it has a header, and a separate DDD column in header-less files.
func detect(sample []sampleRow, region string) (detection, error) {
	width := 0
	for _, r := range sample {
		width = max(width, len(r.fields))
	}
	reasons := make([][]Reason, len(sample))
	for i, r := range sample {
		reasons[i] = make([]Reason, width)
		for c := range width {
			_, reasons[i][c] = normalize(cell(r.fields, c), region)
		}
	}
	body := 1
	if len(sample) == 1 {
		body = 0
	}
	best, bestValid, bestLike := -1, 0, 0
	bestHint := false
	for c := range width {
		valid, like := 0, 0
		for i := body; i < len(sample); i++ {
			if reasons[i][c] == "" {
				valid++
			}
			if phoneLike(reasons[i][c]) {
				like++
			}
		}
		hint := phoneName(normalizeName(cell(sample[0].fields, c)))
		better := valid > bestValid || (valid == bestValid && like > bestLike) ||
			(valid == bestValid && like == bestLike && hint && !bestHint)
		if (valid > 0 || like > 0) && (best < 0 || better) {
			best, bestValid, bestLike, bestHint = c, valid, like, hint
		}
	}
	if best < 0 {
		for c := range width {
			if phoneName(normalizeName(cell(sample[0].fields, c))) {
				return detection{phone: c, hasHeader: true, firstRow: sample[0].row, areaCode: -1}, nil
			}
		}
		return detection{}, ErrNoPhoneColumn
	}
	d := detection{phone: best, areaCode: -1}
	first := -1
	for i := range sample {
		if phoneLike(reasons[i][best]) {
			first = i
			break
		}
	}
	switch {
	case first == 0:
		d.firstRow = sample[0].row
	case first > 0:
		// The row just above the first number is the header, unless an
		// earlier one names the phone column (a data row with garbage).
		h := first - 1
		for i := 0; i < first; i++ {
			if phoneName(normalizeName(cell(sample[i].fields, best))) {
				h = i
				break
			}
		}
		d.hasHeader, d.firstRow = true, sample[h].row
	default:
		d.hasHeader, d.firstRow = true, sample[0].row
	}
	if !d.hasHeader {
		d.areaCode = detectAreaCodeColumn(sample, reasons, best)
	}
	return d, nil
}

// detectAreaCodeColumn finds, in a header-less file whose phone column mostly
// lacks the DDD, a column whose every value is a Brazilian DDD.
func detectAreaCodeColumn(sample []sampleRow, reasons [][]Reason, phone int) int {
	noDDD := 0
	for i := range sample {
		if reasons[i][phone] == ReasonNoAreaCode {
			noDDD++
		}
	}
	if noDDD*2 < len(sample) {
		return -1
	}
	for c := range reasons[0] {
		if c == phone {
			continue
		}
		all := true
		for _, r := range sample {
			if _, ok := parseDDD(cell(r.fields, c)); !ok {
				all = false
				break
			}
		}
		if all {
			return c
		}
	}
	return -1
}

// parseDDD reads a DDD cell: "19", "(19)", "019", " 19 ".
func parseDDD(s string) (string, bool) {
	s = strings.Trim(trimPhone(s), "()")
	s = strings.TrimPrefix(strings.TrimSpace(s), "0")
	if len(s) != 2 || s[0] < '1' || s[0] > '9' || s[1] < '0' || s[1] > '9' {
		return "", false
	}
	return s, brazilDDD[int(s[0]-'0')*10+int(s[1]-'0')]
}

func cell(fields []string, c int) string {
	if c >= 0 && c < len(fields) {
		return fields[c]
	}
	return ""
}

var phoneHints = []string{"telefone", "celular", "fone", "phone", "mobile", "msisdn", "whats", "numero", "number", "destinat"}

// phoneName reports a normalised column name that names a phone column.
func phoneName(name string) bool {
	switch name {
	case "tel", "cel", "num", "nr", "contato":
		return true
	}
	for _, h := range phoneHints {
		if strings.Contains(name, h) {
			return true
		}
	}
	return false
}

func areaCodeName(name string) bool {
	switch name {
	case "ddd", "cod_area", "codigo_area", "codigo_de_area", "area_code", "prefixo":
		return true
	}
	return false
}

// layout is the column structure Import and Inspect agree on.
type layout struct {
	names     []string    // all column names
	header    []string    // raw header, nil without
	headerRow int         // row number of the header, 0 without
	firstRow  int         // table start
	data      []sampleRow // sample rows after the header
	natural   int         // columns the sample really has
	sftp      bool
}

// computeLayout derives column count and names from the sample. Trailing
// columns empty in the header and in every sample row (the ';' that ends
// every SFTP line) are dropped.
func computeLayout(sample []sampleRow, m Mapping, text bool) layout {
	var l layout
	start := 0
	if m.FirstRow > 0 {
		for start < len(sample) && sample[start].row < m.FirstRow {
			start++
		}
	}
	rows := sample[start:]
	if len(rows) > 0 {
		l.firstRow = rows[0].row
	}
	if m.HasHeader && len(rows) > 0 {
		l.header, l.headerRow = rows[0].fields, rows[0].row
		rows = rows[1:]
	}
	l.data = rows
	// With a header the header decides the width, unless most rows carry
	// data beyond it (a header that forgot to name the last columns).
	// Without one, the widest sample row does.
	width, wider := len(l.header), 0
	for _, r := range rows {
		if len(r.fields) > len(l.header) && !blankRow(r.fields[len(l.header):]) {
			wider++
		}
	}
	if !m.HasHeader || wider*2 > len(rows) {
		for _, r := range rows {
			width = max(width, len(r.fields))
		}
	}
	for width > 0 && columnEmpty(l.header, rows, width-1) {
		width--
	}
	if text && !m.HasHeader && m.Delimiter == ';' && m.PhoneColumn == 0 && sftpShaped(rows) {
		width, l.sftp = 3, true
	}
	l.natural = width
	width = max(width, m.PhoneColumn+1, m.CorrelationColumn+1, m.AreaCodeColumn+1, 1)
	switch {
	case l.sftp:
		l.names = []string{"numero", "texto", "correlationid"}
	case m.HasHeader:
		l.names = normalizeNames(l.header, width)
	default:
		l.names = normalizeNames(nil, width)
	}
	return l
}

func columnEmpty(header []string, rows []sampleRow, c int) bool {
	if trimBlank(cell(header, c)) != "" {
		return false
	}
	for _, r := range rows {
		if trimBlank(cell(r.fields, c)) != "" {
			return false
		}
	}
	return true
}

// sftpShaped: every row has 3 fields, or 4 with the last empty
// ("5511900000000;mensagem 1;;").
func sftpShaped(rows []sampleRow) bool {
	if len(rows) == 0 {
		return false
	}
	for _, r := range rows {
		switch {
		case len(r.fields) == 3:
		case len(r.fields) == 4 && strings.TrimSpace(r.fields[3]) == "":
		default:
			return false
		}
	}
	return true
}

var stripMarks = runes.Remove(runes.In(unicode.Mn))

// normalizeName turns a header cell into a placeholder-friendly column name:
// accents stripped, lower case, runs of anything but letters and digits
// become one '_' ("Nome Completo" -> "nome_completo", "Nº" -> "no").
func normalizeName(s string) string {
	t := transform.Chain(norm.NFKD, stripMarks)
	folded, _, err := transform.String(t, s)
	if err != nil {
		folded = s
	}
	var b strings.Builder
	pending := false
	for _, r := range strings.ToLower(folded) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if pending && b.Len() > 0 {
				b.WriteByte('_')
			}
			pending = false
			b.WriteRune(r)
			continue
		}
		pending = true
	}
	return b.String()
}

// normalizeNames names width columns from a header: normalised, "coluna_N"
// when blank or missing, and "nome_2", "nome_3" for repeats.
func normalizeNames(header []string, width int) []string {
	names := make([]string, width)
	seen := make(map[string]bool, width)
	for i := range width {
		n := normalizeName(cell(header, i))
		if n == "" {
			n = "coluna_" + strconv.Itoa(i+1)
		}
		if seen[n] {
			for k := 2; ; k++ {
				c := n + "_" + strconv.Itoa(k)
				if !seen[c] {
					n = c
					break
				}
			}
		}
		seen[n] = true
		names[i] = n
	}
	return names
}
