package recipient

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Formats reported by Preview.Format.
const (
	FormatCSV  = "csv"
	FormatTXT  = "txt"
	FormatXLSX = "xlsx"
)

// Encodings reported by Preview.Encoding and accepted in Mapping.Encoding.
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
	EncodingUTF16LE     = "utf-16le"
	EncodingUTF16BE     = "utf-16be"
)

// sniffSize is how much of the file the detectors look at.
const sniffSize = 64 << 10

// sniffResult is what the first bytes of a file say about it.
type sniffResult struct {
	format    string // FormatCSV, FormatTXT or FormatXLSX
	encoding  string
	bom       bool
	crOnly    bool   // classic Mac line endings: \r without \n
	text      []byte // the sample decoded to UTF-8 (text formats only)
	delimiter rune
	size      int64
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	magicZip   = []byte("PK\x03\x04")
	magicOLE   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// binaryMagics are formats people upload by mistake that may not contain NUL
// bytes early enough to be caught.
var binaryMagics = [][]byte{
	[]byte("%PDF"), []byte("\x89PNG"), []byte("GIF8"), {0xFF, 0xD8, 0xFF},
	{0x1F, 0x8B}, []byte("Rar!"), []byte("7z\xBC\xAF"), []byte("PK\x05\x06"),
}

// sniff reads the first 64 KB of path and classifies the file.
func sniff(path string) (sniffResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return sniffResult{}, fmt.Errorf("recipient: open: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return sniffResult{}, fmt.Errorf("recipient: stat: %w", err)
	}
	buf := make([]byte, sniffSize)
	n, err := io.ReadFull(f, buf)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return sniffResult{}, fmt.Errorf("recipient: read: %w", err)
	}
	res := sniffResult{size: st.Size()}
	if err := classifyBytes(buf[:n], filepath.Ext(path), int64(n) == st.Size(), &res); err != nil {
		return res, err
	}
	return res, nil
}

func classifyBytes(b []byte, ext string, whole bool, res *sniffResult) error {
	ext = strings.ToLower(ext)
	isXLSXName := ext == ".xlsx" || ext == ".xlsm"
	switch {
	case len(b) == 0:
		return ErrEmpty
	case bytes.HasPrefix(b, magicZip):
		res.format = FormatXLSX
		return nil
	case bytes.HasPrefix(b, magicOLE):
		return ErrLegacyXLS
	case isXLSXName:
		return ErrNotXLSX
	}
	for _, m := range binaryMagics {
		if bytes.HasPrefix(b, m) {
			return ErrBinary
		}
	}
	res.format = FormatCSV
	if ext == ".txt" || ext == ".tsv" || ext == ".tab" {
		res.format = FormatTXT
	}
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		res.encoding, res.bom = EncodingUTF8, true
		res.text = b[3:]
	case bytes.HasPrefix(b, bomUTF16LE), bytes.HasPrefix(b, bomUTF16BE):
		res.encoding, res.bom = EncodingUTF16LE, true
		if b[0] == 0xFE {
			res.encoding = EncodingUTF16BE
		}
		if len(b)%2 == 1 {
			b = b[:len(b)-1]
		}
		text, err := decoderFor(res.encoding).Bytes(b)
		if err != nil {
			return ErrBinary
		}
		res.text = text
	default:
		if bytes.IndexByte(b, 0) >= 0 || controlRatioTooHigh(b) {
			return ErrBinary
		}
		check := b
		if !whole {
			check = trimPartialRune(b)
		}
		if utf8.Valid(check) {
			res.encoding = EncodingUTF8
			res.text = b
		} else {
			res.encoding = EncodingWindows1252
			text, err := decoderFor(EncodingWindows1252).Bytes(b)
			if err != nil {
				return ErrBinary
			}
			res.text = text
		}
	}
	if bytes.IndexByte(res.text, 0) >= 0 || controlRatioTooHigh(res.text) {
		return ErrBinary
	}
	if len(bytes.TrimSpace(res.text)) == 0 && whole {
		return ErrEmpty
	}
	res.crOnly = bytes.IndexByte(res.text, '\r') >= 0 && bytes.IndexByte(res.text, '\n') < 0
	res.delimiter = detectDelimiter(res.text)
	return nil
}

// controlRatioTooHigh reports more than 1% (and more than 8) ASCII control
// characters other than tab, line breaks, form feed and the DOS end-of-file
// mark.
func controlRatioTooHigh(b []byte) bool {
	bad := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1A {
			bad++
		}
	}
	return bad > 8 && bad*100 > len(b)
}

// trimPartialRune drops an incomplete UTF-8 sequence cut by the sample end.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return b
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// decoderFor returns the decoder for an encoding name; nil for UTF-8.
func decoderFor(name string) *encoding.Decoder {
	switch name {
	case EncodingWindows1252:
		return charmap.Windows1252.NewDecoder()
	case EncodingUTF16LE:
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder()
	case EncodingUTF16BE:
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewDecoder()
	}
	return nil
}

