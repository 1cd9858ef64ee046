package message

import (
	"fmt"
	"strings"

	"arauto/internal/sms"
)

// Placeholder delimiters.
const (
	Open  = "{{"
	Close = "}}"
)

// Placeholder is one {{field}} of a message body.
type Placeholder struct {
	// Name is the field name as written, without the braces and the
	// spaces around it.
	Name string
	// Start and End are byte offsets: body[Start:End] is the whole
	// placeholder, braces included.
	Start, End int
}

// SyntaxError is a body whose placeholders cannot be read: a "{{" that is
// never closed, or an empty name.
type SyntaxError struct {
	// Offset is the byte offset of the offending "{{".
	Offset int
	// Empty is true for "{{}}", false for an unclosed "{{".
	Empty bool
	// Near is the text from the "{{" on, at most 20 characters, to show
	// where the problem is.
	Near string
}

// Error says where the unreadable placeholder is.
func (e *SyntaxError) Error() string {
	if e.Empty {
		return fmt.Sprintf("message: empty placeholder at byte %d", e.Offset)
	}
	return fmt.Sprintf("message: placeholder %q at byte %d is not closed with %s", e.Near, e.Offset, Close)
}

// UnknownFieldsError is a body that uses fields the list does not have.
type UnknownFieldsError struct {
	// Unknown are the unknown names in order of first use, each once.
	Unknown []string
	// Available are the list's columns, the names that may be used.
	Available []string
}

// Error names the unknown fields and the available ones.
func (e *UnknownFieldsError) Error() string {
	avail := "none"
	if len(e.Available) > 0 {
		avail = Braced(e.Available)
	}
	return fmt.Sprintf("message: unknown field %s; available: %s", Braced(e.Unknown), avail)
}

// Braced writes names as placeholders separated by commas:
// "{{nome}}, {{cidade}}".
func Braced(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(Open + n + Close)
	}
	return b.String()
}

// Parse returns the placeholders of body in order. It stops at the first
// syntax error, returning the placeholders before it and a *SyntaxError.
func Parse(body string) ([]Placeholder, error) {
	var out []Placeholder
	for i := 0; ; {
		p, ok, err := next(body, i)
		if err != nil {
			return out, err
		}
		if !ok {
			return out, nil
		}
		out = append(out, p)
		i = p.End
	}
}

// next finds the placeholder at or after byte i.
func next(body string, i int) (p Placeholder, ok bool, err error) {
	o := strings.Index(body[i:], Open)
	if o < 0 {
		return Placeholder{}, false, nil
	}
	start := i + o
	// "{{{nome}}" reads as "{" then {{nome}}: the placeholder starts at
	// the last of a run of braces.
	for start+len(Open) < len(body) && body[start+len(Open)] == '{' {
		start++
	}
	c := strings.Index(body[start+len(Open):], Close)
	if c < 0 {
		return Placeholder{}, false, &SyntaxError{Offset: start, Near: near(body[start:])}
	}
	inner := body[start+len(Open) : start+len(Open)+c]
	if nl := strings.IndexAny(inner, "\r\n"); nl >= 0 {
		// A line break before "}}": the "{{" was not closed on its line.
		return Placeholder{}, false, &SyntaxError{Offset: start, Near: near(body[start : start+len(Open)+nl])}
	}
	name := strings.TrimSpace(inner)
	if name == "" {
		return Placeholder{}, false, &SyntaxError{Offset: start, Empty: true, Near: body[start : start+len(Open)+c+len(Close)]}
	}
	return Placeholder{Name: name, Start: start, End: start + len(Open) + c + len(Close)}, true, nil
}

