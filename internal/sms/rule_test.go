package sms

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// seedTable is the table of seeds/000 "Acentos e caracteres especiais" as
// printed: 8 rows of the ASCII chart, column c of row r holding 0x20+8c+r.
var seedTable = []string{
	"Space ( 0 8 @ H P X ` h p x",
	"! ) 1 9 A I Q Y a i q y",
	"* 2 : B J R Z b j r z",
	"# + 3 ; C K S { c k s ~",
	"$ , 4 < D L T \\ d l t",
	"% - 5 = E M U } e m u",
	"& . 6 > F N V ^ f n v",
	"/ 7 ? G O W _ g o w",
}

// TestWavyTableFromSeed checks the Wavy rule against the seed's table:
// every glyph printed is billed per 160 at one unit, so is every position
// of the chart the table depicts (the glyphs the rendering lost included),
// and nothing outside it is, line breaks excepted.
func TestWavyTableFromSeed(t *testing.T) {
	al := Wavy.alphabet()
	for r, row := range seedTable {
		for _, glyph := range strings.Fields(strings.Replace(row, "Space", " x", 1)) {
			c, _ := utf8.DecodeRuneInString(glyph)
			if got := al.cost160(c); got != 1 {
				t.Errorf("printed glyph %q of row %d costs %d in the 160 table, want 1", c, r+1, got)
			}
		}
		for col := 0; col < 12; col++ {
			c := rune(0x20 + 8*col + r)
			if c == 0x7F {
				continue // DEL, the chart's last cell, is not printable
			}
			if got := al.cost160(c); got != 1 {
				t.Errorf("chart cell row %d column %d (%q) costs %d, want 1", r+1, col+1, c, got)
			}
		}
	}
	in := 0
	for c := rune(0); c <= utf8.MaxRune; c++ {
		if al.cost160(c) != 0 {
			in++
			if !(c >= 0x20 && c <= 0x7E) && c != '\n' && c != '\r' {
				t.Errorf("%U is in Wavy's 160 table, want only printable ASCII and line breaks", c)
			}
		}
	}
	if want := 95 + 2; in != want {
		t.Errorf("Wavy's 160 table has %d characters, want %d (95 printable ASCII + LF + CR)", in, want)
	}
}

