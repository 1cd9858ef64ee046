package delivery

import "testing"

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
