package smpp

import (
	"testing"
	"time"
)

func TestParseReceipt(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		in   string
		want Receipt
		err  bool
	}{
		{"appendix B form", "id:0123456789 sub:001 dlvrd:001 submit date:2401311030 done date:2401311031 stat:DELIVRD err:000 text:Ola",
			Receipt{ID: "0123456789", Sub: 1, Dlvrd: 1, SubmitDate: at("2024-01-31 10:30:00"), DoneDate: at("2024-01-31 10:31:00"),
				Stat: "DELIVRD", Err: "000", Text: "Ola"}, false},
		{"seconds and a UUID", "id:5f0e1c2a-0d4e-4c1b-9e55-1f2a3b4c5d6e sub:001 dlvrd:000 submit date:240131103005 done date:240131103107 stat:ACCEPTD err:000 text:",
			Receipt{ID: "5f0e1c2a-0d4e-4c1b-9e55-1f2a3b4c5d6e", Sub: 1, SubmitDate: at("2024-01-31 10:30:05"), DoneDate: at("2024-01-31 10:31:07"),
				Stat: "ACCEPTD", Err: "000"}, false},
		{"capital Text and lower stat", "id:x sub:001 dlvrd:000 submit date:2401311030 done date:2401311030 stat:undeliv err:104 Text:Promo de hoje",
			Receipt{ID: "x", Sub: 1, SubmitDate: at("2024-01-31 10:30:00"), DoneDate: at("2024-01-31 10:30:00"), Stat: "UNDELIV", Err: "104", Text: "Promo de hoje"}, false},
		{"only id and stat", "id:y stat:REJECTD err:202", Receipt{ID: "y", Stat: "REJECTD", Err: "202"}, false},
		{"text mentioning a key", "id:z stat:DELIVRD err:000 text:stat:fake id:fake", Receipt{ID: "z", Stat: "DELIVRD", Err: "000", Text: "stat:fake id:fake"}, false},
		{"zero dates", "id:z submit date:0000000000 done date:0000000000 stat:EXPIRED err:101", Receipt{ID: "z", Stat: "EXPIRED", Err: "101"}, false},
		{"no id", "sub:001 stat:DELIVRD", Receipt{}, true},
		{"no stat", "id:1 err:000", Receipt{}, true},
		{"bad date", "id:1 stat:DELIVRD done date:24013", Receipt{}, true},
		{"bad sub", "id:1 sub:x stat:DELIVRD", Receipt{}, true},
		{"not a receipt", "SAIR", Receipt{}, true},
	}
	for _, tc := range tests {
		got, err := ParseReceipt(tc.in)
		if (err != nil) != tc.err {
			t.Errorf("%s: error got %v, want error %v", tc.name, err, tc.err)
			continue
		}
		if !tc.err && got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestReceiptStringRoundTrips(t *testing.T) {
	r := Receipt{ID: "5f0e1c2a-0d4e-4c1b-9e55-1f2a3b4c5d6e", Sub: 1, Dlvrd: 1,
		SubmitDate: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC), DoneDate: time.Date(2026, 3, 4, 5, 8, 9, 0, time.UTC),
		Stat: StatDelivered, Err: "000", Text: "Olá, temos ofertas para você hoje"}
	s := r.String()
	want := "id:5f0e1c2a-0d4e-4c1b-9e55-1f2a3b4c5d6e sub:001 dlvrd:001 submit date:260304050607 done date:260304050809 stat:DELIVRD err:000 text:Olá, temos ofertas p"
	if s != want {
		t.Fatalf("String got %q, want %q", s, want)
	}
	got, err := ParseReceipt(s)
	if err != nil {
		t.Fatal(err)
	}
	r.Text = "Olá, temos ofertas p"
	if got != r {
		t.Errorf("round trip got %+v, want %+v", got, r)
	}
	if StateOf(StatDelivered) != StateDelivered || StateOf(StatRejected) != StateRejected || StateOf("???") != StateUnknown {
		t.Errorf("StateOf disagrees with SMPP 3.4 §5.2.28")
	}
}

func TestTimes(t *testing.T) {
	now := time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC)
	if got := FormatAbsolute(time.Date(2026, 2, 1, 1, 2, 3, 400_000_000, time.FixedZone("BRT", -3*3600))); got != "260201040203400+" {
		t.Errorf("FormatAbsolute got %q, want UTC 260201040203400+", got)
	}
	rel, err := FormatRelative(24 * time.Hour)
	if err != nil || rel != "000001000000000R" {
		t.Errorf("FormatRelative(24h) got %q %v, want 000001000000000R", rel, err)
	}
	if rel, _ := FormatRelative(26*time.Hour + 3*time.Minute + 4*time.Second + 900*time.Millisecond); rel != "000001020304000R" {
		t.Errorf("FormatRelative got %q", rel)
	}
	for _, d := range []time.Duration{0, 500 * time.Millisecond, MaxRelative + time.Second} {
		if _, err := FormatRelative(d); err == nil {
			t.Errorf("FormatRelative(%s) got no error", d)
		}
	}
	tests := []struct {
		in   string
		want time.Time
		err  bool
	}{
		{"", time.Time{}, false},
		{"000001000000000R", now.Add(24 * time.Hour), false},
		{"000000013000000R", now.Add(90 * time.Minute), false},
		{"260201040203400+", time.Date(2026, 2, 1, 4, 2, 3, 400_000_000, time.UTC), false},
		{"260201010203012-", time.Date(2026, 2, 1, 4, 2, 3, 0, time.UTC), false}, // 12 quarters behind UTC
		{"260201040203000+x", time.Time{}, true},
		{"261301040203000+", time.Time{}, true},
		{"2602010402030004", time.Time{}, true},
		{"26020104020300a+", time.Time{}, true},
	}
	for _, tc := range tests {
		got, err := ParseTime(tc.in, now)
		if (err != nil) != tc.err || !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) got %v %v, want %v error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
