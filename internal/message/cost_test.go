package message

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"arauto/internal/sms"
)

func TestCostPreview(t *testing.T) {
	columns := []string{"nome", "cidade"}
	rows := [][]string{
		{"Ana", "Itu"},
		{"Conceição", "Niterói"},          // UCS-2
		{"Maximiliano Bartolomeu", "Rio"}, // the longest
		{"Bia"},                           // missing cidade renders as ""
	}
	body := "Oi {{nome}} de {{cidade}}! Sua fatura vence hoje, pague pelo app e evite juros e multa. Duvidas? Responda esta mensagem que a gente te ajuda rapidinho."
	got, err := CostPreview(body, columns, slices.Values(rows))
	if err != nil {
		t.Fatal(err)
	}
	want := Cost{MinSegments: 99}
	wantLongestChars := -1
	for i, r := range rows {
		text, _ := Render(body, columns, r)
		m := sms.Measure(text)
		want.Recipients++
		want.Segments += int64(m.Segments)
		want.Replaced += int64(sms.Measure(sms.Transliterate(text)).Segments)
		want.MinSegments = min(want.MinSegments, m.Segments)
		if m.Encoding == sms.UCS2 {
			want.UCS2++
			want.FieldAccents++ // the text as written has no accent
		}
		if m.Segments > want.LongestSegments || (m.Segments == want.LongestSegments && m.Chars > wantLongestChars) {
			want.Longest, want.LongestSegments, want.LongestIndex, wantLongestChars = text, m.Segments, i, m.Chars
		}
	}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got.Saved() != 2 || got.FieldAccents != 1 {
		t.Errorf("saving got %d segments (%d messages dearer for their fields), want 2 (1): three UCS-2 parts become one", got.Saved(), got.FieldAccents)
	}
	if got.Recipients != 4 || got.UCS2 != 1 || got.LongestIndex != 1 {
		// Conceição's message is UCS-2, so it has the most segments.
		t.Errorf("got %d recipients, %d UCS-2, longest #%d, want 4, 1, #1", got.Recipients, got.UCS2, got.LongestIndex)
	}
	if avg := got.Average(); avg <= 1 {
		t.Errorf("average got %v, want above 1", avg)
	}
}

func TestCostPreviewWithoutPlaceholders(t *testing.T) {
	body := "Promoção relâmpago só hoje"
	got, err := CostPreview(body, nil, slices.Values(make([][]string, 5)))
	if err != nil {
		t.Fatal(err)
	}
	want := Cost{Recipients: 5, Segments: 5, Longest: body, LongestSegments: 1, UCS2: 5, MinSegments: 1, Replaced: 5}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got, _ := CostPreview(body, nil, slices.Values([][]string(nil))); got != (Cost{}) {
		t.Errorf("no recipients got %+v, want the zero Cost", got)
	}
}

func TestCostPreviewTooLong(t *testing.T) {
	body := "{{texto}}"
	long := make([]byte, sms.MaxLength+1)
	for i := range long {
		long[i] = 'a'
	}
	got, err := CostPreview(body, []string{"texto"}, slices.Values([][]string{{"curto"}, {string(long)}}))
	if err != nil {
		t.Fatal(err)
	}
	if got.TooLong != 1 || got.LongestIndex != 1 || got.LongestSegments != 9 {
		t.Errorf("got %+v, want one too long, the second, in 9 segments", got)
	}
}

func TestCostPreviewUnknownField(t *testing.T) {
	_, err := CostPreview("{{cpf}}", []string{"nome"}, slices.Values([][]string{{"Ana"}}))
	var ue *UnknownFieldsError
	if !errors.As(err, &ue) || ue.Unknown[0] != "cpf" {
		t.Errorf("got %v, want an UnknownFieldsError naming cpf", err)
	}
}

func TestCostPreviewConsumesEveryRecipient(t *testing.T) {
	// yield never reports false: every recipient is priced.
	n := 0
	seq := func(yield func([]string) bool) {
		for i := 0; i < 10; i++ {
			n++
			if !yield([]string{"x"}) {
				return
			}
		}
	}
	if got, _ := CostPreview("{{a}}", []string{"a"}, seq); got.Recipients != 10 || n != 10 {
		t.Errorf("got %d recipients after %d yields, want 10 and 10", got.Recipients, n)
	}
}

