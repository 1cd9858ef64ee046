package segment

import (
	"fmt"
	"testing"
)

func TestCheckSaysWhatIsWrong(t *testing.T) {
	known := Known{Fields: []string{"cidade", "nome"}, Lists: map[int64]string{3: "Clientes"}}
	tests := []struct {
		name string
		f    Filter
		want string // "rule/input/key" of each problem
	}{
		{"fine", Filter{Match: All, Rules: []Rule{
			{Kind: KindAttr, Field: "cidade", Op: Equals, Values: []string{"Campinas"}},
			{Kind: KindDDD, Values: []string{"11", " 19 "}},
			{Kind: KindState, Values: []string{"sp"}},
			{Kind: KindList, Values: []string{"3"}},
			{Kind: KindDelivered, Days: 30},
			{Kind: KindOptedOut, Not: true},
		}}, "[]"},
		{"no rules selects everyone", Filter{Match: Any}, "[]"},
		{"field no contact has", Filter{Match: All, Rules: []Rule{{Kind: KindAttr, Field: "plano", Op: Equals, Values: []string{"ouro"}}}},
			"[0/field/segments.problem.field_unknown]"},
		{"empty value", Filter{Match: All, Rules: []Rule{{Kind: KindAttr, Field: "nome", Op: Contains, Values: []string{"  "}}}},
			"[0/values/segments.problem.value_required]"},
		{"two values for equals", Filter{Match: All, Rules: []Rule{{Kind: KindAttr, Field: "nome", Op: Equals, Values: []string{"a", "b"}}}},
			"[0/values/segments.problem.one_value]"},
		{"unknown DDD", Filter{Match: All, Rules: []Rule{{Kind: KindDDD, Values: []string{"11", "20"}}}},
			"[0/values/segments.problem.ddd_unknown]"},
		{"unknown state", Filter{Match: All, Rules: []Rule{{Kind: KindState, Values: []string{"XX"}}}},
			"[0/values/segments.problem.state_unknown]"},
		{"deleted list", Filter{Match: All, Rules: []Rule{{Kind: KindList, Values: []string{"9"}}}},
			"[0/values/segments.problem.list_unknown]"},
		{"days", Filter{Match: All, Rules: []Rule{{Kind: KindReplied}, {Kind: KindClicked, Days: 99999}}},
			"[0/days/segments.problem.days_positive 1/days/segments.problem.days_too_big]"},
		{"bad match and kind", Filter{Match: "xor", Rules: []Rule{{Kind: "age"}}},
			"[-1/match/segments.problem.match 0/kind/segments.problem.kind]"},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range tt.f.Check(known) {
			got = append(got, fmt.Sprintf("%d/%s/%s", p.Rule, p.Input, p.Key))
		}
		if fmt.Sprint(got) != tt.want {
			t.Errorf("%s: got %v, want %s", tt.name, got, tt.want)
		}
	}
}

func TestRuleValues(t *testing.T) {
	if got := (Rule{Kind: KindState, Values: []string{"am", "AC"}}).DDDs(); fmt.Sprint(got) != "[68 92 97]" {
		t.Errorf("DDDs of AM and AC got %v, want [68 92 97]", got)
	}
	if got := (Rule{Kind: KindAttr, Values: []string{" São  Paulo ", ""}}).Folded(); fmt.Sprint(got) != "[sao paulo]" {
		t.Errorf("Folded got %q, want [sao paulo]", got)
	}
	if got := SplitValues("SP, RJ;\nMG,,"); fmt.Sprint(got) != "[SP RJ MG]" {
		t.Errorf("SplitValues got %q", got)
	}
}
