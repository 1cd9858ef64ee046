package schedule

import (
	"errors"
	"testing"
)

func TestDisplayZone(t *testing.T) {
	tests := []struct {
		org, personal, want string
	}{
		{"", "", DefaultZone},
		{"America/Manaus", "", "America/Manaus"},
		{"America/Manaus", "Europe/Lisbon", "Europe/Lisbon"},
		{"America/Manaus", "Mars/Olympus", "America/Manaus"},
		{"Nowhere/Else", "Local", DefaultZone},
	}
	for _, tt := range tests {
		name, loc := DisplayZone(tt.org, tt.personal)
		if name != tt.want || loc == nil || loc.String() != tt.want {
			t.Errorf("DisplayZone(%q, %q) got %q (%v), want %q", tt.org, tt.personal, name, loc, tt.want)
		}
	}
}

func TestCheckDisplayZone(t *testing.T) {
	for _, ok := range []string{"", "America/Sao_Paulo", "Asia/Kolkata", "UTC"} {
		if err := CheckDisplayZone(ok); err != nil {
			t.Errorf("CheckDisplayZone(%q) got %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"Local", "Mars/Olympus", "../../etc/passwd", string(make([]byte, 100))} {
		if err := CheckDisplayZone(bad); !errors.Is(err, ErrUnknownZone) {
			t.Errorf("CheckDisplayZone(%q) got %v, want ErrUnknownZone", bad, err)
		}
	}
}
