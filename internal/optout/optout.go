package optout

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Match reports whether text is an opt-out: exactly one of keywords once
// both are normalised (see Normalize).
func Match(text string, keywords []string) bool {
	_, ok := Keyword(text, keywords)
	return ok
}

// Keyword returns the keyword (as configured) that text consists of, for
// the note kept with the suppression.
func Keyword(text string, keywords []string) (string, bool) {
	return NewMatcher(keywords).Keyword(text)
}

// Matcher is a keyword list normalised once, for matching many replies.
// The zero value matches nothing.
type Matcher struct {
	norm map[string]string // normalised -> as configured
}

// NewMatcher prepares keywords; blank ones are ignored.
func NewMatcher(keywords []string) Matcher {
	m := Matcher{norm: make(map[string]string, len(keywords))}
	for _, k := range keywords {
		if n := Normalize(k); n != "" {
			if _, dup := m.norm[n]; !dup {
				m.norm[n] = strings.TrimSpace(k)
			}
		}
	}
	return m
}

// Keyword returns the configured keyword text consists of.
func (m Matcher) Keyword(text string) (string, bool) {
	if len(m.norm) == 0 || len(text) > maxReply {
		return "", false
	}
	k, ok := m.norm[Normalize(text)]
	return k, ok
}

// maxReply bounds the replies worth normalising: a keyword with some
// punctuation around it is short.
const maxReply = 256

// Normalize folds text for keyword comparison: accents removed ("NÃO" ->
// "NAO", "ç" -> "c"), upper case, punctuation, symbols (emoji) and blanks
// trimmed from both ends, and inner runs of blanks collapsed to one space.
// "  Sair! " and "SAIR" both give "SAIR".
func Normalize(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	space := false
	for _, r := range norm.NFD.String(text) {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.Is(unicode.Cf, r):
			// a combining accent left by the decomposition, or an
			// invisible format character (zero-width space, BOM)
		case unicode.IsSpace(r):
			space = b.Len() > 0
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			b.WriteString(string(unicode.ToUpper(r)))
		}
	}
	return strings.TrimFunc(b.String(), func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.IsControl(r)
	})
}
