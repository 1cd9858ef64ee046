package i18n

import (
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// printers format numbers the way each language writes them (pt-BR 1.856
// and 66,7; en 1,856 and 66.7). A Printer allocates its state per call, so
// one per language serves every request.
var printers = func() map[string]*message.Printer {
	m := make(map[string]*message.Printer, len(Languages))
	for _, lang := range Languages {
		m[lang] = message.NewPrinter(language.MustParse(lang))
	}
	return m
}()

func printer(lang string) *message.Printer {
	if p, ok := printers[lang]; ok {
		return p
	}
	return printers[Default]
}

// FormatInt writes an integer with the language's digit grouping:
// 1.856 in pt-BR, 1,856 in English.
func FormatInt[I Integer](lang string, n I) string {
	return printer(lang).Sprintf("%d", int64(n))
}

// FormatDecimal writes f with the given number of decimals and the
// language's separators: 1.234,5 in pt-BR, 1,234.5 in English.
func FormatDecimal(lang string, f float64, decimals int) string {
	return printer(lang).Sprintf("%.*f", decimals, f)
}

// FormatPercent writes a percentage (0..100) with one decimal: 66,7% in
// pt-BR, 66.7% in English.
func FormatPercent(lang string, p float64) string {
	return FormatDecimal(lang, p, 1) + "%"
}

// FormatMoney writes an amount in reais with the language's separators:
// "R$ 1.234,56" in pt-BR, "R$ 1,234.56" in English. decimals is at least
// 2; decimals beyond the second are written only when they are not zero
// (a price of R$ 0,045 per SMS).
func FormatMoney(lang string, reais float64, decimals int) string {
	decimals = max(decimals, 2)
	s := FormatDecimal(lang, reais, decimals)
	for i := decimals; i > 2 && strings.HasSuffix(s, "0"); i-- {
		s = s[:len(s)-1]
	}
	return "R$ " + s
}
