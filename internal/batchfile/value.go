package batchfile

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the values, the same as the HTTPS API's (seeds 000/001): the
// SFTP pages give none of their own.
const (
	MaxTextLen          = 1280 // characters of an SMS text, counted in UTF-16 units as Wavy does
	MaxCorrelationIDLen = 64
	MaxPhoneDigits      = 20
	// MaxLineBytes bounds one line of a file the reader accepts.
	MaxLineBytes = 64 << 10
)

// utf16Len counts characters the way Wavy's Java backend does.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// checkCell refuses a value that cannot be written in a field: ";" or a
// line break inside it, or bytes that are not UTF-8.
func checkCell(row int, field, v string) *Problem {
	if !utf8.ValidString(v) {
		return &Problem{Row: row, Field: field, Code: CodeBadUTF8}
	}
	if strings.IndexByte(v, ';') >= 0 {
		return &Problem{Row: row, Field: field, Code: CodeSemicolon}
	}
	if strings.ContainsAny(v, "\r\n\u2028\u2029\u0085") {
		return &Problem{Row: row, Field: field, Code: CodeLineBreak}
	}
	return nil
}

// checkPhone refuses a recipient that is not all digits.
func checkPhone(row int, field, v string) *Problem {
	if v == "" {
		return &Problem{Row: row, Field: field, Code: CodeEmpty}
	}
	if len(v) > MaxPhoneDigits {
		return &Problem{Row: row, Field: field, Code: CodeTooLong, Detail: "at most 20 digits"}
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return &Problem{Row: row, Field: field, Code: CodeNotDigits}
		}
	}
	return nil
}

func utf8Valid(s string) bool { return utf8.ValidString(s) }
