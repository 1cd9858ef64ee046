package sandbox

import (
	"fmt"
	"testing"
)

// TestWhatsAppUnreachable checks the share of numbers without WhatsApp:
// about the rate asked for, and 202 on every send to one of them.
func TestWhatsAppUnreachable(t *testing.T) {
	s := New(Options{WhatsAppUnreachable: 0.3, DelayScale: 0})
	defer s.Close()
	const n = 10000
	off := 0
	for i := range n {
		dest := fmt.Sprintf("55219%08d", i)
		wa := s.planWhatsApp(dest, true, false, fmt.Sprint("c-", i))
		again := s.planWhatsApp(dest, true, false, fmt.Sprint("other-", i))
		if s.notOnWhatsApp(dest) {
			off++
			if wa.sentCode != codeInvalidDestination || again.sentCode != codeInvalidDestination {
				t.Fatalf("%s without WhatsApp got sent codes %d and %d, want 202 on every send", dest, wa.sentCode, again.sentCode)
			}
		}
	}
	if off < n*27/100 || off > n*33/100 {
		t.Errorf("%d of %d numbers without WhatsApp, want about 30%%", off, n)
	}
	plain := New(Options{DelayScale: 0})
	defer plain.Close()
	if plain.notOnWhatsApp("5511900000001") {
		t.Errorf("without the option a number is unreachable, want none")
	}
}
