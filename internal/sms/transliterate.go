package sms

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// translit returns the GSM-7 look-alike for a character that would force
// UCS-2, or "" and false when the character has none (emoji, other scripts)
// and must be left alone. The empty replacement with ok true deletes the
// character (invisible format characters).
func translit(r rune) (string, bool) {
	switch r {
	// Lowercase Latin-1 letters outside GSM 03.38 (à ä å æ è é ì ñ ò ö ø ù ü ß are in it).
	case 'á', 'â', 'ã', 'ª':
		return "a", true
	case 'ê', 'ë':
		return "e", true
	case 'í', 'î', 'ï':
		return "i", true
	case 'ó', 'ô', 'õ', 'º':
		return "o", true
	case 'ú', 'û':
		return "u", true
	case 'ç':
		return "c", true
	case 'ý', 'ÿ':
		return "y", true
	case 'ð':
		return "d", true
	case 'œ':
		return "oe", true
	// Uppercase Latin-1 letters outside GSM 03.38 (Ä Å Æ Ç É Ñ Ö Ø Ü are in it).
	case 'Á', 'Â', 'Ã', 'À':
		return "A", true
	case 'Ê', 'È', 'Ë':
		return "E", true
	case 'Í', 'Î', 'Ì', 'Ï':
		return "I", true
	case 'Ó', 'Ô', 'Õ', 'Ò':
		return "O", true
	case 'Ú', 'Û', 'Ù':
		return "U", true
	case 'Ý', 'Ÿ':
		return "Y", true
	case 'Ð':
		return "D", true
	case 'Œ':
		return "OE", true
	// Punctuation.
	case '‘', '’', '‚', '‛', '′', '‹', '›', '`', '´':
		return "'", true
	case '“', '”', '„', '‟', '″', '«', '»':
		return `"`, true
	case '‐', '‑', '‒', '–', '—', '―', '−':
		return "-", true
	case '…':
		return "...", true
	// Spaces: tab, no-break space, the typographic spaces, narrow and
	// medium mathematical spaces, ideographic space.
	case '\t', '\u00A0', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005',
		'\u2006', '\u2007', '\u2008', '\u2009', '\u200A', '\u202F', '\u205F', '\u3000':
		return " ", true
	// Invisible characters that only force UCS-2: soft hyphen, zero-width
	// space, byte order mark.
	case '\u00AD', '\u200B', '\uFEFF':
		return "", true
	}
	return "", false
}

// composeGSM returns the precomposed GSM-7 letter for an ASCII letter
// followed by a combining mark, or 0 when there is none.
func composeGSM(base byte, mark rune) rune {
	switch mark {
	case 0x300: // grave
		switch base {
		case 'a':
			return 'à'
		case 'e':
			return 'è'
		case 'i':
			return 'ì'
		case 'o':
			return 'ò'
		case 'u':
			return 'ù'
		}
	case 0x301: // acute
		switch base {
		case 'e':
			return 'é'
		case 'E':
			return 'É'
		}
	case 0x303: // tilde
		switch base {
		case 'n':
			return 'ñ'
		case 'N':
			return 'Ñ'
		}
	case 0x308: // diaeresis
		switch base {
		case 'a':
			return 'ä'
		case 'o':
			return 'ö'
		case 'u':
			return 'ü'
		case 'A':
			return 'Ä'
		case 'O':
			return 'Ö'
		case 'U':
			return 'Ü'
		}
	case 0x30A: // ring above
		switch base {
		case 'a':
			return 'å'
		case 'A':
			return 'Å'
		}
	case 0x327: // cedilla
		if base == 'C' {
			return 'Ç'
		}
	}
	return 0
}

