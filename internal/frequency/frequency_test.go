package frequency

import (
	"fmt"
	"testing"
	"time"
)

func TestCheckNamesTheField(t *testing.T) {
	tests := []struct {
		max, days string
		want      string // "field:key ..." of the problems
		rule      Rule
	}{
		{"1", "1", "[]", Rule{"sms", 1, 1}},
		{" 3 ", "7", "[]", Rule{"sms", 3, 7}},
		{"0", "1", "[max:frequency.problem.max_positive]", Rule{Channel: "sms"}},
		{"1", "-2", "[days:frequency.problem.days_positive]", Rule{Channel: "sms"}},
		{"1", "0", "[days:frequency.problem.days_positive]", Rule{Channel: "sms"}},
		{"x", "", "[max:frequency.problem.max_number days:frequency.problem.days_number]", Rule{Channel: "sms"}},
		{"1001", "366", "[max:frequency.problem.max_too_big days:frequency.problem.days_too_big]", Rule{Channel: "sms"}},
	}
	for _, tt := range tests {
		r, ps := Check("sms", true, tt.max, tt.days)
		var got []string
		for _, p := range ps {
			got = append(got, p.Field+":"+p.Key)
		}
		if fmt.Sprint(got) != tt.want || r != tt.rule {
			t.Errorf("Check(%q, %q) got %v %+v, want %s %+v", tt.max, tt.days, got, r, tt.want, tt.rule)
		}
	}
	if r, ps := Check("sms", false, "0", "-1"); len(ps) != 0 || r.Active() {
		t.Errorf("a rule switched off got %+v %v, want inactive without problems", r, ps)
	}
}

func TestStoredForms(t *testing.T) {
	r := Rule{"whatsapp", 2, 7}
	saved := map[string]string{SettingKey("whatsapp"): r.Format(), SettingKey("sms"): "0/1"}
	if got := Parse(saved, "whatsapp"); got != r {
		t.Errorf("Parse got %+v, want %+v", got, r)
	}
	if got := Parse(saved, "sms"); got.Active() {
		t.Errorf("a damaged setting got %+v, want no cap", got)
	}
	if got, ok := ParseReason(r.Reason()); !ok || got != r {
		t.Errorf("ParseReason(%q) got %+v %v, want %+v", r.Reason(), got, ok, r)
	}
	if _, ok := ParseReason("message: unknown placeholder"); ok {
		t.Errorf("ParseReason accepted an unrelated error")
	}
}

func TestCappedAndSince(t *testing.T) {
	r := Rule{"sms", 2, 1}
	now := time.Date(2026, 5, 12, 15, 0, 0, 0, time.UTC)
	if got := r.Since(now); !got.Equal(now.Add(-24 * time.Hour)) {
		t.Errorf("Since got %s, want a day before", got)
	}
	for sent, want := range map[int]bool{0: false, 1: false, 2: true, 3: true} {
		if got := r.Capped(sent); got != want {
			t.Errorf("Capped(%d) got %v, want %v", sent, got, want)
		}
	}
	if (Rule{}).Capped(100) {
		t.Errorf("no rule capped a number")
	}
}
