package wavy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzWebhookPayloads feeds the four webhook parsers (the only bodies that
// arrive from outside unasked, at tens of thousands a second) anything at
// all, and checks what they promise: no panic; every accepted SMS or
// WhatsApp status names its message (id or correlationId) and every SMS
// reply its id or sender. (They accept the documentation's JSON fragments
// too, such as `"id": "0" }`, so an accepted body need not be strict JSON.)
func FuzzWebhookPayloads(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for _, name := range files {
		if !strings.Contains(name, "webhook") && !strings.Contains(name, "wa_") && !strings.Contains(name, "status") {
			continue
		}
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if st, err := ParseSMSStatus(b); err == nil {
			for _, s := range st {
				if s.ID == "" && s.CorrelationID == "" {
					t.Fatalf("ParseSMSStatus(%q) accepted %+v without id or correlationId", b, s)
				}
			}
		}
		if mo, err := ParseSMSMO(b); err == nil {
			for _, m := range mo {
				if m.ID == "" && m.Source == "" {
					t.Fatalf("ParseSMSMO(%q) accepted %+v without id or source", b, m)
				}
			}
		}
		if st, err := ParseWhatsAppStatus(b); err == nil {
			for _, s := range st {
				if s.ID == "" && s.CorrelationID == "" {
					t.Fatalf("ParseWhatsAppStatus(%q) accepted %+v without id or correlationId", b, s)
				}
			}
		}
		_, _ = ParseWhatsAppMO(b)
	})
}

// FuzzStatusFastPath checks that the fast reading of a flat status body
// gives exactly what the general parser gives, for any body it takes.
func FuzzStatusFastPath(f *testing.F) {
	for _, b := range statusFastBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := parseStatusFast(b)
		if !ok {
			return
		}
		general, err := parseSMSStatusGeneral(b)
		if err != nil || len(general) != 1 {
			t.Fatalf("fast path took %q as %+v; the general parser got %+v, %v", b, fast, general, err)
		}
		if general[0] != fast {
			t.Fatalf("fast path read %q as %+v, want %+v", b, fast, general[0])
		}
	})
}
