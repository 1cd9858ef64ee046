package sms

import "unicode/utf8"

// MaxLength is the longest messageText the provider accepts ("max 1280
// chars", seeds/000 and seeds/001 send-sms fields), counted by Length.
const MaxLength = 1280

// Length is a text's length as the provider counts it against MaxLength
// and its other "chars" limits (correlationId 64, extraInfo 255): in
// UTF-16 code units, which is what a Java String's length() returns and
// what the provider's 70-per-segment billing counts too. A character
// outside the Basic Multilingual Plane, such as most emoji, counts two; an
// invalid UTF-8 byte counts one (as U+FFFD). The client's validation, the
// sandbox's validation, the composer and the pre-flight all use it, so a
// message that passes one passes the others: 700 emoji are 1400, refused
// everywhere.
func Length(text string) int {
	n := 0
	for i := 0; i < len(text); {
		if text[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		n += utf16Units(r)
		i += size
	}
	return n
}

// TooLong reports whether the provider refuses text for its length.
func TooLong(text string) bool { return Length(text) > MaxLength }
