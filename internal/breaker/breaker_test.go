package breaker

import (
	"slices"
	"testing"
)

func TestIsComplaint(t *testing.T) {
	phrases := DefaultPhrases()
	tests := []struct {
		text string
		want bool
	}{
		{"Vou denunciar!", true},
		{"VOU DENUNCIAR ISSO", true},
		{"quem te deu meu numero??", true},
		{"Quem te deu meu número, hein", true},
		{"vou no PROCON", true},
		{"procon.", true},
		{"proconsul", false},
		{"quem te deu o meu número", false}, // a different phrase
		{"Quero saber mais", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsComplaint(tt.text, phrases); got != tt.want {
			t.Errorf("IsComplaint(%q) got %v, want %v", tt.text, got, tt.want)
		}
	}
	if IsComplaint("Vou denunciar", nil) {
		t.Error("with no phrases got a complaint, want none")
	}
}

func TestJudgeNamesTheGravestSignalAtItsLimit(t *testing.T) {
	s := Settings{Enabled: true, Window: 500, Limits: map[Signal]int{Complaints: 2, OptOuts: 10, Blocked: 0}}
	tests := []struct {
		name   string
		counts map[Signal]int
		want   Trip
		trip   bool
	}{
		{"nothing", map[Signal]int{}, Trip{}, false},
		{"below every limit", map[Signal]int{Complaints: 1, OptOuts: 9}, Trip{}, false},
		{"opt-outs reach theirs", map[Signal]int{Complaints: 1, OptOuts: 10}, Trip{OptOuts, 10, 10, 500}, true},
		{"complaints first when both", map[Signal]int{Complaints: 3, OptOuts: 12}, Trip{Complaints, 3, 2, 500}, true},
		{"a limit of 0 is not watched", map[Signal]int{Blocked: 400}, Trip{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Judge(s, Facts{Counts: tt.counts})
			if ok != tt.trip || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.trip)
			}
		})
	}
	off := s
	off.Enabled = false
	if _, ok := Judge(off, Facts{Counts: map[Signal]int{Complaints: 50}}); ok {
		t.Error("a disabled breaker tripped")
	}
}

func TestReasonRoundTrip(t *testing.T) {
	for _, tr := range []Trip{{OptOuts, 6, 5, 500}, {Blocked, 25, 25, 100000}, {Complaints, 1, 1, 1}} {
		got, ok := ParseReason(Reason(tr))
		if !ok || got != tr {
			t.Errorf("ParseReason(Reason(%+v)) got %+v %v", tr, got, ok)
		}
	}
	for _, other := range []string{"", "account limit: 201 NO_CREDIT", "circuit breaker: fire 1 of 2 in the first 3"} {
		if _, ok := ParseReason(other); ok {
			t.Errorf("ParseReason(%q) read a trip, want none", other)
		}
	}
}

func TestLoadAndSaved(t *testing.T) {
	d := Load(nil)
	if !d.Enabled || d.Window != DefaultWindow || d.Limits[OptOuts] != DefaultOptOuts || !slices.Equal(d.Phrases, DefaultPhrases()) {
		t.Errorf("defaults got %+v", d)
	}
	s := Settings{Enabled: false, Window: 200, Limits: map[Signal]int{Complaints: 1, OptOuts: 0, Blocked: 7}, Phrases: []string{"Procon", "vou processar"}}
	got := Load(s.Saved())
	if got.Enabled || got.Window != 200 || got.Limits[Complaints] != 1 || got.Limits[OptOuts] != 0 || got.Limits[Blocked] != 7 ||
		!slices.Equal(got.Phrases, s.Phrases) {
		t.Errorf("Load(Saved()) got %+v, want %+v", got, s)
	}
	bad := Load(map[string]string{SettingWindow: "0", SettingOptOuts: "-3"})
	if bad.Window != DefaultWindow || bad.Limits[OptOuts] != DefaultOptOuts {
		t.Errorf("unreadable values got %+v, want the defaults", bad)
	}
}

func TestParsePhrasesAndCounts(t *testing.T) {
	got := ParsePhrases("Procon\n  vou   denunciar ;PROCON, procón\n\n,")
	if want := []string{"Procon", "vou denunciar"}; !slices.Equal(got, want) {
		t.Errorf("ParsePhrases got %q, want %q", got, want)
	}
	for _, tt := range []struct {
		in   string
		want int
		bad  bool
	}{{"500", 500, false}, {" 1.000 ", 1000, false}, {"0", 0, true}, {"abc", 0, true}, {"100001", 0, true}} {
		n, p := ParseCount(tt.in, 1, MaxWindow)
		if n != tt.want || (p != "") != tt.bad {
			t.Errorf("ParseCount(%q) got %d %q, want %d bad=%v", tt.in, n, p, tt.want, tt.bad)
		}
	}
}
