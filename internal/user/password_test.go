package user

import (
	"strings"
	"testing"
)

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		pw   string
		want string
	}{
		{strings.Repeat(" ", 10), ProblemPasswordBlank},
		{"\t\t\t\t\t\t\t\t\t\t\t", ProblemPasswordBlank},
		{"", ProblemPasswordBlank},
		{"curta", ProblemPasswordShort},
		{"1234567890", ProblemPasswordCommon},
		{"Senha12345", ProblemPasswordCommon},
		{"  qwertyuiop  ", ProblemPasswordCommon},
		{"FLAMENGO123", ProblemPasswordCommon},
		{"aaaaaaaaaaaa", ProblemPasswordCommon},
		{"ababababab", ProblemPasswordCommon},
		{"a b a b a b", ProblemPasswordCommon},
		{"uma senha bem longa", ""},
		{"senha-forte-123", ""},
		{"Tr3s palavras soltas", ""},
	}
	for _, tt := range tests {
		if got := CheckPassword(tt.pw); got != tt.want {
			t.Errorf("CheckPassword(%q) got %q, want %q", tt.pw, got, tt.want)
		}
	}
	if len(commonPasswords) < 100 {
		t.Errorf("got %d common passwords, want the embedded list", len(commonPasswords))
	}
	for pw := range commonPasswords {
		if len([]rune(pw)) < MinPasswordLen {
			t.Errorf("common password %q is shorter than the minimum; the length rule already refuses it", pw)
		}
	}
}
