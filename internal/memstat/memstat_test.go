package memstat

import "testing"

func TestPeakRSSOfThisProcess(t *testing.T) {
	if got := PeakRSSMB(0); got <= 0 || got > 100000 {
		t.Errorf("PeakRSSMB(0) got %v, want a plausible positive figure", got)
	}
	if cur, peak := RSSMB(0), PeakRSSMB(0); cur <= 0 || cur > peak {
		t.Errorf("RSSMB(0) got %v with peak %v, want a positive figure not above the peak", cur, peak)
	}
	if got := PeakRSSMB(1 << 30); got != 0 {
		t.Errorf("PeakRSSMB(no such pid) got %v, want 0", got)
	}
}