// isASCIILetter reports whether c is A–Z or a–z.
func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// transliterateGSM is the GSM rule's replacement: it replaces the
// characters that force UCS-2 by GSM-7 look-alikes so a message can travel
// in the cheaper encoding:
//
//   - Latin letters outside GSM 03.38 lose their accent (á â ã → a, ê → e,
//     í → i, ó ô õ → o, ú → u, ç → c, Á Â Ã À → A, Ê È → E, and so on; ª → a,
//     º → o); letters that are GSM-7 (é à ü ñ Ç É Ä Ö Ü …) are kept.
//   - A combining diacritic (U+0300–036F) after a Latin letter is merged
//     into the precomposed letter when that letter is GSM-7 (e + U+0301 → é)
//     and dropped otherwise (c + U+0327 → c).
//   - Curly and angle quotes become ' or ", dashes and the minus sign
//     become -, the ellipsis becomes ..., the backtick and acute accent
//     become ', tab, no-break space and other typographic spaces become a
//     space, and the invisible soft hyphen, zero-width space and byte order
//     mark are removed.
//
// Emoji, other scripts and anything else without a look-alike are left
// alone, so the result may still be UCS-2. Text that is already GSM-7 is
// returned unchanged.
func transliterateGSM(text string) string {
	if gsmPrefix(text) == len(text) {
		return text
	}
	return string(appendGSM(make([]byte, 0, len(text)), text))
}

// gsmPrefix is the length of the longest prefix of text that is GSM-7.
func gsmPrefix(text string) int {
	i := 0
	for i < len(text) {
		r, n := decodeAt(text, i)
		if Septets(r) == 0 {
			break
		}
		i += n
	}
	return i
}

// appendGSM appends transliterateGSM(text) to dst without allocating
// beyond dst's growth.
func appendGSM(dst []byte, text string) []byte {
	i := gsmPrefix(text)
	buf := append(dst, text[:i]...)
	// latin: the last output character is a Latin letter, so combining
	// diacritics after it are folded. base: that letter is a plain ASCII
	// letter that has not yet absorbed a diacritic (0 otherwise).
	var latin bool
	var base byte
	if i > 0 {
		last, _ := utf8.DecodeLastRuneInString(text[:i])
		latin = isLatinLetter(last)
		if last < utf8.RuneSelf && isASCIILetter(byte(last)) {
			base = byte(last)
		}
	}
	for i < len(text) {
		r, n := decodeAt(text, i)
		i += n
		if r >= 0x300 && r <= 0x36F && latin {
			if base != 0 {
				if c := composeGSM(base, r); c != 0 {
					buf = utf8.AppendRune(buf[:len(buf)-1], c)
				}
				base = 0
			}
			continue
		}
		if Septets(r) == 0 {
			if s, ok := translit(r); ok {
				buf = append(buf, s...)
				latin = s != "" && isASCIILetter(s[len(s)-1])
				base = 0
				if len(s) == 1 && latin {
					base = s[0]
				}
				continue
			}
		}
		buf = append(buf, text[i-n:i]...)
		latin = isLatinLetter(r)
		base = 0
		if latin && r < utf8.RuneSelf {
			base = byte(r)
		}
	}
	return buf
}

// isLatinLetter reports whether r is an ASCII letter or a Latin letter of
// GSM 03.38 (the Greek capitals excluded).
func isLatinLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIILetter(byte(r))
	}
	return r < 0x370 && Septets(r) != 0 && unicode.IsLetter(r)
}

// Saving describes what replacing the characters that force the 70 table
// would change.
type Saving struct {
	// Before measures the original text, After the replaced one.
	Before, After Count
	// Text is the replaced text (equal to the original when nothing has a
	// look-alike).
	Text string
}

// Saves reports whether offering the replacement is worthwhile: it changes
// the text and bills at least one segment less.
func (s Saving) Saves() bool { return s.After.Segments < s.Before.Segments }

// SavedSegments is how many segments the replacement saves, 0 when none.
func (s Saving) SavedSegments() int { return max(s.Before.Segments-s.After.Segments, 0) }

// Transliterate is Analyze(text, Default).Replacement.Text: text with
// look-alikes in Wavy's table for the characters outside it.
func Transliterate(text string) string { return Default.replace(text) }

// SuggestTransliteration is the replacement Analyze(text, Default) offers
// and whether it saves a segment.
func SuggestTransliteration(text string) (Saving, bool) {
	a := Analyze(text, Default)
	return a.Replacement, a.Replacement.Saves()
}

