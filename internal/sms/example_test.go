package sms_test

import (
	"fmt"
	"strings"

	"arauto/internal/sms"
)

func ExampleMeasure() {
	c := sms.Measure("Promoção: 50% de desconto!")
	fmt.Println(c.Encoding, c.Units, c.Segments, c.Remaining)
	// Output: UCS-2 26 1 44
}

func ExampleSuggestTransliteration() {
	s, ok := sms.SuggestTransliteration("Atenção: sua fatura vence amanhã. Pague pelo app e evite juros; dúvidas? Ligue até sexta.")
	fmt.Println(ok, s.Before.Segments, "->", s.After.Segments)
	fmt.Println(s.Text)
	// Output:
	// true 2 -> 1
	// Atencao: sua fatura vence amanha. Pague pelo app e evite juros; duvidas? Ligue ate sexta.
}

func ExampleAnalyze() {
	for _, rule := range []sms.Rule{sms.Wavy, sms.GSM} {
		a := sms.Analyze("Café é bom {hoje}", rule)
		fmt.Println(rule, a.Count.Encoding, a.Count.Units, a.Count.Segments, len(a.Highlights), a.Replacement.Text)
	}
	// Output:
	// wavy UCS-2 17 1 2 Cafe e bom {hoje}
	// gsm GSM-7 19 1 0 Café é bom {hoje}
}

func ExampleSercomtel() {
	d := sms.Sercomtel("Promoção válida até amanhã!" + strings.Repeat(" Aproveite.", 14))
	fmt.Println(d.Billed)
	for _, p := range d.Parts {
		fmt.Printf("%q\n", p)
	}
	// Output:
	// 2
	// "Promocao valida ate amanha! Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aproveite. Aprov (1/2)"
	// "eite. Aproveite. Aproveite. (2/2)"
}
