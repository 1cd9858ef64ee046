package sms

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// partUnits measures one part in the encoding of the whole message,
// independently of the package's own counting for UCS-2.
func partUnits(t *testing.T, part string, enc Encoding) int {
	t.Helper()
	if enc == UCS2 {
		return len(utf16.Encode([]rune(part)))
	}
	n := 0
	for _, r := range part {
		s := Septets(r)
		if s == 0 {
			t.Fatalf("part %q has non-GSM %U in a GSM-7 message", part, r)
		}
		n += s
	}
	return n
}

// partSizes returns the units of every part of GSM.Split(text).
func partSizes(t *testing.T, text string) []int {
	t.Helper()
	enc := GSM.Measure(text).Encoding
	var sizes []int
	for _, p := range GSM.Split(text) {
		sizes = append(sizes, partUnits(t, p, enc))
	}
	return sizes
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGSMBasicTable(t *testing.T) {
	seen := map[rune]int{}
	for i, r := range gsmBasic {
		if j, dup := seen[r]; dup {
			t.Errorf("gsmBasic[%#x] = %q, duplicate of entry %#x", i, r, j)
		}
		seen[r] = i
		if i == gsmEscape {
			if got := Septets(r); got != 0 {
				t.Errorf("Septets(ESC) = %d, want 0", got)
			}
			continue
		}
		if got := Septets(r); got != 1 {
			t.Errorf("Septets(%q) (septet %#x) = %d, want 1", r, i, got)
		}
	}
	if got, want := len(seen), 128; got != want {
		t.Errorf("gsmBasic has %d distinct entries, want %d", got, want)
	}
	ext := 0
	for i, r := range gsmExtension {
		if r == 0 {
			continue
		}
		ext++
		if got := Septets(r); got != 2 {
			t.Errorf("Septets(%q) (extension %#x) = %d, want 2", r, i, got)
		}
	}
	if got, want := ext, 10; got != want {
		t.Errorf("extension table has %d characters, want %d", got, want)
	}
	// Spot checks against 3GPP TS 23.038 positions.
	spots := []struct {
		septet int
		want   rune
	}{
		{0x00, '@'}, {0x01, '£'}, {0x02, '$'}, {0x09, 'Ç'}, {0x0A, '\n'}, {0x0D, '\r'},
		{0x10, 'Δ'}, {0x1F, 'É'}, {0x24, '¤'}, {0x40, '¡'}, {0x5F, '§'}, {0x60, '¿'}, {0x7F, 'à'},
	}
	for _, s := range spots {
		if got := gsmBasic[s.septet]; got != s.want {
			t.Errorf("gsmBasic[%#x] = %q, want %q", s.septet, got, s.want)
		}
	}
}

// TestSeptetsMatchesTables checks the fast lookup against the tables for
// every code point.
func TestSeptetsMatchesTables(t *testing.T) {
	want := map[rune]int{}
	for i, r := range gsmBasic {
		if i != gsmEscape {
			want[r] = 1
		}
	}
	for _, r := range gsmExtension {
		if r != 0 {
			want[r] = 2
		}
	}
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if got := Septets(r); got != want[r] {
			t.Fatalf("Septets(%U) = %d, want %d", r, got, want[r])
		}
	}
}

func TestSingleCharacters(t *testing.T) {
	tests := []struct {
		chars string
		want  Encoding
	}{
		{"çáãõêâíóú", UCS2},
		{"ÁÂÃÀÍÓÔÕÚÊ", UCS2},
		{"\t\u00a0‘’“”`", UCS2},
		{"\u001b\u007f\u2126", UCS2}, // escape, DEL, OHM SIGN (not Ω U+03A9)
		{"éàüñÇèùìòØøÅåÄÖÑÜ§¿¡£¥ßÆæÉ", GSM7},
		{"ΔΦΓΛΩΠΨΣΘΞ", GSM7},
		{"\n\r@$_¤", GSM7},
	}
	for _, tt := range tests {
		for _, r := range tt.chars {
			c := GSM.Measure(string(r))
			if c.Encoding != tt.want || c.Segments != 1 || c.Chars != 1 {
				t.Errorf("GSM.Measure(%q) = %+v, want encoding %s, 1 segment, 1 char", r, c, tt.want)
			}
		}
	}
	for _, r := range "\f^{}\\[~]|€" {
		c := GSM.Measure(string(r))
		if c.Encoding != GSM7 || c.Units != 2 {
			t.Errorf("GSM.Measure(%q) = %+v, want GSM-7 with 2 units", r, c)
		}
	}
}

