package sms

import (
	"unicode"
	"unicode/utf8"
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

// Transliterate replaces the characters that force UCS-2 by GSM-7
// look-alikes so a message can travel in the cheaper encoding:
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
func Transliterate(text string) string {
	i := 0
	for i < len(text) {
		r, n := decodeAt(text, i)
		if Septets(r) == 0 {
			break
		}
		i += n
	}
	if i == len(text) {
		return text
	}
	buf := make([]byte, i, len(text))
	copy(buf, text[:i])
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
	return string(buf)
}

// isLatinLetter reports whether r is an ASCII letter or a Latin letter of
// GSM 03.38 (the Greek capitals excluded).
func isLatinLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIILetter(byte(r))
	}
	return r < 0x370 && Septets(r) != 0 && unicode.IsLetter(r)
}

// Saving describes what transliterating a message would change.
type Saving struct {
	// Before measures the original text, After the transliterated one.
	Before, After Count
	// Text is the transliterated text.
	Text string
}

// SuggestTransliteration measures text before and after Transliterate. ok is
// true only when transliterating changes the text and saves at least one
// segment; the Saving is filled in either way.
func SuggestTransliteration(text string) (Saving, bool) {
	t := Transliterate(text)
	s := Saving{Before: Measure(text), After: Measure(t), Text: t}
	return s, t != text && s.After.Segments < s.Before.Segments
}
