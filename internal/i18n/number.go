package i18n

import "strconv"

// Int writes a whole number as lang writes it: digits grouped by three
// with the language's separator (1.234.567 in Portuguese, 1,234,567 in
// English). Grouping is the only rule the two languages need, so it is
// written here rather than taken from golang.org/x/text/message, whose
// Printer serves one goroutine at a time.
func Int(lang string, n int64) string {
	sep := byte('.')
	if Normalize(lang) == "en" {
		sep = ','
	}
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	if len(s) <= 3 {
		return sign + s
	}
	b := make([]byte, 0, len(sign)+len(s)+len(s)/3)
	b = append(b, sign...)
	head := len(s) % 3
	if head == 0 {
		head = 3
	}
	b = append(b, s[:head]...)
	for i := head; i < len(s); i += 3 {
		b = append(b, sep)
		b = append(b, s[i:i+3]...)
	}
	return string(b)
}
