package report

import (
	"testing"

	"arauto/internal/billing"
)

func TestSummarize(t *testing.T) {
	// The six recipients: four delivered, one sent to Oi, one
	// refused by the carrier; plus, in the second case, refusals here.
	six := map[string]int64{
		StateAccepted: 6, KeyStatus: 6, KeySent: 5, KeyDelivered: 4, KeyNoReceipt: 1, KeyFailed: 1, CodeKey(103): 1, KeyBilled: 10,
	}
	tests := []struct {
		name   string
		counts map[string]int64
		check  func(t *testing.T, f Figures)
	}{
		{"one denominator per percentage", six, func(t *testing.T, f Figures) {
			if f.Recipients != 6 || f.Submitted != 6 || f.Sent != 5 || f.Delivered != 4 || f.Failed != 1 || f.BilledSegments != 10 {
				t.Errorf("got %+v", f)
			}
			if s := f.DeliveredShare(); s.N != 4 || s.Of != 6 || s.Base != OfSubmitted || s.Pct() != 66.7 {
				t.Errorf("delivered share got %+v (%v%%), want 4 of 6 submitted, 66.7%%", s, s.Pct())
			}
			if s := f.FailedShare(); s.Of != 6 || s.Base != OfRecipients || s.Pct() != 16.7 {
				t.Errorf("failed share got %+v, want 1 of 6 recipients", s)
			}
			if len(f.Reasons) != 1 || f.Reasons[0].Code != 103 || f.Reasons[0].Failure.Name != "REJECTED_BY_CARRIER" {
				t.Errorf("reasons got %+v, want the carrier's 103", f.Reasons)
			}
		}},
		{"refusals here are failures, with their reasons", map[string]int64{
			StateAccepted: 3, StateFailed: 4, StateSuppressed: 2, StateExpired: 1, KeySent: 3, KeyStatus: 3,
			RefusedKey("too_long"): 2, RefusedKey("no_session"): 1, // one refused before they were counted by kind
		}, func(t *testing.T, f Figures) {
			if f.Recipients != 10 || f.Failed != 4 || f.Refused != 4 || f.Suppressed != 2 || f.Expired != 1 {
				t.Errorf("got %+v", f)
			}
			got := map[string]int64{}
			for _, r := range f.Reasons {
				got[r.Kind] = r.Share.N
				if r.Share.Of != 10 || r.Share.Base != OfRecipients {
					t.Errorf("reason %s share got %+v, want over the 10 recipients", r.Kind, r.Share)
				}
			}
			want := map[string]int64{"too_long": 2, "no_session": 1, "other": 1, ReasonSuppressed: 2, ReasonExpiredUnsent: 1}
			if len(got) != len(want) {
				t.Errorf("reasons got %v, want %v", got, want)
			}
			for k, n := range want {
				if got[k] != n {
					t.Errorf("reason %s got %d, want %d", k, got[k], n)
				}
			}
			if f.Reasons[0].Kind != "too_long" && f.Reasons[0].Kind != ReasonSuppressed {
				t.Errorf("reasons are not most frequent first: %+v", f.Reasons)
			}
		}},
		{"nothing yet", map[string]int64{}, func(t *testing.T, f Figures) {
			if f.DeliveredShare().Pct() != 0 || f.FailedShare().Pct() != 0 || len(f.Reasons) != 0 {
				t.Errorf("empty figures got %+v", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.check(t, Summarize(tt.counts, 11)) })
	}
}

func TestFiguresAddAndCost(t *testing.T) {
	a := Summarize(map[string]int64{StateAccepted: 6, KeyDelivered: 4, KeyBilled: 10}, 11)
	b := Summarize(map[string]int64{StateAccepted: 4, KeyDelivered: 4, KeyBilled: 4, StateFailed: 1}, 4)
	sum := a.Add(b)
	if s := sum.DeliveredShare(); s.N != 8 || s.Of != 10 {
		t.Errorf("summed delivered share got %+v, want 8 of 10 (not an average of rates)", s)
	}
	if sum.BilledSegments != 14 || sum.EstimatedSegments != 15 || sum.Failed != 1 {
		t.Errorf("sum got %+v", sum)
	}
	bill := billing.Settings{SMSPrice: 450, WhatsAppPrice: 3500}
	if m, ok := a.Cost(bill, "sms"); !ok || m != 4500 {
		t.Errorf("SMS cost got %d %v, want 10 × R$ 0,045", m, ok)
	}
	if m, ok := a.Cost(bill, "whatsapp"); !ok || m != 35000 {
		t.Errorf("WhatsApp cost got %d %v, want 10 × R$ 0,35", m, ok)
	}
	if _, ok := a.Cost(billing.Settings{}, "sms"); ok {
		t.Errorf("a cost without a price")
	}
}

func TestBilled(t *testing.T) {
	tests := []struct {
		sentOK              bool
		carrier             string
		segments, sercomtel int
		want                int64
	}{
		{true, "VIVO", 2, 3, 2},
		{true, " sercomtel ", 2, 3, 3},
		{true, "SERCOMTEL", 2, 0, 2}, // accepted before Sercomtel parts were recorded
		{true, "TIM", 0, 0, 1},       // WhatsApp, or segments not recorded
		{false, "VIVO", 2, 3, 0},
	}
	for _, tt := range tests {
		if got := Billed(tt.sentOK, tt.carrier, tt.segments, tt.sercomtel); got != tt.want {
			t.Errorf("Billed(%v, %q, %d, %d) got %d, want %d", tt.sentOK, tt.carrier, tt.segments, tt.sercomtel, got, tt.want)
		}
	}
}

func TestTotalCostAddsTheFallbackSMS(t *testing.T) {
	bill := billing.Settings{SMSPrice: 450, WhatsAppPrice: 3000}
	f := Summarize(map[string]int64{"accepted": 10, KeyBilled: 10, KeyFallbacks: 4, FallbackPrefix + "accepted": 4, FallbackPrefix + KeyBilled: 6}, 0)
	own, _ := f.Cost(bill, "whatsapp")
	total, ok := f.TotalCost(bill, "whatsapp")
	if !ok || total != own+6*450 {
		t.Errorf("total cost %d (ok %v), want the WhatsApp's %d plus 6 SMS segments at 450", total, ok, own)
	}
	if noFallback, _ := (Figures{BilledSegments: 3}).TotalCost(bill, "sms"); noFallback != 3*450 {
		t.Errorf("an SMS campaign's total %d, want 3 segments at 450", noFallback)
	}
}
