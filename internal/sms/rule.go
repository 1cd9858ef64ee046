package sms

import (
	"fmt"
	"unicode/utf8"
)

// Rule is a billing rule: which characters keep a message in the 160
// table (GSM-7 in Count.Encoding) and what each of them costs.
type Rule string

// The two billing rules.
const (
	// Wavy is the provider's own table (seeds/000, "Acentos e caracteres
	// especiais"): a message made only of printable ASCII, space to "~",
	// and line breaks is billed per 160 characters (153 per concatenated
	// part), every character costing 1; one character outside the table
	// bills the whole message per 70 UTF-16 units (67 per part).
	Wavy Rule = "wavy"
	// GSM is 3GPP TS 23.038 (GSM 03.38): the default alphabet costs one
	// septet, its extension table (^ { } \ [ ~ ] | € and form feed) two.
	// It is what handsets see and what SMPP needs.
	GSM Rule = "gsm"
)

// Default is the rule used when none is chosen: Wavy's table, because it
// is what the provider bills.
const Default = Wavy

// LineBreakNoteKey is the i18n key of the sentence a composer shows to say
// how line breaks are counted (see the package documentation).
const LineBreakNoteKey = "billing.line_breaks"

// ParseRule reads a rule name: "wavy" or "gsm"; "" is Default.
func ParseRule(s string) (Rule, error) {
	switch Rule(s) {
	case "":
		return Default, nil
	case Wavy, GSM:
		return Rule(s), nil
	}
	return "", fmt.Errorf("sms: unknown billing rule %q (want wavy or gsm)", s)
}

// alphabet is what a rule decides, in the form the scanners use: the cost
// of every ASCII character in the 160 table (0 for one outside it) and of
// every other code point.
type alphabet struct {
	ascii *[128]uint8
	other func(r rune) int
}

// wavyASCII is Wavy's table: the printable ASCII characters 0x20-0x7E,
// each costing 1, plus LF and CR (see the package documentation for why
// line breaks are in it).
var wavyASCII = func() (t [128]uint8) {
	for c := ' '; c <= '~'; c++ {
		t[c] = 1
	}
	t['\n'], t['\r'] = 1, 1
	return t
}()

// wavyOther: nothing beyond ASCII is in Wavy's table.
func wavyOther(rune) int { return 0 }

func (r Rule) alphabet() alphabet {
	if r == GSM {
		return alphabet{ascii: &asciiSeptets, other: Septets}
	}
	return alphabet{ascii: &wavyASCII, other: wavyOther}
}

// cost160 is the cost of c in the 160 table, 0 when c forces the 70 table.
func (a alphabet) cost160(c rune) int {
	if c >= 0 && c < utf8.RuneSelf {
		return int(a.ascii[c])
	}
	return a.other(c)
}

// Analysis is everything a surface shows about one message under one
// rule: what it is billed, where it is cut, which characters make it
// dearer and what replacing them would save.
type Analysis struct {
	// Rule is the rule the message was measured with.
	Rule Rule
	// Count is the measurement: table (Encoding), units, segments, length.
	Count Count
	// Parts are the segments as they travel (see Rule.Split).
	Parts []string
	// Highlights are the characters that force the 70 table, in order;
	// nil when the message is billed per 160.
	Highlights []Span
	// Replacement is the message with look-alikes for those characters
	// (Saving.Text) and both measurements. Saving.Saves reports whether
	// offering it is worthwhile.
	Replacement Saving
}

// Analyze is the single entry point of the package: it decides, under
// rule, the message's table, units and segments, its parts, the
// characters that force the 70 table, and the replacement of those
// characters with what it saves. Every surface (counter, highlights,
// preview, cost, pre-flight, reports) should call it, or Rule.Measure
// where only the numbers are needed, so they always agree. An unknown
// rule is treated as Default.
func Analyze(text string, rule Rule) Analysis {
	if rule != GSM {
		rule = Wavy
	}
	a := Analysis{Rule: rule, Count: rule.Measure(text), Parts: rule.Split(text), Highlights: rule.highlights(text)}
	replaced := rule.replace(text)
	a.Replacement = Saving{Before: a.Count, After: a.Count, Text: replaced}
	if replaced != text {
		a.Replacement.After = rule.Measure(replaced)
	}
	return a
}

// highlights returns every character that forces the 70 table under the
// rule, with byte offsets a UI can use to mark them.
func (r Rule) highlights(text string) []Span {
	al := r.alphabet()
	var out []Span
	for i := 0; i < len(text); {
		c, n := decodeAt(text, i)
		if al.cost160(c) == 0 {
			out = append(out, Span{Start: i, End: i + n, Char: c})
		}
		i += n
	}
	return out
}

// Replace is Analyze(text, r).Replacement.Text without the measuring:
// text with look-alikes in the rule's table for the characters outside it.
// The dispatcher uses it on field values when a campaign asks for accents
// to be replaced at send time.
func (r Rule) Replace(text string) string { return r.replace(text) }

// AppendReplace appends Replace(text) to dst: the same text, built into a
// buffer the caller reuses (a cost walk over a million recipients).
func (r Rule) AppendReplace(dst []byte, text string) []byte {
	if r == GSM {
		return appendGSM(dst, text)
	}
	return appendASCII(dst, text)
}

// replace returns text with look-alikes in the rule's table for the
// characters outside it (see Transliterate and the package documentation).
func (r Rule) replace(text string) string {
	if r == GSM {
		return transliterateGSM(text)
	}
	return transliterateASCII(text)
}