func TestWavyMeasure(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name string
		text string
		want Count
	}{
		{"empty", "", Count{Encoding: GSM7, PerSegment: 160, Remaining: 160}},
		{"Café é bom is billed per 70", "Café é bom", Count{UCS2, 10, 1, 10, 70, 60, false}},
		{"brackets cost 1, not 2", "{}[]~^\\|", Count{GSM7, 8, 1, 8, 160, 152, false}},
		{"160 brackets fit one SMS", a("[", 160), Count{GSM7, 160, 1, 160, 160, 0, false}},
		{"161", a("a", 161), Count{GSM7, 161, 2, 161, 153, 145, false}},
		{"euro forces 70", a("a", 100) + "€", Count{UCS2, 101, 2, 101, 67, 33, false}},
		{"line break stays in 160", a("a", 159) + "\n", Count{GSM7, 160, 1, 160, 160, 0, false}},
		{"CR LF is 2", "a\r\nb", Count{GSM7, 4, 1, 4, 160, 156, false}},
		{"tab forces 70", "a\tb", Count{UCS2, 3, 1, 3, 70, 67, false}},
		{"1281 ASCII too long", a("a", 1281), Count{GSM7, 1281, 9, 1281, 153, 153*9 - 1281, true}},
		{"700 emoji are 1400, too long", a("😀", 700), Count{UCS2, 1400, 22, 1400, 67, 67 - 2*(700-21*33), true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Wavy.Measure(tt.text); got != tt.want {
				t.Errorf("Wavy.Measure = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestLineBreaks pins the decision documented in doc.go: a line break is
// one character of the 160 table, never highlighted, never replaced.
func TestLineBreaks(t *testing.T) {
	for _, text := range []string{"linha\nquebrada", "linha\r\nquebrada", "\n\n\n", "a\rb"} {
		a := Analyze(text, Wavy)
		if a.Count.Encoding != GSM7 || a.Count.Units != len(text) {
			t.Errorf("Analyze(%q) = %s with %d units, want GSM-7 with %d", text, a.Count.Encoding, a.Count.Units, len(text))
		}
		if len(a.Highlights) != 0 {
			t.Errorf("Analyze(%q) highlights %v, want none", text, a.Highlights)
		}
		if a.Replacement.Text != text {
			t.Errorf("Analyze(%q) replacement = %q, want the text unchanged", text, a.Replacement.Text)
		}
	}
	// A CR LF at a part boundary moves whole to the next part.
	parts := Wavy.Split(strings.Repeat("a", 152) + "\r\n" + strings.Repeat("b", 10))
	if len(parts) != 2 || len(parts[0]) != 152 || !strings.HasPrefix(parts[1], "\r\n") {
		t.Errorf("parts = %q, want 152 a's then CR LF starting the second", parts)
	}
}

func TestWavyHighlights(t *testing.T) {
	tests := []struct {
		text string
		want []Span
	}{
		{"", nil},
		{"Ola {mundo} [x] ~^\\|`\n", nil},
		{"Olé", []Span{{2, 4, 'é'}}},
		{"€ 😀\t", []Span{{0, 3, '€'}, {4, 8, '😀'}, {8, 9, '\t'}}},
		{"a\x7f\xff", []Span{{1, 2, 0x7F}, {2, 3, utf8.RuneError}}},
	}
	for _, tt := range tests {
		got := Analyze(tt.text, Wavy).Highlights
		if len(got) != len(tt.want) {
			t.Errorf("highlights of %q = %v, want %v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("highlights of %q [%d] = %v, want %v", tt.text, i, got[i], tt.want[i])
			}
		}
	}
}

func TestWavyReplacement(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"already ASCII", "Ola {x} ~ | \\ ^", "Ola {x} ~ | \\ ^"},
		{"portuguese accents", "Promoção: você não pode perder! Até já, João.", "Promocao: voce nao pode perder! Ate ja, Joao."},
		{"letters GSM 03.38 has lose their accent too", "éàüñÇèùìòäöåÉÄÖÜÑÅ", "eaunCeuioaoaEAOUNA"},
		{"ligatures and special letters", "ßæÆœŒøØ", "ssaeAEoeOEoO"},
		{"ordinals", "1º lugar, 2ª vez", "1o lugar, 2a vez"},
		{"euro", "R$ 10 ou €5", "R$ 10 ou EUR5"},
		{"inverted marks dropped", "¡Hola! ¿Qué?", "Hola! Que?"},
		{"quotes, dashes, ellipsis, spaces", "“oi”–‘x’…\u00a0\t", `"oi"-'x'...  `},
		{"invisible characters removed", "a\u200bb\u00adc\ufeff", "abc"},
		{"combining marks dropped", "cafe\u0301 na\u0303o c\u0327", "cafe nao c"},
		{"other Latin letters", "Łódź Ærø Ševčík", "Lodz AEro Sevcik"},
		{"full-width letters", "ＡＢＣ", "ABC"},
		{"emoji and other scripts left alone", "Oi 😀 日本 ç", "Oi 😀 日本 c"},
		{"symbols without look-alike left alone", "£ § Δ", "£ § Δ"},
		{"mark after emoji kept", "😀\u0301", "😀\u0301"},
		{"invalid byte kept", "á\xff", "a\xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Analyze(tt.in, Wavy).Replacement.Text; got != tt.want {
				t.Errorf("replacement of %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReplacementSaving(t *testing.T) {
	tests := []struct {
		name          string
		rule          Rule
		in            string
		saves         bool
		before, after int
	}{
		{"GSM letter saves under Wavy", Wavy, "Café " + strings.Repeat("a", 70), true, 2, 1},
		{"GSM letter is already cheap under GSM", GSM, "Café " + strings.Repeat("a", 70), false, 1, 1},
		{"changes but saves nothing", Wavy, "Olá", false, 1, 1},
		{"emoji keeps 70", Wavy, "ação 😀 " + strings.Repeat("a", 70), false, 2, 2},
		{"nothing to replace", Wavy, "Oi", false, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(tt.in, tt.rule).Replacement
			if got := r.Saves(); got != tt.saves {
				t.Errorf("Saves() = %v, want %v", got, tt.saves)
			}
			if r.Before.Segments != tt.before || r.After.Segments != tt.after {
				t.Errorf("segments %d -> %d, want %d -> %d", r.Before.Segments, r.After.Segments, tt.before, tt.after)
			}
			if got, want := r.SavedSegments(), max(tt.before-tt.after, 0); got != want {
				t.Errorf("SavedSegments() = %d, want %d", got, want)
			}
			if got := tt.rule.Measure(r.Text); got != r.After {
				t.Errorf("After = %+v, want the measure of the replaced text %+v", r.After, got)
			}
		})
	}
}

// TestAnalyzeAgrees checks that the parts of one analysis fit together
// under both rules.
func TestAnalyzeAgrees(t *testing.T) {
	inputs := []string{
		"", "Olá", "Café é bom", strings.Repeat("Promoção imperdível! ", 40),
		strings.Repeat("Hello {world} [x] ~ | € ^ \\ ", 30), strings.Repeat("👨‍👩‍👧‍👦🇧🇷👍🏽e\u0301", 50),
		strings.Repeat("a\r\n", 200), strings.Repeat("\xff\xfe", 100), strings.Repeat("{}", 200),
	}
	for _, rule := range []Rule{Wavy, GSM} {
		for _, in := range inputs {
			a := Analyze(in, rule)
			if a.Rule != rule {
				t.Errorf("Rule = %s, want %s", a.Rule, rule)
			}
			if got := strings.Join(a.Parts, ""); got != in {
				t.Errorf("%s: parts of %.20q joined = %.20q, want the input", rule, in, got)
			}
			if len(a.Parts) != a.Count.Segments {
				t.Errorf("%s: %d parts of %.20q, want %d segments", rule, len(a.Parts), in, a.Count.Segments)
			}
			if (len(a.Highlights) > 0) != (a.Count.Encoding == UCS2) {
				t.Errorf("%s: %.20q has %d highlights with encoding %s", rule, in, len(a.Highlights), a.Count.Encoding)
			}
			if a.Replacement.Before != a.Count {
				t.Errorf("%s: Replacement.Before = %+v, want Count %+v", rule, a.Replacement.Before, a.Count)
			}
			if a.Count.Chars != Length(in) {
				t.Errorf("%s: Chars = %d, want Length %d", rule, a.Count.Chars, Length(in))
			}
		}
	}
	if got := Analyze("é", "ucs"); got.Rule != Default {
		t.Errorf("unknown rule analysed as %s, want %s", got.Rule, Default)
	}
}

func TestParseRule(t *testing.T) {
	tests := []struct {
		in   string
		want Rule
		ok   bool
	}{
		{"", Wavy, true}, {"wavy", Wavy, true}, {"gsm", GSM, true}, {"GSM", "", false}, {"ucs2", "", false},
	}
	for _, tt := range tests {
		got, err := ParseRule(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseRule(%q) = %q, %v, want %q, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestLength(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"", 0}, {"abc", 3}, {"ação", 4}, {"😀", 2}, {"👍🏽", 4}, {"a\xffb", 3},
		{strings.Repeat("😀", 700), 1400}, {strings.Repeat("😀", 640), 1280}, {strings.Repeat("ç", 1280), 1280},
	}
	for _, tt := range tests {
		if got := Length(tt.text); got != tt.want {
			t.Errorf("Length(%.20q) = %d, want %d", tt.text, got, tt.want)
		}
		if got := len(utf16.Encode([]rune(tt.text))); got != tt.want {
			t.Fatalf("test vector %.20q has %d UTF-16 units, want %d", tt.text, got, tt.want)
		}
		if got, want := TooLong(tt.text), tt.want > MaxLength; got != want {
			t.Errorf("TooLong(%.20q) = %v, want %v", tt.text, got, want)
		}
	}
}

func TestSercomtel(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name  string
		in    string
		parts []string
	}{
		{"empty", "", nil},
		{"short keeps no marker", "Promoção até amanhã", []string{"Promocao ate amanha"}},
		{"160 is one SMS", a("a", 160), []string{a("a", 160)}},
		{"161 is two with markers", a("a", 161), []string{a("a", 154) + " (1/2)", a("a", 7) + " (2/2)"}},
		{"emoji cannot be replaced", "Oi 👍🏽!", []string{"Oi ?!"}},
		{"accents make no difference to the size", a("ç", 160), []string{a("c", 160)}},
		{"ten parts widen the marker", a("b", 1500), tenParts()},
		{"CR LF stays in one part", a("a", 153) + "\r\n" + a("b", 10), []string{a("a", 153) + " (1/2)", "\r\n" + a("b", 10) + " (2/2)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Sercomtel(tt.in)
			if len(d.Parts) != len(tt.parts) || d.Billed != len(tt.parts) {
				t.Fatalf("Sercomtel = %d parts billed %d, want %d: %q", len(d.Parts), d.Billed, len(tt.parts), d.Parts)
			}
			for i := range d.Parts {
				if d.Parts[i] != tt.parts[i] {
					t.Errorf("part %d = %q, want %q", i, d.Parts[i], tt.parts[i])
				}
				if len(d.Parts[i]) > 160 {
					t.Errorf("part %d has %d characters, want at most 160", i, len(d.Parts[i]))
				}
				if c := Wavy.Measure(d.Parts[i]); c.Encoding != GSM7 || c.Segments != 1 {
					t.Errorf("part %d measures %+v, want one SMS of the 160 table", i, c)
				}
			}
		})
	}
}

// tenParts is what 1500 characters become: with ten parts the markers
// " (1/10)" to " (9/10)" leave 153 characters, " (10/10)" 152, so nine
// full parts hold 1377 and the tenth the last 123.
func tenParts() []string {
	var out []string
	for i := 1; i <= 9; i++ {
		out = append(out, strings.Repeat("b", 153)+" ("+string(rune('0'+i))+"/10)")
	}
	return append(out, strings.Repeat("b", 123)+" (10/10)")
}

func TestWavyMeasureDoesNotAllocate(t *testing.T) {
	for _, text := range []string{gsm1280, ucs1280, strings.Repeat("{x}\n", 300)} {
		if n := testing.AllocsPerRun(20, func() { Wavy.Measure(text) }); n != 0 {
			t.Errorf("Wavy.Measure allocates %v times, want 0", n)
		}
	}
}

// FuzzAnalyzeWavy checks the Wavy analysis against an independent count:
// 1 unit per printable ASCII character or line break when the text holds
// nothing else, UTF-16 units otherwise.
func FuzzAnalyzeWavy(f *testing.F) {
	for _, s := range []string{"", "a", "Olá", strings.Repeat("{", 161), strings.Repeat("€", 100),
		strings.Repeat("👨‍👩‍👧‍👦", 20), "a\r\n\xff", ucs1280, gsm1280} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		a := Analyze(text, Wavy)
		in160 := true
		for _, r := range text {
			if !(r >= 0x20 && r <= 0x7E) && r != '\n' && r != '\r' {
				in160 = false
			}
		}
		units := Length(text)
		if (a.Count.Encoding == GSM7) != in160 || a.Count.Units != units {
			t.Fatalf("Analyze = %s, %d units; want 160 table %v, %d units", a.Count.Encoding, a.Count.Units, in160, units)
		}
		if got := strings.Join(a.Parts, ""); got != text {
			t.Fatalf("parts joined = %q, want %q", got, text)
		}
		total := 0
		for i, p := range a.Parts {
			n := Length(p)
			if n > a.Count.PerSegment {
				t.Fatalf("part %d has %d units, want at most %d", i, n, a.Count.PerSegment)
			}
			total += n
		}
		if total != a.Count.Units || len(a.Parts) != a.Count.Segments {
			t.Fatalf("parts hold %d units in %d parts, want %d in %d", total, len(a.Parts), a.Count.Units, a.Count.Segments)
		}
		if s := Sercomtel(text); len(s.Parts) != s.Billed {
			t.Fatalf("Sercomtel billed %d for %d parts", s.Billed, len(s.Parts))
		}
	})
}