// asciiLookAlike returns the replacement in Wavy's table (printable ASCII)
// for a character outside it, or "" and false when there is none. The
// empty replacement with ok true deletes the character.
func asciiLookAlike(r rune) (string, bool) {
	switch r {
	case 'ß':
		return "ss", true
	case 'æ':
		return "ae", true
	case 'Æ':
		return "AE", true
	case 'œ':
		return "oe", true
	case 'Œ':
		return "OE", true
	case 'ø':
		return "o", true
	case 'Ø':
		return "O", true
	case 'ð', 'đ':
		return "d", true
	case 'Ð', 'Đ':
		return "D", true
	case 'ł':
		return "l", true
	case 'Ł':
		return "L", true
	case 'þ':
		return "th", true
	case 'Þ':
		return "TH", true
	case 'ª':
		return "a", true
	case 'º':
		return "o", true
	case '€':
		return "EUR", true
	case '¡', '¿':
		return "", true
	}
	// Quotes, dashes, the ellipsis, spaces and invisible characters: the
	// GSM look-alikes are all ASCII.
	if s, ok := translit(r); ok && (s == "" || s[0] < utf8.RuneSelf) {
		return s, true
	}
	if r >= 0xC0 && r <= 0xFF && latin1ASCII[r-0xC0] != "" {
		return latin1ASCII[r-0xC0], true
	}
	return decomposeASCII(r)
}

// latin1ASCII caches decomposeASCII for the Latin-1 letters À to ÿ, the
// accented letters of Portuguese and Spanish.
var latin1ASCII = func() (t [0x40]string) {
	for r := rune(0xC0); r <= 0xFF; r++ {
		t[r-0xC0], _ = decomposeASCII(r)
	}
	return t
}()

// decomposeASCII is the ASCII look-alike of a letter with diacritics or a
// compatibility form (ligatures, full-width letters, superscript digits):
// its decomposition, when that is ASCII once the marks are dropped.
func decomposeASCII(r rune) (string, bool) {
	var b strings.Builder
	for _, c := range norm.NFKD.String(string(r)) {
		switch {
		case c >= ' ' && c <= '~':
			b.WriteRune(c)
		case unicode.Is(unicode.Mn, c):
		default:
			return "", false
		}
	}
	if b.Len() == 0 {
		return "", false
	}
	return b.String(), true
}

// transliterateASCII is the Wavy rule's replacement: every character
// outside printable ASCII (and the line breaks) that has a look-alike is
// replaced by it, accented letters by their base letter (á é ç ü ñ → a e
// c u n, including those GSM 03.38 has), combining marks after a letter
// are dropped, and quotes, dashes, spaces and invisible characters are
// treated as in the GSM rule. Emoji, other scripts and symbols without a
// look-alike are left alone, so the result may still be billed per 70.
func transliterateASCII(text string) string {
	if asciiPrefix(text) == len(text) {
		return text
	}
	return string(appendASCII(make([]byte, 0, len(text)), text))
}

// asciiPrefix is the length of the longest prefix of text in Wavy's table.
func asciiPrefix(text string) int {
	i := 0
	for i < len(text) && text[i] < utf8.RuneSelf && wavyASCII[text[i]] != 0 {
		i++
	}
	return i
}

// appendASCII appends transliterateASCII(text) to dst without allocating
// beyond dst's growth.
func appendASCII(dst []byte, text string) []byte {
	i := asciiPrefix(text)
	buf := append(dst, text[:i]...)
	// letter: the last output character is a letter, so combining marks
	// after it are dropped.
	letter := i > 0 && isASCIILetter(text[i-1])
	for i < len(text) {
		r, n := decodeAt(text, i)
		i += n
		if r < utf8.RuneSelf && wavyASCII[r] != 0 {
			buf = append(buf, byte(r))
			letter = isASCIILetter(byte(r))
			continue
		}
		if letter && unicode.Is(unicode.Mn, r) {
			continue
		}
		if s, ok := asciiLookAlike(r); ok {
			buf = append(buf, s...)
			letter = s != "" && isASCIILetter(s[len(s)-1])
			continue
		}
		buf = append(buf, text[i-n:i]...)
		letter = false
	}
	return buf
}