// synthetic yields n recipients cycling through a fixed pool of realistic
// Brazilian rows, without allocating.
func synthetic(n int) iter.Seq[[]string] {
	first := []string{"Ana", "João", "Conceição", "Maria Eduarda", "Luiz", "Beatriz", "Antônio", "Fabiana", "Caio", "Gisele", "Raimundo", "Iara"}
	cities := []string{"Campinas", "São Paulo", "Niterói", "Belo Horizonte", "Jundiaí", "Recife", "Porto Alegre", "Itu"}
	pool := make([][]string, 0, 997)
	for i := 0; i < 997; i++ {
		pool = append(pool, []string{first[i%len(first)], cities[i%len(cities)], fmt.Sprintf("%d,%02d", 50+i%900, i%100), fmt.Sprintf("%02d/12", 1+i%28)})
	}
	return func(yield func([]string) bool) {
		for i := 0; i < n; i++ {
			if !yield(pool[i%len(pool)]) {
				return
			}
		}
	}
}

const benchBody = "Oi {{nome}}, de {{cidade}}! Sua fatura de R$ {{valor}} vence em {{vencimento}}. Pague pelo app e evite juros: https://loja.com.br/f. Duvidas? Responda SAIR para nao receber."

func TestCostPreviewAllocatesOnlyForNewLongest(t *testing.T) {
	columns := []string{"nome", "cidade", "valor", "vencimento"}
	c, err := Compile(benchBody, columns)
	if err != nil {
		t.Fatal(err)
	}
	few, many := synthetic(1000), synthetic(100000)
	small := testing.AllocsPerRun(5, func() { c.Cost(few) })
	large := testing.AllocsPerRun(5, func() { c.Cost(many) })
	if large > small+1 || small > 50 {
		t.Errorf("got %v allocations for 1,000 recipients and %v for 100,000, want a small constant", small, large)
	}
}

func BenchmarkCostPreview1M(b *testing.B) {
	columns := []string{"nome", "cidade", "valor", "vencimento"}
	seq := synthetic(1_000_000)
	b.ReportAllocs()
	var got Cost
	for b.Loop() {
		var err error
		if got, err = CostPreview(benchBody, columns, seq); err != nil {
			b.Fatal(err)
		}
	}
	if got.Recipients != 1_000_000 {
		b.Fatalf("got %d recipients, want 1,000,000", got.Recipients)
	}
	b.ReportMetric(float64(got.Segments), "segments")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/recipient")
}

// TestCostForRules prices names with accents GSM 03.38 has: Wavy bills
// them per 70, GSM per 160; 700 emoji in a field make a message every rule
// counts as too long.
func TestCostForRules(t *testing.T) {
	c, err := Compile("Olá {{nome}}, sua entrega chega amanhã. Qualquer dúvida, responda esta mensagem.", []string{"nome"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Compile("Oi {{nome}}, sua entrega chega amanha. Qualquer duvida, responda esta mensagem agora mesmo.", []string{"nome"})
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{{"José"}, {"Müller"}, {"Ana"}, {strings.Repeat("😀", 700)}}
	tests := []struct {
		name          string
		c             *Compiled
		rule          sms.Rule
		ucs2, tooLong int
	}{
		{"accented body, wavy", c, sms.Wavy, 4, 1},
		{"accented body, gsm", c, sms.GSM, 4, 1},
		{"plain body with José and Müller, wavy", c2, sms.Wavy, 3, 1},
		{"plain body with José and Müller, gsm", c2, sms.GSM, 1, 1},
	}
	for _, tt := range tests {
		got := tt.c.CostFor(tt.rule, slices.Values(rows))
		if got.UCS2 != tt.ucs2 || got.TooLong != tt.tooLong || got.Recipients != 4 {
			t.Errorf("%s: %d UCS-2, %d too long of %d, want %d, %d of 4", tt.name, got.UCS2, got.TooLong, got.Recipients, tt.ucs2, tt.tooLong)
		}
	}
	if got, want := c2.Cost(slices.Values(rows)), c2.CostFor(sms.Default, slices.Values(rows)); got != want {
		t.Errorf("Cost = %+v, want CostFor(Default) %+v", got, want)
	}
}

func TestHighlightForRules(t *testing.T) {
	body := "José {{nome}} ~"
	for _, tt := range []struct {
		rule sms.Rule
		want int
	}{{sms.Wavy, 1}, {sms.GSM, 0}} {
		n := 0
		for _, p := range HighlightFor(body, []string{"nome"}, tt.rule) {
			if p.Kind == NonGSM {
				n++
			}
		}
		if n != tt.want {
			t.Errorf("%s: %d highlighted characters in %q, want %d", tt.rule, n, body, tt.want)
		}
	}
}
