package contact

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestAppendWords(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"Ana  Silva", []string{"ana", "silva"}},
		{"ana.silva12@exemplo.com.br", []string{"ana", "silva12", "exemplo", "com", "br"}},
		{"São Paulo - SP", []string{"sao", "paulo", "sp"}},
		{"a e i", nil},
		{"rua rua RUA", []string{"rua"}},
		{strings.Repeat("x", 40), []string{strings.Repeat("x", MaxWordBytes)}},
	} {
		if got := AppendWords(nil, Fold(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("AppendWords(%q) got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSearch(t *testing.T) {
	for _, tt := range []struct {
		in     string
		whole  []string
		prefix string
		ok     bool
	}{
		{"ana", nil, "ana", true},
		{"Antônio Sil", []string{"antonio"}, "sil", true},
		{"a", nil, "a", true},
		{"ana s", []string{"ana"}, "s", true},
		{"maria.", []string{"maria"}, "", true},
		{" - ", nil, "", false},
	} {
		s, ok := ParseSearch(tt.in)
		if ok != tt.ok || !slices.Equal(s.Whole, tt.whole) || s.Prefix != tt.prefix {
			t.Errorf("ParseSearch(%q) got %q %q %v, want %q %q %v", tt.in, s.Whole, s.Prefix, ok, tt.whole, tt.prefix, tt.ok)
		}
	}
}

func TestEncoderWordsAreBounded(t *testing.T) {
	e := NewEncoder([]string{"nome", "notas"})
	var notes []string
	for i := range 30 {
		notes = append(notes, fmt.Sprintf("w%d", i))
	}
	r, ok := e.Encode("5511987650001", 2, []string{"Ana Silva", strings.Join(notes, " ")})
	if !ok {
		t.Fatal("not encoded")
	}
	if len(r.Words) != MaxWordsPerContact || r.Words[0] != "ana" || r.Words[1] != "silva" {
		t.Errorf("words got %d %q, want the first %d, the name's first", len(r.Words), r.Words, MaxWordsPerContact)
	}
}
