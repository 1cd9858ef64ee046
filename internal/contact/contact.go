package contact

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Contact is one person of the contact book, known by one mobile number.
type Contact struct {
	// Phone is the number in E.164 digits without '+' ("5511987654321");
	// it is the contact's identity.
	Phone string `json:"phone"`
	// Attrs are the contact's fields merged from every import: the latest
	// non-empty value of each wins.
	Attrs map[string]string `json:"fields"`
	// Sources are the imports (and keyword opt-ins) the contact came from,
	// oldest first.
	Sources []int64 `json:"sources"`
	// Consent is the source that gave the contact's current legal basis,
	// and ConsentRow the row of its file.
	Consent    int64 `json:"consent_source"`
	ConsentRow int   `json:"consent_row"`
	// Carrier is the last carrier a lookup or a status named.
	Carrier string `json:"carrier,omitempty"`
	// The last time a message was sent to, delivered to, replied by or
	// clicked by the contact; zero for never. Clicks are not recorded yet
	// (the field is ready for them).
	LastSent      time.Time `json:"last_sent"`
	LastDelivered time.Time `json:"last_delivered"`
	LastReplied   time.Time `json:"last_replied"`
	LastClicked   time.Time `json:"last_clicked"`
	// OptedOut is set when the number is on the suppression list.
	OptedOut  bool      `json:"opted_out"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Name is the contact's name as imported (the first name-like field), or "".
func (c *Contact) Name() string {
	keys := make([]string, 0, len(c.Attrs))
	for k := range c.Attrs {
		keys = append(keys, k)
	}
	if i := NameField(keys); i >= 0 {
		return c.Attrs[keys[i]]
	}
	return ""
}

// LegalBasis is the LGPD legal basis (Art. 7) under which a contact's data
// is processed.
type LegalBasis string

// The legal bases a marketer may declare for an import; the keyword opt-in
// is always consent.
const (
	BasisConsent            LegalBasis = "consent"
	BasisContract           LegalBasis = "contract"
	BasisLegitimateInterest LegalBasis = "legitimate_interest"
	BasisLegalObligation    LegalBasis = "legal_obligation"
)

// Bases lists the legal bases in the order they are offered.
var Bases = []LegalBasis{BasisConsent, BasisLegitimateInterest, BasisContract, BasisLegalObligation}

// ParseBasis returns the legal basis named by s, or false.
func ParseBasis(s string) (LegalBasis, bool) {
	for _, b := range Bases {
		if string(b) == s {
			return b, true
		}
	}
	return "", false
}

// SourceKind says how contacts came in.
type SourceKind string

// The kinds of source.
const (
	// SourceImport: a list imported from a file (file name, row, user).
	SourceImport SourceKind = "import"
	// SourceKeyword: the person replied with an opt-in keyword.
	SourceKeyword SourceKind = "keyword"
)

// Source is where contacts came from: one list import, or one opt-in
// reply. It is kept when the list is deleted: it is the proof of consent.
type Source struct {
	ID    int64      `json:"id"`
	Kind  SourceKind `json:"kind"`
	Basis LegalBasis `json:"legal_basis"`
	// ListID is the imported list; 0 once the list is deleted (ListName and
	// FileName stay).
	ListID   int64  `json:"list_id,omitempty"`
	ListName string `json:"list,omitempty"`
	FileName string `json:"file,omitempty"`
	// UserID and UserEmail name who imported the list (0 and "" for an
	// opt-in reply).
	UserID    int64  `json:"user_id,omitempty"`
	UserEmail string `json:"user,omitempty"`
	// Keyword is the opt-in reply's text, for a keyword source.
	Keyword   string    `json:"keyword,omitempty"`
	CreatedAt time.Time `json:"at"`
}

// AttrChange is a value of a field that a later import replaced: the
// history kept behind "latest value wins".
type AttrChange struct {
	Field    string    `json:"field"`
	Old      string    `json:"old_value"`
	Source   int64     `json:"source"` // the source that had given the old value
	Replaced time.Time `json:"replaced_at"`
}

// MaxValueBytes bounds one attribute value kept on a contact (the list
// keeps the whole cell).
const MaxValueBytes = 500

// NameField returns the index of the first column that names the person
// ("nome", "name", "nome_completo", "primeiro_nome", "nome_cliente"), or -1.
func NameField(columns []string) int {
	best, bestRank := -1, 4
	for i, c := range columns {
		rank := 4
		switch {
		case c == "nome" || c == "name":
			rank = 0
		case c == "nome_completo" || c == "full_name" || c == "primeiro_nome" || c == "first_name":
			rank = 1
		case strings.HasPrefix(c, "nome_") || strings.HasSuffix(c, "_nome") || strings.HasSuffix(c, "_name"):
			rank = 2
		case c == "cliente" || c == "contato":
			rank = 3
		}
		if rank < bestRank || (rank == bestRank && best >= 0 && i < best) {
			best, bestRank = i, rank
		}
	}
	return best
}

// Fold is how values are compared in searches and segments: lower case,
// accents removed, inner spaces collapsed ("  SÃO  Paulo" -> "sao paulo").
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	latin := !ascii
	for _, r := range s {
		if !latin || r >= 0x100 {
			latin = false
			break
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	emit := func(r rune) {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			return
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	switch {
	case ascii:
		for i := 0; i < len(s); i++ {
			emit(rune(s[i]))
		}
	case latin:
		// Most Brazilian names and places: each letter's decomposition
		// from the table, as the general path would find it.
		for _, r := range s {
			if r < utf8.RuneSelf {
				emit(r)
				continue
			}
			for _, d := range latin1Folds[r-utf8.RuneSelf] {
				emit(d)
			}
		}
	default:
		for _, r := range norm.NFKD.String(s) {
			if unicode.Is(unicode.Mn, r) {
				continue
			}
			emit(r)
		}
	}
	return b.String()
}

// latin1Folds holds, for each rune from U+0080 to U+00FF, its compatibility
// decomposition without the combining marks: what the general path of Fold
// makes of it (a mark never combines across letters once removed), without
// normalising the whole string. Invalid UTF-8 (U+FFFD) takes the general
// path.
var latin1Folds = func() (t [0x100 - utf8.RuneSelf][]rune) {
	for r := rune(utf8.RuneSelf); r < 0x100; r++ {
		for _, d := range norm.NFKD.String(string(r)) {
			if !unicode.Is(unicode.Mn, d) {
				t[r-utf8.RuneSelf] = append(t[r-utf8.RuneSelf], d)
			}
		}
	}
	return t
}()

// Record is what one imported row says about a contact, ready for the
// store: the number, the row, and the row's non-empty fields as JSON
// objects (as imported, and folded for searching).
type Record struct {
	Phone   int64
	Row     int
	Attrs   string // JSON object
	Fold    string // JSON object, values folded
	NameKey string // the folded name
	// Words are the words of the folded values (AppendWords), at most
	// MaxWordsPerContact: the contact is found by them in searches.
	Words []string
}

// Encoder turns import rows into Records for one list's columns.
type Encoder struct {
	keys []string // JSON-quoted column names, "" for none
	name int
	buf  []byte
	fold []byte
}

// NewEncoder prepares an Encoder for a list's personalisation columns.
func NewEncoder(columns []string) *Encoder {
	e := &Encoder{name: NameField(columns)}
	for _, c := range columns {
		e.keys = append(e.keys, string(appendJSONString(nil, c)))
	}
	return e
}

// Encode makes the Record of one row. ok is false when phone is not a
// number (the importer only hands over E.164 digits).
func (e *Encoder) Encode(phone string, row int, fields []string) (r Record, ok bool) {
	p, err := strconv.ParseInt(phone, 10, 64)
	if err != nil || p <= 0 {
		return r, false
	}
	r.Phone, r.Row = p, row
	e.buf = append(e.buf[:0], '{')
	e.fold = append(e.fold[:0], '{')
	for i, k := range e.keys {
		if i >= len(fields) {
			break
		}
		v := strings.TrimSpace(fields[i])
		if v == "" {
			continue
		}
		if len(v) > MaxValueBytes {
			v = v[:MaxValueBytes]
		}
		if !utf8.ValidString(v) {
			v = strings.ToValidUTF8(v, "\uFFFD")
		}
		f := Fold(v)
		if i == e.name {
			r.NameKey = f
		}
		if len(r.Words) < MaxWordsPerContact {
			r.Words = AppendWords(r.Words, f)
			r.Words = r.Words[:min(len(r.Words), MaxWordsPerContact)]
		}
		if len(e.buf) > 1 {
			e.buf = append(e.buf, ',')
			e.fold = append(e.fold, ',')
		}
		e.buf = append(append(e.buf, k...), ':')
		e.buf = appendJSONString(e.buf, v)
		e.fold = append(append(e.fold, k...), ':')
		e.fold = appendJSONString(e.fold, f)
	}
	e.buf = append(e.buf, '}')
	e.fold = append(e.fold, '}')
	r.Attrs, r.Fold = string(e.buf), string(e.fold)
	return r, true
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string (s is valid UTF-8).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// Erased holds the numbers erased on request, as keyed hashes only: an
// erased number is never messaged again nor made a contact again, and the
// database does not show it.
type Erased struct {
	pepper []byte
	hashes map[string]struct{}
}

// NewErased returns the set of hashes made with pepper.
func NewErased(pepper []byte, hashes []string) *Erased {
	e := &Erased{pepper: pepper, hashes: make(map[string]struct{}, len(hashes))}
	for _, h := range hashes {
		e.hashes[h] = struct{}{}
	}
	return e
}

// Has reports whether phone (E.164 digits) was erased. It costs nothing
// while no number was.
func (e *Erased) Has(phone string) bool {
	if e == nil || len(e.hashes) == 0 {
		return false
	}
	_, ok := e.hashes[Hash(e.pepper, phone)]
	return ok
}

// Len is how many numbers were erased.
func (e *Erased) Len() int {
	if e == nil {
		return 0
	}
	return len(e.hashes)
}
