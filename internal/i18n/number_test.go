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
