package billing

import (
	"testing"

	"arauto/internal/sms"
)

func TestParsePrice(t *testing.T) {
	tests := []struct {
		in      string
		want    Money
		problem string
	}{
		{"", 0, ""},
		{"0,045", 450, ""},
		{"0.045", 450, ""},
		{"R$ 0,05", 500, ""},
		{"r$0,5", 5000, ""},
		{"1.234,56", 0, "billing.problem.too_high"},
		{"12,5", 125000, ""},
		{"1,234.5", 0, "billing.problem.too_high"},
		{"3", 30000, ""},
		{",5", 5000, ""},
		{"0,00001", 0, "billing.problem.too_precise"},
		{"-1", 0, "billing.problem.negative"},
		{"abc", 0, "billing.problem.not_a_price"},
		{"1,2,3", 0, "billing.problem.not_a_price"},
		{"1.2.3", 0, "billing.problem.not_a_price"},
		{",", 0, "billing.problem.not_a_price"},
		{"100", 1000000, ""},
		{"100,01", 0, "billing.problem.too_high"},
	}
	for _, tt := range tests {
		got, problem := ParsePrice(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("ParsePrice(%q) got %d %q, want %d %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
}

func TestLoadAndSaved(t *testing.T) {
	if got := Load(nil); got != (Settings{Rule: sms.Wavy}) {
		t.Errorf("defaults got %+v, want the Wavy rule, no accents, no prices", got)
	}
	s := Settings{Rule: sms.GSM, Accents: true, SMSPrice: 450, WhatsAppPrice: 3500}
	if got := Load(s.Saved()); got != s {
		t.Errorf("round trip got %+v, want %+v", got, s)
	}
	bad := Load(map[string]string{SettingRule: "smpp", SettingSMSPrice: "-3", SettingWhatsAppPrice: "x"})
	if bad != (Settings{Rule: sms.Wavy}) {
		t.Errorf("unreadable values got %+v, want the defaults", bad)
	}
	if m, ok := s.SMSCost(11); !ok || m != 4950 || m.Cents() != 50 {
		t.Errorf("11 segments at R$ 0,045 got %d (%d cents) %v, want 4950 (50 cents)", m, m.Cents(), ok)
	}
	if _, ok := (Settings{}).WhatsAppCost(3); ok {
		t.Errorf("a cost without a price is not known")
	}
}