func TestMeasure(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name string
		text string
		want Count
	}{
		{"empty", "", Count{Encoding: GSM7, PerSegment: 160, Remaining: 160}},
		{"one char", "a", Count{GSM7, 1, 1, 1, 160, 159, false}},
		{"160", a("a", 160), Count{GSM7, 160, 1, 160, 160, 0, false}},
		{"161", a("a", 161), Count{GSM7, 161, 2, 161, 153, 145, false}},
		{"306", a("a", 306), Count{GSM7, 306, 2, 306, 153, 0, false}},
		{"307", a("a", 307), Count{GSM7, 307, 3, 307, 153, 152, false}},
		{"459", a("a", 459), Count{GSM7, 459, 3, 459, 153, 0, false}},
		{"460", a("a", 460), Count{GSM7, 460, 4, 460, 153, 152, false}},
		{"extension costs 2", "{}", Count{GSM7, 4, 1, 2, 160, 156, false}},
		{"159 + euro", a("a", 159) + "€", Count{GSM7, 161, 2, 160, 153, 145, false}},
		{"CR LF", "a\r\nb", Count{GSM7, 4, 1, 4, 160, 156, false}},
		{"UCS-2 70", a("ç", 70), Count{UCS2, 70, 1, 70, 70, 0, false}},
		{"UCS-2 71", a("ç", 71), Count{UCS2, 71, 2, 71, 67, 63, false}},
		{"UCS-2 134", a("ç", 134), Count{UCS2, 134, 2, 134, 67, 0, false}},
		{"UCS-2 135", a("ç", 135), Count{UCS2, 135, 3, 135, 67, 66, false}},
		{"emoji is 2 units and 2 characters", "😀", Count{UCS2, 2, 1, 2, 70, 68, false}},
		{"one non-GSM char switches all", "ç" + a("a", 99), Count{UCS2, 100, 2, 100, 67, 34, false}},
		{"e + combining acute", "e\u0301", Count{UCS2, 2, 1, 2, 70, 68, false}},
		{"1280 chars", a("a", 1280), Count{GSM7, 1280, 9, 1280, 153, 153*9 - 1280, false}},
		{"1281 chars", a("a", 1281), Count{GSM7, 1281, 9, 1281, 153, 153*9 - 1281, true}},
		{"1280 emoji are 2560 characters, too long", a("😀", 1280), Count{UCS2, 2560, 39, 2560, 67, 67 - 2*(1280-38*33), true}}, // 33 emoji fit a part
		{"640 emoji are 1280 characters", a("😀", 640), Count{UCS2, 1280, 20, 1280, 67, 67 - 2*(640-19*33), false}},
		{"invalid byte is U+FFFD", "a\xffb", Count{UCS2, 3, 1, 3, 70, 67, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := GSM.Measure(tt.text); got != tt.want {
				t.Errorf("Measure = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSplitPartSizes(t *testing.T) {
	a := strings.Repeat
	tests := []struct {
		name string
		text string
		want []int // units per part
	}{
		{"empty", "", nil},
		{"single", "Olá", []int{3}},
		{"160", a("a", 160), []int{160}},
		{"161", a("a", 161), []int{153, 8}},
		{"307", a("a", 307), []int{153, 153, 1}},
		{"escape at 152-153 stays", a("a", 151) + "[" + a("a", 10), []int{153, 10}},
		{"escape at 153-154 moves", a("a", 152) + "[" + a("a", 10), []int{152, 12}},
		{"escape at 154-155", a("a", 153) + "[" + a("a", 10), []int{153, 12}},
		{"moved escape adds a part", a("a", 152) + "€" + a("a", 152), []int{152, 153, 1}},
		{"emoji at 66-67 stays", "ç" + a("a", 64) + "😀" + a("a", 10), []int{67, 10}},
		{"emoji straddling 67 moves", "ç" + a("a", 65) + "😀" + a("a", 10), []int{66, 12}},
		{"emoji straddling adds a part", "ç" + a("a", 65) + "😀" + a("a", 66), []int{66, 67, 1}},
		{"emoji ending at 70 is one segment", "ç" + a("a", 67) + "😀", []int{70}},
		{"emoji ending at 71", "ç" + a("a", 68) + "😀", []int{67, 4}},
		{"CR LF at the boundary moves", a("a", 152) + "\r\n" + a("a", 10), []int{152, 12}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := partSizes(t, tt.text)
			if !equalInts(got, tt.want) {
				t.Errorf("part sizes = %v, want %v", got, tt.want)
			}
			if n := GSM.Measure(tt.text).Segments; n != len(tt.want) {
				t.Errorf("GSM.Measure().Segments = %d, want %d", n, len(tt.want))
			}
		})
	}
}

// TestSplitKeepsClusters puts each cluster so that it straddles the 67-unit
// boundary and checks it moves whole to the next part.
func TestSplitKeepsClusters(t *testing.T) {
	clusters := []struct {
		name string
		c    string
	}{
		{"flag", "🇧🇷"},
		{"skin tone", "👍🏽"},
		{"ZWJ family", "👨‍👩‍👧‍👦"},
		{"rainbow flag (VS16 + ZWJ)", "🏳️‍🌈"},
		{"e + combining acute", "e\u0301"},
		{"c + cedilla + acute", "c\u0327\u0301"},
		{"keycap", "1️⃣"},
		{"heart text presentation", "❤\ufe0e"},
		{"england tag flag", "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F"},
		{"CR LF", "\r\n"},
		{"devanagari with vowel sign", "कि"},
	}
	for _, tt := range clusters {
		t.Run(tt.name, func(t *testing.T) {
			size := len(utf16.Encode([]rune(tt.c)))
			for lead := 67 - size + 1; lead < 67; lead++ {
				text := "ç" + strings.Repeat("a", lead-1) + tt.c + strings.Repeat("b", 80)
				parts := GSM.Split(text)
				if got, want := parts[0], text[:lead+1]; got != want { // "ç" is 2 bytes
					t.Fatalf("lead %d: first part = %q, want %q", lead, got, want)
				}
				if got := parts[1]; !strings.HasPrefix(got, tt.c) {
					t.Fatalf("lead %d: second part = %q, want prefix %q", lead, got, tt.c)
				}
			}
		})
	}
}

func TestFlagsPairUp(t *testing.T) {
	// Three flags in a row: the regional indicators pair from the start.
	flags := "🇧🇷🇵🇹🇦🇴"
	text := "ç" + strings.Repeat("a", 60) + flags + strings.Repeat("b", 20)
	parts := GSM.Split(text)
	// 61 + 4 = 65 fits, the second flag would reach 69 and moves.
	if got, want := parts[0], "ç"+strings.Repeat("a", 60)+"🇧🇷"; got != want {
		t.Errorf("first part = %q, want %q", got, want)
	}
	if got, want := parts[1][:len("🇵🇹🇦🇴")], "🇵🇹🇦🇴"; got != want {
		t.Errorf("second part starts %q, want %q", got, want)
	}
}

// TestSplitOversizedCluster checks that a cluster longer than a part is cut
// between code points rather than looping or overflowing.
func TestSplitOversizedCluster(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []int
	}{
		{"100 combining marks", "x" + strings.Repeat("\u0301", 100), []int{67, 34}},
		{"after text, fills the current part", "abc" + "x" + strings.Repeat("\u0301", 100), []int{67, 37}},
		{"ZWJ chain of emoji", strings.Repeat("😀\u200d", 30) + "😀", []int{66, 26}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := partSizes(t, tt.text); !equalInts(got, tt.want) {
				t.Errorf("part sizes = %v, want %v", got, tt.want)
			}
			for _, p := range GSM.Split(tt.text) {
				if !utf8.ValidString(p) {
					t.Errorf("part %q is not valid UTF-8 (a code point was cut)", p)
				}
			}
		})
	}
}

func TestSplitRejoins(t *testing.T) {
	inputs := []string{
		"",
		"Olá",
		strings.Repeat("Promoção imperdível! ", 40),
		strings.Repeat("Hello {world} [x] ~ | € ^ \\ ", 30),
		strings.Repeat("👨‍👩‍👧‍👦🇧🇷👍🏽e\u0301", 50),
		strings.Repeat("a\r\n", 200),
		strings.Repeat("\xff\xfe", 100),
		strings.Repeat("€", 200),
		strings.Repeat("ΔΦΓΛΩΠΨΣΘΞ", 50),
		strings.Repeat("日本語のテキスト", 100),
	}
	for _, in := range inputs {
		parts := GSM.Split(in)
		if got := strings.Join(parts, ""); got != in {
			t.Errorf("GSM.Split(%.20q...) joined = %.20q..., want the input", in, got)
		}
		if got, want := len(parts), GSM.Measure(in).Segments; got != want {
			t.Errorf("len(GSM.Split(%.20q...)) = %d, want GSM.Measure().Segments %d", in, got, want)
		}
	}
}

func TestGSMHighlights(t *testing.T) {
	tests := []struct {
		text string
		want []Span
	}{
		{"", nil},
		{"Olé {€}", nil},
		{"Olá", []Span{{2, 4, 'á'}}},
		{"ç😀`", []Span{{0, 2, 'ç'}, {2, 6, '😀'}, {6, 7, '`'}}},
		{"a\tb\u00a0", []Span{{1, 2, '\t'}, {3, 5, '\u00a0'}}},
		{"a\xff", []Span{{1, 2, utf8.RuneError}}},
	}
	for _, tt := range tests {
		got := GSM.highlights(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("GSM highlights(%q) = %v, want %v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("GSM highlights(%q)[%d] = %v, want %v", tt.text, i, got[i], tt.want[i])
			}
		}
	}
}

func TestMeasureDoesNotAllocate(t *testing.T) {
	texts := []string{gsm1280, ucs1280, strings.Repeat("👨‍👩‍👧‍👦", 100)}
	for _, text := range texts {
		if n := testing.AllocsPerRun(20, func() { GSM.Measure(text) }); n != 0 {
			t.Errorf("Measure allocates %v times, want 0", n)
		}
	}
}

// FuzzSplit checks Split's invariants on arbitrary input.
func FuzzSplit(f *testing.F) {
	for _, s := range []string{"", "a", "Olá", strings.Repeat("a", 161), strings.Repeat("€", 100),
		strings.Repeat("👨‍👩‍👧‍👦", 20), "x" + strings.Repeat("\u0301", 100), "a\r\n\xff", ucs1280} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		parts := GSM.Split(text)
		if got := strings.Join(parts, ""); got != text {
			t.Fatalf("Split joined = %q, want %q", got, text)
		}
		c := GSM.Measure(text)
		if got, want := len(parts), c.Segments; got != want {
			t.Fatalf("len(Split) = %d, want GSM.Measure().Segments %d", got, want)
		}
		total := 0
		for i, p := range parts {
			if p == "" {
				t.Fatalf("part %d is empty", i)
			}
			n := partUnits(t, p, c.Encoding)
			if n > c.PerSegment {
				t.Fatalf("part %d has %d units, want at most %d", i, n, c.PerSegment)
			}
			total += n
		}
		if total != c.Units {
			t.Fatalf("parts hold %d units, want GSM.Measure().Units %d", total, c.Units)
		}
		if len(parts) > 0 {
			if got, want := c.Remaining, c.PerSegment-partUnits(t, parts[len(parts)-1], c.Encoding); got != want {
				t.Fatalf("Remaining = %d, want %d", got, want)
			}
		}
		// Every boundary sits between code points (an invalid byte is one
		// code point) and between grapheme clusters, unless the cluster is
		// larger than a whole part.
		runeStart := map[int]bool{}
		for i := range text {
			runeStart[i] = true
		}
		type cluster struct{ start, end int }
		clusterOf := map[int]cluster{}
		for i := 0; i < len(text); {
			e := clusterEnd(text, i)
			for j := i; j < e; j++ {
				clusterOf[j] = cluster{i, e}
			}
			i = e
		}
		off := 0
		for _, p := range parts[:max(len(parts)-1, 0)] {
			off += len(p)
			if !runeStart[off] {
				t.Fatalf("boundary at byte %d cuts a code point", off)
			}
			if cl := clusterOf[off]; cl.start != off {
				if n := partUnits(t, text[cl.start:cl.end], c.Encoding); n <= c.PerSegment {
					t.Fatalf("boundary at byte %d cuts cluster %q of %d units", off, text[cl.start:cl.end], n)
				}
			}
		}
	})
}
