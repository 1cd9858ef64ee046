package sms

import (
	"strings"
	"testing"
)

func TestTransliterateGSM(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", ""},
		{"already GSM", "Olé {€} ÇÑÜ", "Olé {€} ÇÑÜ"},
		{"lowercase accents", "áãâíóõôúêç", "aaaiooouec"},
		{"GSM letters kept", "éàüñÇèùìòäöåø", "éàüñÇèùìòäöåø"},
		{"uppercase accents", "ÁÂÃÀÍÓÔÕÚÊÈ", "AAAAIOOOUEE"},
		{"GSM capitals kept", "ÉÄÖÜÑÅØÆ", "ÉÄÖÜÑÅØÆ"},
		{"portuguese sentence", "Promoção: você não pode perder!", "Promocao: voce nao pode perder!"},
		{"ordinals", "1º lugar, 2ª vez", "1o lugar, 2a vez"},
		{"curly quotes", "‘oi’ “tchau”", `'oi' "tchau"`},
		{"dashes", "a–b—c", "a-b-c"},
		{"ellipsis", "espere…", "espere..."},
		{"nbsp and tab", "a\u00a0b\tc", "a b c"},
		{"backtick", "`x`", "'x'"},
		{"invisible characters removed", "a\u200bb\u00adc\ufeff", "abc"},
		{"emoji left alone", "Oi 😀 ç", "Oi 😀 c"},
		{"other scripts left alone", "日本 ação", "日本 acao"},
		{"combining acute composes to é", "cafe\u0301", "café"},
		{"combining tilde on a is dropped", "na\u0303o", "nao"},
		{"combining cedilla on c is dropped", "c\u0327", "c"},
		{"combining cedilla on C composes", "C\u0327", "Ç"},
		{"several marks", "e\u0301\u0323x", "éx"},
		{"mark after transliterated letter", "ã\u0301", "a"},
		{"keycap left alone", "1️⃣", "1️⃣"},
		{"mark after emoji left alone", "😀\u0301", "😀\u0301"},
		{"invalid byte kept", "á\xff", "a\xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transliterateGSM(tt.in); got != tt.want {
				t.Errorf("transliterateGSM(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestGSMReplacement(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantOK   bool
		wantText string
		before   int // segments
		after    int
	}{
		{"GSM already", "Oi", false, "Oi", 1, 1},
		{"saves a segment", "Promoção " + strings.Repeat("a", 100), true, "Promocao " + strings.Repeat("a", 100), 2, 1},
		{"changes but saves nothing", "Olá", false, "Ola", 1, 1},
		{"emoji keeps UCS-2", "ação 😀 " + strings.Repeat("a", 70), false, "acao 😀 " + strings.Repeat("a", 70), 2, 2},
		{"empty", "", false, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Analyze(tt.in, GSM)
			s, ok := a.Replacement, a.Replacement.Saves()
			if ok != tt.wantOK {
				t.Errorf("ok = %v, want %v", ok, tt.wantOK)
			}
			if s.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", s.Text, tt.wantText)
			}
			if s.Before.Segments != tt.before || s.After.Segments != tt.after {
				t.Errorf("segments %d -> %d, want %d -> %d", s.Before.Segments, s.After.Segments, tt.before, tt.after)
			}
		})
	}
}

// TestTransliterateOnlyTouchesNonGSM checks that every GSM-7 character
// survives transliteration.
func TestTransliterateOnlyTouchesNonGSM(t *testing.T) {
	var b strings.Builder
	for i, r := range gsmBasic {
		if i != gsmEscape {
			b.WriteRune(r)
		}
	}
	for _, r := range gsmExtension {
		if r != 0 {
			b.WriteRune(r)
		}
	}
	in := b.String()
	if got := transliterateGSM(in); got != in {
		t.Errorf("transliterateGSM(GSM alphabet) = %q, want it unchanged", got)
	}
}
