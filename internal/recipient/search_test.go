package recipient

import "testing"

func TestParseNumberSearch(t *testing.T) {
	tests := []struct {
		q      string
		digits string
		prefix bool
		ok     bool
	}{
		{"5574959143577", "5574959143577", false, true},
		{"+55 (74) 95914-3577", "5574959143577", false, true},
		{"74959143577", "74959143577", false, true},
		{"(74) 95914-3577", "74959143577", false, true},
		{"0xx74 95914 3577", "74959143577", false, true},
		{"074959143577", "74959143577", false, true},
		{"95914-3577", "959143577", false, true},
		{" 3577 ", "3577", false, true},
		{"357", "357", false, true},
		{"5511", "5511", true, true},
		{"+55 21", "5521", true, true},
		{"+55 (19) 99771", "551999771", true, true},
		{"551299771234", "551299771234", false, true},
		{"(55) 99123-4567", "55991234567", false, true}, // DDD 55 (RS), not the country code
		{"55 3222-1234", "5532221234", false, true},
		{"Maria", "", false, false},
		{"55 11 9a", "", false, false},
		{"000", "", false, false},
		{"", "", false, false},
	}
	for _, tt := range tests {
		got, ok := ParseNumberSearch(tt.q)
		if got.Digits != tt.digits || got.AreaPrefix != tt.prefix || ok != tt.ok {
			t.Errorf("ParseNumberSearch(%q) got %+v, %v; want digits %q prefix %v, %v", tt.q, got, ok, tt.digits, tt.prefix, tt.ok)
		}
	}
}
