package dispatch

import (
	"context"
	"strings"
	"testing"

	"arauto/internal/sms"
)

// TestSMSCompilerSendsWhatWasCounted: the text on the wire and what it is
// billed follow the billing rule in force and the campaign's accent
// option, field values included, as the composer showed them.
func TestSMSCompilerSendsWhatWasCounted(t *testing.T) {
	long := strings.Repeat("a", 1300)
	tests := []struct {
		name     string
		rule     sms.Rule
		replace  bool
		fields   []string
		text     string
		segments int
		refused  string
	}{
		// "ã" is outside Wavy's table: the whole message bills per 70.
		{"accent in a field, Wavy table", sms.Wavy, false, []string{"Conceição"}, "Oi Conceição, " + strings.Repeat("x", 80), 2, ""},
		{"accents replaced at send time", sms.Wavy, true, []string{"Conceição"}, "Oi Conceicao, " + strings.Repeat("x", 80), 1, ""},
		// GSM 03.38 has no "ã" either, but the same text with "é" stays in
		// the 160 table under GSM and not under Wavy's.
		{"é under GSM", sms.GSM, false, []string{"José"}, "Oi José, " + strings.Repeat("x", 80), 1, ""},
		{"é under Wavy", sms.Wavy, false, []string{"José"}, "Oi José, " + strings.Repeat("x", 80), 2, ""},
		{"too long once personalised", sms.Wavy, false, []string{long}, "Oi " + long + ", " + strings.Repeat("x", 80), 0, TooLongReason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			compile := SMSCompiler(func(context.Context) (sms.Rule, error) { return tt.rule, nil })
			render, err := compile(context.Background(), Campaign{Message: "Oi {{nome}}, " + strings.Repeat("x", 80), Columns: []string{"nome"}, ReplaceAccents: tt.replace})
			if err != nil {
				t.Fatal(err)
			}
			got := render(Message{ID: 1, Fields: tt.fields})
			if got.Refused != tt.refused {
				t.Fatalf("refused got %q, want %q", got.Refused, tt.refused)
			}
			if tt.refused != "" {
				return
			}
			if got.Text != tt.text || got.Segments != tt.segments {
				t.Errorf("got %q billed %d, want %q billed %d", got.Text, got.Segments, tt.text, tt.segments)
			}
		})
	}
}
