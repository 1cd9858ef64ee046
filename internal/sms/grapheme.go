package sms

import (
	"unicode"
	"unicode/utf8"
)

// This file holds a compact grapheme-cluster segmentation, a subset of
// Unicode UAX #29 that is enough to keep what a reader sees as one character
// inside one SMS part:
//
//   - CR LF is one cluster; other controls (C0, DEL, C1, U+2028, U+2029)
//     stand alone and never absorb marks.
//   - Extending characters join the previous character: combining marks
//     (U+0300–036F, U+1AB0–1AFF, U+1DC0–1DFF, U+20D0–20FF including the keycap
//     U+20E3, U+FE20–FE2F and every other Mn, Me or Mc code point), variation
//     selectors (U+FE00–FE0F, U+E0100–E01EF), ZWNJ U+200C, ZWJ U+200D, emoji
//     modifiers (skin tones U+1F3FB–1F3FF) and tag characters
//     (U+E0020–E007F, used by subdivision flags).
//   - ZWJ also joins the character after it, so ZWJ emoji sequences
//     (families, professions) stay whole.
//   - Regional indicators (U+1F1E6–1F1FF) pair up into flags, counted from
//     the start of a run.
//
// Hangul jamo sequences and prepended concatenation marks are not treated
// specially; they are rare in Brazilian SMS and splitting them only affects
// where a long message breaks, never the count of units.

const (
	zwj  = 0x200D
	zwnj = 0x200C
)

// decodeAt decodes the rune at byte offset i of s. An invalid byte decodes as
// utf8.RuneError with width 1, so every byte belongs to exactly one rune.
func decodeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// isControl reports whether r is a control in the UAX #29 sense: a grapheme
// break always surrounds it (CR LF excepted).
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r <= 0x9F) || r == 0x2028 || r == 0x2029
}

// isRegionalIndicator reports whether r is one of the 26 regional indicator
// symbols that combine in pairs into a flag.
func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }

// isExtend reports whether r attaches to the character before it.
func isExtend(r rune) bool {
	if r < 0x300 {
		return false
	}
	switch {
	case r <= 0x36F, // combining diacritical marks
		r >= 0x1AB0 && r <= 0x1AFF, // combining diacritical marks extended
		r >= 0x1DC0 && r <= 0x1DFF, // combining diacritical marks supplement
		r >= 0x20D0 && r <= 0x20FF, // combining marks for symbols, keycap U+20E3
		r >= 0xFE00 && r <= 0xFE0F, // variation selectors (text/emoji presentation)
		r >= 0xFE20 && r <= 0xFE2F, // combining half marks
		r == zwj, r == zwnj,
		r >= 0x1F3FB && r <= 0x1F3FF, // emoji modifiers (skin tones)
		r >= 0xE0020 && r <= 0xE007F, // tags
		r >= 0xE0100 && r <= 0xE01EF: // variation selectors supplement
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc)
}

// clusterEnd returns the byte offset where the grapheme cluster that starts at
// byte offset i of s ends. i must be < len(s).
func clusterEnd(s string, i int) int {
	// Fast path: an ASCII character followed by ASCII (or the end) is a
	// cluster of its own, except CR before LF.
	if c := s[i]; c < utf8.RuneSelf && c != '\r' && (i+1 == len(s) || s[i+1] < utf8.RuneSelf) {
		return i + 1
	}
	r, n := decodeAt(s, i)
	j := i + n
	switch {
	case r == '\r':
		if j < len(s) && s[j] == '\n' {
			return j + 1
		}
		return j
	case isControl(r):
		return j
	case isRegionalIndicator(r):
		if j < len(s) {
			if r2, n2 := decodeAt(s, j); isRegionalIndicator(r2) {
				j += n2
			}
		}
	}
	joinNext := r == zwj
	for j < len(s) {
		r2, n2 := decodeAt(s, j)
		if isControl(r2) || !(joinNext || isExtend(r2)) {
			break
		}
		j += n2
		joinNext = r2 == zwj
	}
	return j
}
