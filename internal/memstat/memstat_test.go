package memstat

import "testing"

func TestPeakRSSOfThisProcess(t *testing.T) {
	if got := PeakRSSMB(0); got <= 0 || got > 100000 {
		t.Errorf("PeakRSSMB(0) got %v, want a plausible positive figure", got)
	}
	if got := PeakRSSMB(1 << 30); got != 0 {
		t.Errorf("PeakRSSMB(no such pid) got %v, want 0", got)
	}
}
