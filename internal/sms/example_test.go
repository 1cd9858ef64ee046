package sms_test

import (
	"fmt"

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
	// Atencao: sua fatura vence amanha. Pague pelo app e evite juros; duvidas? Ligue até sexta.
}
