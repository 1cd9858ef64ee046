package delivery

import (
	"testing"
	"time"
)

func TestStatusOutcome(t *testing.T) {
	at := t0
	tests := []struct {
		m    Status
		want string
	}{
		{Status{State: "queued"}, "queued"},
		{Status{State: "accepted"}, "accepted"},
		{Status{State: "accepted", UnknownAt: at}, "unknown-no-receipt"},
		{Status{State: "accepted", SentCode: 2, Carrier: "VIVO"}, "sent"},
		{Status{State: "accepted", SentCode: 2, Carrier: "OI"}, "sent-no-receipt"},
		{Status{State: "accepted", SentCode: 202}, "failed"},
		{Status{State: "accepted", SentCode: 101}, "expired"},
		{Status{State: "accepted", SentCode: 2, DeliveredCode: 104}, "not-delivered"},
		{Status{State: "accepted", SentCode: 2, DeliveredCode: 101}, "expired"},
		{Status{State: "accepted", SentCode: 2, DeliveredCode: 4}, "delivered"},
		{Status{State: "accepted", SentCode: 2, DeliveredCode: 4, ReadAt: at}, "read"},
		{Status{State: "submitting", SentCode: 2, DeliveredCode: 4}, "delivered"},
	}
	for _, tt := range tests {
		if got := tt.m.Outcome(); got != tt.want {
			t.Errorf("Outcome(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
}

// TestStatusTimesShown: a refused message shows no "delivered to the
// carrier" time, a not-delivered one no "delivered" time, though both
// statuses have a time.
func TestStatusTimesShown(t *testing.T) {
	sent, deliv := t0, t0.Add(time.Minute)
	tests := []struct {
		name             string
		m                Status
		carrier, handset time.Time
	}{
		{"delivered", Status{SentCode: 2, SentAt: sent, DeliveredCode: 4, DeliveredAt: deliv}, sent, deliv},
		{"refused: invalid number (202)", Status{SentCode: 202, SentAt: sent}, time.Time{}, time.Time{}},
		{"refused: blacklisted (203)", Status{SentCode: 203, SentAt: sent}, time.Time{}, time.Time{}},
		{"not delivered (104)", Status{SentCode: 2, SentAt: sent, DeliveredCode: 104, DeliveredAt: deliv}, sent, time.Time{}},
		{"no status yet", Status{}, time.Time{}, time.Time{}},
	}
	for _, tt := range tests {
		if got := tt.m.CarrierAt(); !got.Equal(tt.carrier) {
			t.Errorf("%s: carrier time %v, want %v", tt.name, got, tt.carrier)
		}
		if got := tt.m.HandsetAt(); !got.Equal(tt.handset) {
			t.Errorf("%s: handset time %v, want %v", tt.name, got, tt.handset)
		}
	}
}