// canonicalEncoding maps accepted spellings to the package's names.
func canonicalEncoding(name string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "utf-8", "utf8", "utf-8-bom":
		return EncodingUTF8, nil
	case "windows-1252", "cp1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "ansi":
		return EncodingWindows1252, nil
	case "utf-16le", "utf-16", "unicode":
		return EncodingUTF16LE, nil
	case "utf-16be":
		return EncodingUTF16BE, nil
	}
	return "", fmt.Errorf("recipient: encoding %q: %w", name, ErrEncoding)
}

// delimiterCandidates in order of preference when they tie: Excel in Brazil
// saves CSV with ';'.
var delimiterCandidates = []rune{';', ',', '\t', '|'}

// detectDelimiter picks the candidate that appears the same non-zero number
// of times on the most lines, counting only outside quoted fields and
// ignoring the comma of "5,519997712322E+12". With no candidate (a single
// column) it returns the first one absent from the sample.
func detectDelimiter(text []byte) rune {
	lines := splitLogicalLines(text, 100)
	best, bestScore := rune(0), 0
	for _, d := range delimiterCandidates {
		counts := make(map[int]int)
		for _, l := range lines {
			if c := countDelimiter(l, byte(d)); c > 0 {
				counts[c]++
			}
		}
		score := 0
		for _, v := range counts {
			score = max(score, v)
		}
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	if best != 0 {
		return best
	}
	for _, d := range delimiterCandidates {
		if bytes.IndexByte(text, byte(d)) < 0 {
			return d
		}
	}
	return ';'
}

// splitLogicalLines returns up to max non-blank lines, keeping quoted line
// breaks inside their record. The last line is dropped when the sample cut it.
func splitLogicalLines(text []byte, limit int) [][]byte {
	var out [][]byte
	inQuote := false
	start := 0
	for i := 0; i < len(text) && len(out) < limit; i++ {
		switch text[i] {
		case '"':
			inQuote = !inQuote
		case '\n', '\r':
			if !inQuote {
				if l := bytes.TrimSpace(text[start:i]); len(l) > 0 {
					out = append(out, text[start:i])
				}
				start = i + 1
			}
		}
	}
	if len(out) == 0 && start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func countDelimiter(line []byte, d byte) int {
	n := 0
	inQuote := false
	for i, c := range line {
		switch {
		case c == '"':
			inQuote = !inQuote
		case c == d && !inQuote:
			if d == ',' && sciComma(line, i) {
				continue
			}
			n++
		}
	}
	return n
}

// sciComma reports whether the comma at i is the decimal comma of a number in
// scientific notation: digit , digits E[+-]digit.
func sciComma(line []byte, i int) bool {
	if i == 0 || line[i-1] < '0' || line[i-1] > '9' {
		return false
	}
	j := i + 1
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		j++
	}
	if j == i+1 || j >= len(line) || (line[j] != 'e' && line[j] != 'E') {
		return false
	}
	j++
	if j < len(line) && (line[j] == '+' || line[j] == '-') {
		j++
	}
	return j < len(line) && line[j] >= '0' && line[j] <= '9'
}

// textStream is a decoded, guarded reader over a text file.
type textStream struct {
	file  *os.File
	raw   *countingReader
	guard *guardReader
}

// openText opens path as UTF-8 text: BOM skipped, decoded from enc, classic
// Mac line endings turned into \n, and guarded against endless records.
func openText(path, enc string, crOnly bool, maxRecord int) (*textStream, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recipient: open: %w", err)
	}
	cr := &countingReader{r: f}
	br := bufio.NewReaderSize(cr, 64<<10)
	var r io.Reader = br
	if enc == EncodingUTF8 {
		if head, _ := br.Peek(3); bytes.Equal(head, bomUTF8) {
			_, _ = br.Discard(3)
		}
	} else if dec := decoderFor(enc); dec != nil {
		r = transform.NewReader(br, dec)
	}
	if crOnly {
		r = crToLF{r}
	}
	return &textStream{file: f, raw: cr, guard: &guardReader{r: r, limit: int64(maxRecord)}}, nil
}

func (t *textStream) Close() error { return t.file.Close() }

// countingReader counts the bytes read from the file, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// errRecordTooLong is returned by guardReader; the caller turns it into
// ErrLineTooLong with a position.
var errRecordTooLong = errors.New("recipient: record too long")

// guardReader fails once the bytes read since the end of the last complete
// record (mark, updated by the caller from csv.Reader.InputOffset) exceed the
// limit. This bounds the memory a single record can take: a 200 MB file
// without line breaks, or an unclosed quote swallowing the rest of the file,
// fail after about one limit's worth of reading.
type guardReader struct {
	r     io.Reader
	n     int64
	mark  int64
	limit int64
}

func (g *guardReader) Read(p []byte) (int, error) {
	if g.n-g.mark > g.limit {
		return 0, errRecordTooLong
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// crToLF rewrites lone carriage returns (classic Mac files) into newlines.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := range p[:n] {
		if p[i] == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
