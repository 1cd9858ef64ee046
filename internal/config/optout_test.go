package config

import (
	"slices"
	"testing"
)

func TestOptOutKeywords(t *testing.T) {
	tests := []struct {
		name  string
		saved map[string]string
		want  []string
	}{
		{"nothing saved", nil, DefaultOptOutKeywords()},
		{"blank", map[string]string{SettingOptOutKeywords: " , ;\n"}, DefaultOptOutKeywords()},
		{"list", map[string]string{SettingOptOutKeywords: "SAIR, pare;STOP\nsair\r\n Não quero "}, []string{"SAIR", "pare", "STOP", "Não quero"}},
	}
	for _, tt := range tests {
		if got := OptOutKeywords(tt.saved); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	d := DefaultOptOutKeywords()
	d[0] = "changed"
	if DefaultOptOutKeywords()[0] != "SAIR" {
		t.Errorf("got defaults changed by a caller")
	}
}
