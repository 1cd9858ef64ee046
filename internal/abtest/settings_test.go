package abtest

import (
	"fmt"
	"testing"
	"time"
)

func TestCheckNamesTheField(t *testing.T) {
	cols := []string{"nome"}
	tests := []struct {
		name   string
		f      Form
		fields string
		want   Settings
	}{
		{"defaults", Form{Others: []string{"Oi B"}, Criterion: "delivery", WaitHours: "4"}, "[]",
			Settings{Others: []string{"Oi B"}, Share: 20, Criterion: "delivery", Wait: 4 * time.Hour}},
		{"by hand ignores the wait", Form{Others: []string{"B", "C"}, Share: "35%", Criterion: "reply", WaitHours: "x", Manual: true}, "[]",
			Settings{Others: []string{"B", "C"}, Share: 35, Criterion: "reply", Manual: true}},
		{"trailing empty variants dropped", Form{Others: []string{"B", "", " "}, Criterion: "delivery", WaitHours: "1"}, "[]",
			Settings{Others: []string{"B"}, Share: 20, Criterion: "delivery", Wait: time.Hour}},
		{"no variant", Form{Others: []string{"", ""}, Criterion: "delivery", WaitHours: "4"}, "[variant_b]", Settings{}},
		{"gap before C", Form{Others: []string{"", "C"}, Criterion: "delivery", WaitHours: "4"}, "[variant_b]", Settings{}},
		{"unknown placeholder in D", Form{Others: []string{"B", "C", "Oi {{cupom}}"}, Criterion: "delivery", WaitHours: "4"}, "[variant_d]", Settings{}},
		{"share low", Form{Others: []string{"B"}, Share: "4", Criterion: "delivery", WaitHours: "4"}, "[share]", Settings{}},
		{"share high", Form{Others: []string{"B"}, Share: "51", Criterion: "delivery", WaitHours: "4"}, "[share]", Settings{}},
		{"click without tracking", Form{Others: []string{"B"}, Criterion: "click", WaitHours: "4"}, "[criterion]", Settings{}},
		{"click with tracking", Form{Others: []string{"B"}, Criterion: "click", WaitHours: "72", Tracking: true}, "[]",
			Settings{Others: []string{"B"}, Share: 20, Criterion: "click", Wait: 72 * time.Hour}},
		{"wait too long", Form{Others: []string{"B"}, Criterion: "delivery", WaitHours: "73"}, "[wait]", Settings{}},
		{"wait zero", Form{Others: []string{"B"}, Criterion: "delivery", WaitHours: "0"}, "[wait]", Settings{}},
		{"several at once", Form{Others: []string{"B"}, Share: "x", Criterion: "?", WaitHours: ""}, "[share criterion wait]", Settings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ps := Check(tt.f, cols, true)
			var fields []string
			for _, p := range ps {
				fields = append(fields, p.Field)
			}
			if fmt.Sprint(fields) != tt.fields && !(len(fields) == 0 && tt.fields == "[]") {
				t.Fatalf("problems on %v, want %s (%+v)", fields, tt.fields, ps)
			}
			if len(ps) == 0 && fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("settings %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSettingsTextAndEncode(t *testing.T) {
	s := Settings{Others: []string{"B", "C"}, Share: 20, Criterion: "reply", Wait: time.Hour}
	if got := []string{s.Text("A", 1), s.Text("A", 2), s.Text("A", 3), s.Text("A", 4)}; fmt.Sprint(got) != "[A B C A]" {
		t.Errorf("texts %v, want [A B C A] (an unknown variant falls back to A)", got)
	}
	back, err := Parse(s.Encode())
	if err != nil || fmt.Sprint(back) != fmt.Sprint(s) {
		t.Errorf("round trip %+v %v, want %+v", back, err, s)
	}
	if (Settings{}).Encode() != "" {
		t.Errorf("no test encodes as %q, want empty", (Settings{}).Encode())
	}
	if Name(1) != "A" || Name(4) != "D" || Name(5) != "?" {
		t.Errorf("names %s %s %s", Name(1), Name(4), Name(5))
	}
}
