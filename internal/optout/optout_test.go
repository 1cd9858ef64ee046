package optout

import "testing"

var defaults = []string{"SAIR", "PARAR", "CANCELAR", "DESCADASTRAR", "STOP"}

func TestMatch(t *testing.T) {
	tests := []struct {
		text     string
		keywords []string
		want     string // the matched keyword, "" for no match
	}{
		{"SAIR", defaults, "SAIR"},
		{"sair", defaults, "SAIR"},
		{"Sair!", defaults, "SAIR"},
		{"  sair.  ", defaults, "SAIR"},
		{"\"Sair\"", defaults, "SAIR"},
		{"¡¿Parar?!", defaults, "PARAR"},
		{"stop 🙏", defaults, "STOP"},
		{"\u200bSTOP\u200b", defaults, "STOP"},
		{"Descadastrar", defaults, "DESCADASTRAR"},
		{"cancelar\n", defaults, "CANCELAR"},
		{"pare.", defaults, ""},
		{"quero sair da lista", defaults, ""},
		{"sair sair", defaults, ""},
		{"SAIRR", defaults, ""},
		{"não", defaults, ""},
		{"", defaults, ""},
		{"!!!", defaults, ""},
		{"Sim", defaults, ""},
		{"s a i r", defaults, ""},
		// Accents fold both ways.
		{"SAÍR", defaults, "SAIR"},
		{"nao quero", []string{"NÃO QUERO"}, "NÃO QUERO"},
		{"  Não   quero! ", []string{"nao quero"}, "nao quero"},
		{"Cancelación", []string{"cancelacion"}, "cancelacion"},
		// Decomposed input (e + combining acute) equals the composed keyword.
		{"Saie\u0301", []string{"SAIÉ"}, "SAIÉ"},
		// Only the configured words count.
		{"PARE", []string{"PARE"}, "PARE"},
		{"SAIR", []string{"PARE"}, ""},
		{"SAIR", nil, ""},
		{"SAIR", []string{"", "  "}, ""},
	}
	for _, tt := range tests {
		got, ok := Keyword(tt.text, tt.keywords)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Keyword(%q, %q) = %q, %v; want %q", tt.text, tt.keywords, got, ok, tt.want)
		}
		if m := Match(tt.text, tt.keywords); m != (tt.want != "") {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.text, tt.keywords, m, tt.want != "")
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Sair! ", "SAIR"},
		{"Não   Quero", "NAO QUERO"},
		{"ção", "CAO"},
		{"...", ""},
		{"a\tb", "A B"},
	}
	for _, tt := range tests {
		if got := Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("Obrigado, mas não tenho interesse!", defaults)
	}
}