// near shortens s to at most 20 characters.
func near(s string) string {
	n := 0
	for i := range s {
		if n == 20 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// Column returns the index of the column name refers to: the exact match
// first, then the first case-insensitive one; -1 when there is none.
func Column(columns []string, name string) int {
	for i, c := range columns {
		if c == name {
			return i
		}
	}
	for i, c := range columns {
		if strings.EqualFold(c, name) {
			return i
		}
	}
	return -1
}

// Validate checks body's placeholders against a list's columns. It returns
// nil, a *SyntaxError or an *UnknownFieldsError.
func Validate(body string, columns []string) error {
	_, err := Compile(body, columns)
	return err
}

// CheckSyntax checks only that body's placeholders can be read, for a
// template saved without a list to check the names against.
func CheckSyntax(body string) error {
	_, err := Parse(body)
	return err
}

// Compiled is a body ready to be rendered for many recipients: its literal
// text and, between each two pieces of it, the column a placeholder takes.
type Compiled struct {
	lits []string // len(cols)+1 literal pieces
	cols []int    // column index of each placeholder
}

// Compile parses body and resolves its placeholders against columns. It
// returns a *SyntaxError or an *UnknownFieldsError naming every unknown
// field.
func Compile(body string, columns []string) (*Compiled, error) {
	ps, err := Parse(body)
	if err != nil {
		return nil, err
	}
	c := &Compiled{lits: make([]string, 0, len(ps)+1), cols: make([]int, 0, len(ps))}
	var unknown []string
	last := 0
	for _, p := range ps {
		col := Column(columns, p.Name)
		if col < 0 && !contains(unknown, p.Name) {
			unknown = append(unknown, p.Name)
		}
		c.lits = append(c.lits, body[last:p.Start])
		c.cols = append(c.cols, col)
		last = p.End
	}
	c.lits = append(c.lits, body[last:])
	if len(unknown) > 0 {
		return nil, &UnknownFieldsError{Unknown: unknown, Available: append([]string(nil), columns...)}
	}
	return c, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Placeholders reports whether the body has any placeholder, that is
// whether rendered messages can differ between recipients.
func (c *Compiled) Placeholders() bool { return len(c.cols) > 0 }

// Append renders the message for a recipient with these fields onto dst
// and returns the extended buffer. A field the recipient lacks renders as
// "".
func (c *Compiled) Append(dst []byte, fields []string) []byte {
	dst = append(dst, c.lits[0]...)
	for i, col := range c.cols {
		if col < len(fields) {
			dst = append(dst, fields[col]...)
		}
		dst = append(dst, c.lits[i+1]...)
	}
	return dst
}

// Render returns the message for a recipient with these fields.
func (c *Compiled) Render(fields []string) string {
	n := 0
	for _, l := range c.lits {
		n += len(l)
	}
	for _, col := range c.cols {
		if col < len(fields) {
			n += len(fields[col])
		}
	}
	return string(c.Append(make([]byte, 0, n), fields))
}

// Render fills body's placeholders with a recipient's fields, in the order
// of columns.
func Render(body string, columns, fields []string) (string, error) {
	c, err := Compile(body, columns)
	if err != nil {
		return "", err
	}
	return c.Render(fields), nil
}

// PieceKind says how a piece of a body is shown.
type PieceKind uint8

// The kinds of piece.
const (
	// Plain text.
	Plain PieceKind = iota
	// NonGSM is one character outside the billing rule's 160 table (the
	// table the composer labels GSM-7), which makes the whole message
	// billed per 70.
	NonGSM
	// Field is a placeholder; Piece.Column says which column it takes.
	Field
)

// Piece is one run of a body, for showing it with highlights.
type Piece struct {
	Text string
	Kind PieceKind
	// Column is the column a Field takes, -1 when the list has none by
	// that name.
	Column int
}

// Highlight is HighlightFor under sms.Default, the Wavy rule.
func Highlight(body string, columns []string) []Piece {
	return HighlightFor(body, columns, sms.Default)
}

// HighlightFor splits body into pieces: placeholders (resolved against
// columns), characters that force the 70 table under rule (each its own
// piece, as sms.Analyze finds them) and plain text between them.
// Concatenating the pieces' Text gives body back. Text after a placeholder
// syntax error is plain, apart from its highlighted characters.
func HighlightFor(body string, columns []string, rule sms.Rule) []Piece {
	var out []Piece
	plain := func(s string) {
		last := 0
		for _, sp := range sms.Analyze(s, rule).Highlights {
			if sp.Start > last {
				out = append(out, Piece{Text: s[last:sp.Start], Kind: Plain, Column: -1})
			}
			out = append(out, Piece{Text: s[sp.Start:sp.End], Kind: NonGSM, Column: -1})
			last = sp.End
		}
		if last < len(s) {
			out = append(out, Piece{Text: s[last:], Kind: Plain, Column: -1})
		}
	}
	last := 0
	for {
		p, ok, err := next(body, last)
		if err != nil || !ok {
			break
		}
		plain(body[last:p.Start])
		out = append(out, Piece{Text: body[p.Start:p.End], Kind: Field, Column: Column(columns, p.Name)})
		last = p.End
	}
	plain(body[last:])
	return out
}
