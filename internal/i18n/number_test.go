package i18n

import "testing"

func TestFormatIntTable(t *testing.T) {
	tests := []struct {
		lang string
		n    int64
		want string
	}{
		{"pt-BR", 0, "0"},
		{"pt-BR", 999, "999"},
		{"pt-BR", 1000, "1.000"},
		{"pt-BR", 29999, "29.999"},
		{"pt-BR", 1234567, "1.234.567"},
		{"pt-BR", -1234567, "-1.234.567"},
		{"en", 1234567, "1,234,567"},
		{"en", 100000, "100,000"},
		{"", 400000, "400.000"},
	}
	for _, tt := range tests {
		if got := FormatInt(tt.lang, tt.n); got != tt.want {
			t.Errorf("FormatInt(%q, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		lang     string
		reais    float64
		decimals int
		want     string
	}{
		{"pt-BR", 1234.56, 2, "R$ 1.234,56"},
		{"en", 1234.56, 2, "R$ 1,234.56"},
		{"pt-BR", 0.045, 4, "R$ 0,045"},
		{"pt-BR", 0.05, 4, "R$ 0,05"},
		{"pt-BR", 0.0001, 4, "R$ 0,0001"},
		{"pt-BR", 0, 2, "R$ 0,00"},
		{"pt-BR", 1234567.8, 2, "R$ 1.234.567,80"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.lang, tt.reais, tt.decimals); got != tt.want {
			t.Errorf("FormatMoney(%s, %v, %d) got %q, want %q", tt.lang, tt.reais, tt.decimals, got, tt.want)
		}
	}
}
