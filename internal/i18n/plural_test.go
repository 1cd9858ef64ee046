package i18n

import (
	"regexp"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// lazyPlural matches the shortcuts that dodge plural agreement:
// "mensagem(ns)", "contato(s)", "Falta(m)", "inválido(s)".
var lazyPlural = regexp.MustCompile(`\p{L}\((?:s|ns|m|es|is|ões|a|o)\)`)

func TestNoLazyPlurals(t *testing.T) {
	for _, lang := range Languages {
		for _, k := range Keys(lang) {
			for _, form := range Forms(lang, k) {
				if m := lazyPlural.FindString(form); m != "" {
					t.Errorf("%s %q has the lazy plural %q in %q: give it one/other forms", lang, k, m, form)
				}
			}
		}
	}
}

func TestPluralEntriesHaveBothFormsInEveryLanguage(t *testing.T) {
	for _, k := range Keys(Default) {
		for _, lang := range Languages[1:] {
			if IsPlural(Default, k) != IsPlural(lang, k) {
				t.Errorf("%q is plural in %s: %v, in %s: %v; want the same shape", k, Default, IsPlural(Default, k), lang, IsPlural(lang, k))
			}
		}
	}
}

func TestPluralFormsFollowCLDR(t *testing.T) {
	mustLoadTestMessages(t)
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		// CLDR: in Brazilian Portuguese 0 and 1 take the singular.
		{"pt-BR", 0, "0 mensagem"},
		{"pt-BR", 1, "1 mensagem"},
		{"pt-BR", 2, "2 mensagens"},
		{"pt-BR", 1856, "1856 mensagens"},
		// In English only 1 does.
		{"en", 0, "0 messages"},
		{"en", 1, "1 message"},
		{"en", 2, "2 messages"},
	}
	for _, tt := range tests {
		if got := N(tt.lang, "test.messages", tt.count, tt.count); got != tt.want {
			t.Errorf("N(%s, %d) got %q, want %q", tt.lang, tt.count, got, tt.want)
		}
		// Handlers that pass an integer through T get the same form.
		if got := T(tt.lang, "test.messages", tt.count); got != tt.want {
			t.Errorf("T(%s, %d) got %q, want %q", tt.lang, tt.count, got, tt.want)
		}
	}
	if got := T("en", "test.messages", "many"); got != "many messages" {
		t.Errorf("T with no integer argument got %q, want the other form", got)
	}
}

func TestNumbersInEachLanguage(t *testing.T) {
	tests := []struct {
		lang            string
		n               int64
		f               float64
		wantInt, wantPc string
	}{
		{"pt-BR", 1856, 66.6666, "1.856", "66,7%"},
		{"en", 1856, 66.6666, "1,856", "66.7%"},
		{"pt-BR", 1234567, 100, "1.234.567", "100,0%"},
		{"pt-BR", 0, 0, "0", "0,0%"},
		{"en", -2000, 0.05, "-2,000", "0.1%"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.lang, tt.n); got != tt.wantInt {
			t.Errorf("FormatInt(%s, %d) got %q, want %q", tt.lang, tt.n, got, tt.wantInt)
		}
		if got := FormatPercent(tt.lang, tt.f); got != tt.wantPc {
			t.Errorf("FormatPercent(%s, %v) got %q, want %q", tt.lang, tt.f, got, tt.wantPc)
		}
	}
	if got := FormatDecimal("pt-BR", 1234.5, 2); got != "1.234,50" {
		t.Errorf("FormatDecimal got %q, want 1.234,50", got)
	}
}

// mustLoadTestMessages adds "test.messages" to both catalogues, as a
// catalogue file would.
func mustLoadTestMessages(t *testing.T) {
	t.Helper()
	forms := map[string]pluralEntry{"pt-BR": {"%v mensagem", "%v mensagens"}, "en": {"%v message", "%v messages"}}
	for lang, p := range forms {
		if catalogs[lang].Plural["test.messages"] {
			continue
		}
		catalogs[lang].Plain["test.messages"], catalogs[lang].Plural["test.messages"] = p.Other, true
		if err := bundle.AddMessages(language.MustParse(lang), &goi18n.Message{ID: "test.messages", One: p.One, Other: p.Other}); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for lang := range forms {
			delete(catalogs[lang].Plain, "test.messages")
			delete(catalogs[lang].Plural, "test.messages")
		}
	})
}
