package contact

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxWordBytes bounds one indexed word: longer runs of letters and digits
// are indexed (and searched) by their first MaxWordBytes bytes.
const MaxWordBytes = 32

// MaxWordsPerContact bounds the words one import row adds to the search
// index, so a row of long free text costs no more than a dozen fields.
const MaxWordsPerContact = 24

// AppendWords appends to words the words of a folded value (Fold): its
// runs of letters and digits of two bytes or more, cut at MaxWordBytes,
// leaving out those already in words.
func AppendWords(words []string, folded string) []string {
	start := -1
	emit := func(end int) {
		w := folded[start:end]
		if len(w) > MaxWordBytes {
			w = w[:MaxWordBytes]
			for !utf8.ValidString(w) {
				w = w[:len(w)-1]
			}
		}
		if len(w) >= 2 && !slices.Contains(words, w) {
			words = append(words, w)
		}
	}
	for i, r := range folded {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			emit(i)
			start = -1
		}
	}
	if start >= 0 {
		emit(len(folded))
	}
	return words
}

// Search is what a search of the contact book by field values looks for:
// every word of the search in a contact's fields, each the whole of one of
// the contact's words except the last, which starts one (it is still being
// typed, as in "antonio sil").
type Search struct {
	// Whole are the finished words (folded); Prefix the last one.
	Whole  []string
	Prefix string
}

// ParseSearch reads a search typed by a person; ok is false when it holds
// no word to look for. The last word is a prefix unless a space or a mark
// was typed after it.
func ParseSearch(typed string) (s Search, ok bool) {
	f := Fold(typed)
	alnum := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	words := AppendWords(nil, f)
	if last, _ := utf8.DecodeLastRuneInString(f); alnum(last) {
		i := strings.LastIndexFunc(f, func(r rune) bool { return !alnum(r) }) + 1
		if i > 0 {
			_, size := utf8.DecodeRuneInString(f[i-1:])
			i = i - 1 + size
		}
		s.Prefix = f[i:]
		if len(s.Prefix) > MaxWordBytes {
			s.Prefix = AppendWords(nil, s.Prefix)[0]
		}
		if n := len(words); n > 0 && words[n-1] == s.Prefix {
			words = words[:n-1]
		}
	}
	s.Whole = words
	return s, len(s.Whole) > 0 || s.Prefix != ""
}

// AttrWords returns the words of a contact's fields, as indexed.
func AttrWords(attrs map[string]string) []string {
	var words []string
	for _, v := range attrs {
		words = AppendWords(words, Fold(v))
	}
	return words
}

// Match tells whether a contact whose fields have these words (AttrWords)
// is found by the search.
func (s Search) Match(words []string) bool {
	for _, w := range s.Whole {
		if !slices.Contains(words, w) {
			return false
		}
	}
	return s.Prefix == "" || FirstWithPrefix(words, s.Prefix) != ""
}

// FirstWithPrefix returns the smallest of words that starts with prefix,
// or "": a contact found through several of its words is listed once, at
// that word.
func FirstWithPrefix(words []string, prefix string) string {
	first := ""
	for _, w := range words {
		if strings.HasPrefix(w, prefix) && (first == "" || w < first) {
			first = w
		}
	}
	return first
}
