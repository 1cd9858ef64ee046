package schedule

import (
	"errors"
	"slices"
	"testing"
	"time"

	"arauto/internal/i18n"
)

var (
	weekdaysMonFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	apiExample     = Window{Hours: []int{11, 12, 18}}
	lateNight      = Window{Hours: []int{22, 23, 0, 1}}
)

func allHours() []int {
	hs := make([]int, 24)
	for i := range hs {
		hs[i] = i
	}
	return hs
}

func allHoursBut(skip int) []int {
	return slices.DeleteFunc(allHours(), func(h int) bool { return h == skip })
}

func TestWindowOpen(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	ny := mustLoc(t, "America/New_York")
	// 2026-06-15 is a Monday.
	tests := []struct {
		name string
		w    Window
		loc  *time.Location
		t    time.Time
		want bool
	}{
		{"zero window", Window{}, sp, utc(2026, 6, 15, 3, 0, 0), true},
		{"hour start", apiExample, sp, in(sp, 2026, 6, 15, 11, 0), true},
		{"last ns before", apiExample, sp, in(sp, 2026, 6, 15, 11, 0).Add(-time.Nanosecond), false},
		{"last ms of 12h", apiExample, sp, in(sp, 2026, 6, 15, 13, 0).Add(-time.Millisecond), true},
		{"13h", apiExample, sp, in(sp, 2026, 6, 15, 13, 0), false},
		{"18h30", apiExample, sp, in(sp, 2026, 6, 15, 18, 30), true},
		{"read in the zone, not UTC", apiExample, sp, utc(2026, 6, 15, 11, 30, 0), false},
		{"weekday allowed", Window{Weekdays: weekdaysMonFri}, sp, in(sp, 2026, 6, 15, 10, 0), true},
		{"saturday refused", Window{Weekdays: weekdaysMonFri}, sp, in(sp, 2026, 6, 20, 10, 0), false},
		{"weekday of the local date", Window{Weekdays: []time.Weekday{time.Sunday}}, sp, utc(2026, 6, 15, 2, 0, 0), true},
		{"after midnight", lateNight, sp, in(sp, 2026, 6, 16, 1, 59), true},
		{"nil loc is UTC", apiExample, nil, utc(2026, 6, 15, 11, 30, 0), true},
		{"invalid hour only", Window{Hours: []int{24}}, sp, in(sp, 2026, 6, 15, 0, 0), false},
		{"invalid weekday only", Window{Weekdays: []time.Weekday{7}}, sp, in(sp, 2026, 6, 15, 0, 0), false},
		{"invalid entries ignored", Window{Hours: []int{-1, 11, 99}}, sp, in(sp, 2026, 6, 15, 11, 0), true},
		// New York 2026-11-01: 01:00-01:59 happens twice, both open.
		{"ny repeated hour, first", Window{Hours: []int{1}}, ny, utc(2026, 11, 1, 5, 30, 0), true},
		{"ny repeated hour, second", Window{Hours: []int{1}}, ny, utc(2026, 11, 1, 6, 30, 0), true},
		{"ny after repeated hour", Window{Hours: []int{1}}, ny, utc(2026, 11, 1, 7, 0, 0), false},
		// Sao Paulo 2019-02-16 (Saturday) 23:00-23:59 happened twice.
		{"sp repeated saturday hour, first", Window{Hours: []int{23}, Weekdays: []time.Weekday{time.Saturday}}, sp, utc(2019, 2, 17, 1, 30, 0), true},
		{"sp repeated saturday hour, second", Window{Hours: []int{23}, Weekdays: []time.Weekday{time.Saturday}}, sp, utc(2019, 2, 17, 2, 30, 0), true},
	}
	for _, tt := range tests {
		if got := tt.w.Open(tt.t, tt.loc); got != tt.want {
			t.Errorf("%s: Open(%s) got %v, want %v", tt.name, fmtT(tt.t), got, tt.want)
		}
	}
}

func TestWindowNextOpen(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	ny := mustLoc(t, "America/New_York")
	lis := mustLoc(t, "Europe/Lisbon")
	lh := mustLoc(t, "Australia/Lord_Howe")
	ktm := mustLoc(t, "Asia/Kathmandu")
	tests := []struct {
		name   string
		w      Window
		loc    *time.Location
		t      time.Time
		want   time.Time
		wantOK bool
	}{
		{"zero window is open now", Window{}, sp, utc(2026, 6, 15, 3, 7, 9), utc(2026, 6, 15, 3, 7, 9), true},
		{"inside", apiExample, sp, in(sp, 2026, 6, 15, 11, 30), in(sp, 2026, 6, 15, 11, 30), true},
		{"at opening xx:00:00", apiExample, sp, in(sp, 2026, 6, 15, 11, 0), in(sp, 2026, 6, 15, 11, 0), true},
		{"at xx:59:59.999 inside", apiExample, sp, in(sp, 2026, 6, 15, 13, 0).Add(-time.Millisecond), in(sp, 2026, 6, 15, 13, 0).Add(-time.Millisecond), true},
		{"at xx:59:59.999 before opening", apiExample, sp, in(sp, 2026, 6, 15, 11, 0).Add(-time.Millisecond), in(sp, 2026, 6, 15, 11, 0), true},
		{"at closing xx:00:00", apiExample, sp, in(sp, 2026, 6, 15, 13, 0), in(sp, 2026, 6, 15, 18, 0), true},
		{"outside, mid-hour", apiExample, sp, in(sp, 2026, 6, 15, 14, 27).Add(13 * time.Second), in(sp, 2026, 6, 15, 18, 0), true},
		{"after the last hour", apiExample, sp, in(sp, 2026, 6, 15, 19, 0), in(sp, 2026, 6, 16, 11, 0), true},
		{"friday night to monday", Window{Hours: []int{11}, Weekdays: weekdaysMonFri}, sp, in(sp, 2026, 6, 19, 19, 0), in(sp, 2026, 6, 22, 11, 0), true},
		{"weekend only from monday", Window{Weekdays: []time.Weekday{time.Saturday, time.Sunday}}, sp, in(sp, 2026, 6, 15, 9, 0), in(sp, 2026, 6, 20, 0, 0), true},
		{"spanning midnight, from 02:00", lateNight, sp, in(sp, 2026, 6, 15, 2, 0), in(sp, 2026, 6, 15, 22, 0), true},
		{"spanning midnight, inside after midnight", lateNight, sp, in(sp, 2026, 6, 16, 0, 30), in(sp, 2026, 6, 16, 0, 30), true},
		{"nil loc is UTC", apiExample, nil, utc(2026, 6, 15, 13, 0, 0), utc(2026, 6, 15, 18, 0, 0), true},
		{"never: no valid hour", Window{Hours: []int{24, -1}}, sp, utc(2026, 6, 15, 0, 0, 0), time.Time{}, false},
		{"never: no valid weekday", Window{Weekdays: []time.Weekday{7}}, sp, utc(2026, 6, 15, 0, 0, 0), time.Time{}, false},

		// Spring forward: New York 2026-03-08 skips 02:00-02:59.
		{"ny skipped hour moves a day", Window{Hours: []int{2}}, ny, utc(2026, 3, 8, 5, 30, 0), utc(2026, 3, 9, 6, 0, 0), true},
		{"ny hour after gap", Window{Hours: []int{3}}, ny, utc(2026, 3, 8, 5, 30, 0), utc(2026, 3, 8, 7, 0, 0), true},
		// Fall back: New York 2026-11-01 repeats 01:00-01:59.
		{"ny repeated hour, second pass", Window{Hours: []int{1}}, ny, utc(2026, 11, 1, 6, 30, 0), utc(2026, 11, 1, 6, 30, 0), true},
		{"ny hour after repeat", Window{Hours: []int{2}}, ny, utc(2026, 11, 1, 5, 30, 0), utc(2026, 11, 1, 7, 0, 0), true},
		// Brazil 2018-11-04: midnight skipped.
		{"sp skipped midnight hour", Window{Hours: []int{0}}, sp, utc(2018, 11, 3, 15, 0, 0), utc(2018, 11, 5, 2, 0, 0), true},
		{"sp sunday starts at 01:00", Window{Weekdays: []time.Weekday{time.Sunday}}, sp, utc(2018, 11, 3, 15, 0, 0), utc(2018, 11, 4, 3, 0, 0), true},
		{"sp weekday after abolition", Window{Weekdays: []time.Weekday{time.Sunday}}, sp, utc(2019, 11, 2, 15, 0, 0), utc(2019, 11, 3, 3, 0, 0), true},
		// Lisbon 2026-03-29 (Sunday) skips 01:00-01:59: the next Sunday 01:00.
		{"lisbon weekday hour skipped", Window{Hours: []int{1}, Weekdays: []time.Weekday{time.Sunday}}, lis, utc(2026, 3, 28, 12, 0, 0), utc(2026, 4, 5, 0, 0, 0), true},
		{"lisbon two weeks when skipped", Window{Hours: []int{1}, Weekdays: []time.Weekday{time.Sunday}}, lis, utc(2026, 3, 22, 2, 0, 0), utc(2026, 4, 5, 0, 0, 0), true},
		{"lisbon fall back sunday", Window{Hours: []int{1}, Weekdays: []time.Weekday{time.Sunday}}, lis, utc(2026, 10, 24, 12, 0, 0), utc(2026, 10, 25, 0, 0, 0), true},
		// Lord Howe 2026-10-04 jumps 02:00 -> 02:30: hour 2 lasts 30 minutes.
		{"lord howe half hour", Window{Hours: []int{2}}, lh, utc(2026, 10, 3, 15, 0, 0), utc(2026, 10, 3, 15, 30, 0), true},
		// Samoa skipped Friday 2011-12-30 whole: the next Friday is a fortnight away.
		{"apia skipped friday", Window{Weekdays: []time.Weekday{time.Friday}}, mustLoc(t, "Pacific/Apia"), utc(2011, 12, 24, 12, 0, 0), utc(2012, 1, 5, 10, 0, 0), true},
		// Kathmandu is UTC+5:45: hours start at xx:15 UTC.
		{"kathmandu quarter offset", Window{Hours: []int{9}}, ktm, utc(2026, 6, 15, 0, 0, 0), utc(2026, 6, 15, 3, 15, 0), true},
	}
	for _, tt := range tests {
		got, ok := tt.w.NextOpen(tt.t, tt.loc)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("%s: NextOpen(%s) got (%s, %v), want (%s, %v)", tt.name, fmtT(tt.t), fmtT(got), ok, fmtT(tt.want), tt.wantOK)
		}
		if ok && got.Location() != time.UTC {
			t.Errorf("%s: NextOpen location got %s, want UTC", tt.name, got.Location())
		}
	}
}

func TestWindowCloseAfter(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	ny := mustLoc(t, "America/New_York")
	tests := []struct {
		name string
		w    Window
		loc  *time.Location
		t    time.Time
		want time.Time
	}{
		{"mid-batch at 11h30", apiExample, sp, in(sp, 2026, 6, 15, 11, 30), in(sp, 2026, 6, 15, 13, 0)},
		{"at opening", apiExample, sp, in(sp, 2026, 6, 15, 11, 0), in(sp, 2026, 6, 15, 13, 0)},
		{"last ms", apiExample, sp, in(sp, 2026, 6, 15, 13, 0).Add(-time.Millisecond), in(sp, 2026, 6, 15, 13, 0)},
		{"single hour", apiExample, sp, in(sp, 2026, 6, 15, 18, 59), in(sp, 2026, 6, 15, 19, 0)},
		{"closed returns t", apiExample, sp, in(sp, 2026, 6, 15, 13, 0), in(sp, 2026, 6, 15, 13, 0)},
		{"spanning midnight", lateNight, sp, in(sp, 2026, 6, 15, 23, 30), in(sp, 2026, 6, 16, 2, 0)},
		{"spanning midnight from 22h", lateNight, sp, in(sp, 2026, 6, 15, 22, 0), in(sp, 2026, 6, 16, 2, 0)},
		{"weekday ends the night", Window{Hours: []int{22, 23, 0, 1}, Weekdays: []time.Weekday{time.Friday}}, sp, in(sp, 2026, 6, 19, 23, 30), in(sp, 2026, 6, 20, 0, 0)},
		{"weekdays only", Window{Weekdays: weekdaysMonFri}, sp, in(sp, 2026, 6, 17, 10, 0), in(sp, 2026, 6, 20, 0, 0)},
		{"all but one hour across days", Window{Hours: allHoursBut(3)}, sp, in(sp, 2026, 6, 15, 4, 0), in(sp, 2026, 6, 16, 3, 0)},
		{"nil loc is UTC", apiExample, nil, utc(2026, 6, 15, 11, 0, 0), utc(2026, 6, 15, 13, 0, 0)},
		{"zero window never closes", Window{}, sp, utc(2026, 6, 15, 11, 0, 0), time.Time{}},
		{"every hour and day listed never closes", Window{Hours: allHours(), Weekdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}}, sp, utc(2026, 6, 15, 11, 0, 0), time.Time{}},
		{"never window is closed", Window{Hours: []int{30}}, sp, utc(2026, 6, 15, 11, 0, 0), utc(2026, 6, 15, 11, 0, 0)},
		// New York 2026-11-01: hour 1 lasts two hours.
		{"ny repeated hour", Window{Hours: []int{1}}, ny, utc(2026, 11, 1, 5, 10, 0), utc(2026, 11, 1, 7, 0, 0)},
		// New York 2026-03-08: 1, 2, 3 allowed, 2 skipped: closes at 04:00 EDT.
		{"ny skipped hour", Window{Hours: []int{1, 2, 3}}, ny, utc(2026, 3, 8, 6, 10, 0), utc(2026, 3, 8, 8, 0, 0)},
		{"ny only closing hour skipped", Window{Hours: allHoursBut(2)}, ny, utc(2026, 3, 7, 8, 0, 0), utc(2026, 3, 9, 6, 0, 0)},
		// Sao Paulo: Saturday ends at the skipped midnight / after the repeated hour.
		{"sp saturday before gap", Window{Weekdays: []time.Weekday{time.Saturday}}, sp, utc(2018, 11, 3, 15, 0, 0), utc(2018, 11, 4, 3, 0, 0)},
		{"sp saturday with repeated hour", Window{Weekdays: []time.Weekday{time.Saturday}}, sp, utc(2019, 2, 16, 14, 0, 0), utc(2019, 2, 17, 3, 0, 0)},
		{"sp repeated hour both passes", Window{Hours: []int{23}}, sp, utc(2019, 2, 17, 1, 10, 0), utc(2019, 2, 17, 3, 0, 0)},
	}
	for _, tt := range tests {
		got := tt.w.CloseAfter(tt.t, tt.loc)
		if !got.Equal(tt.want) {
			t.Errorf("%s: CloseAfter(%s) got %s, want %s", tt.name, fmtT(tt.t), fmtT(got), fmtT(tt.want))
		}
	}
}

// TestWindowPauseResume walks a dispatcher through two days: send while
// open, pause at CloseAfter, resume at NextOpen.
func TestWindowPauseResume(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	w := Window{Hours: []int{9, 10, 11, 18}, Weekdays: weekdaysMonFri}
	at := in(sp, 2026, 6, 19, 10, 15) // Friday
	var got []string
	for range 5 {
		closeAt := w.CloseAfter(at, sp)
		got = append(got, at.In(sp).Format("Mon 15:04")+"-"+closeAt.In(sp).Format("15:04"))
		next, ok := w.NextOpen(closeAt, sp)
		if !ok {
			t.Fatalf("NextOpen(%s) got ok=false", fmtT(closeAt))
		}
		at = next
	}
	want := []string{"Fri 10:15-12:00", "Fri 18:00-19:00", "Mon 09:00-12:00", "Mon 18:00-19:00", "Tue 09:00-12:00"}
	if !slices.Equal(got, want) {
		t.Errorf("stretches got %v, want %v", got, want)
	}
}

func TestWindowAPIHours(t *testing.T) {
	tests := []struct {
		name string
		w    Window
		want []int
	}{
		{"unrestricted", Window{}, nil},
		{"api example", apiExample, []int{11, 12, 18}},
		{"sorted and deduplicated", Window{Hours: []int{18, 11, 12, 11}}, []int{11, 12, 18}},
		{"spanning midnight", lateNight, []int{0, 1, 22, 23}},
		{"invalid dropped", Window{Hours: []int{-1, 9, 24}}, []int{9}},
		{"every hour is unrestricted", Window{Hours: allHours()}, nil},
		{"weekdays ignored", Window{Hours: []int{9}, Weekdays: weekdaysMonFri}, []int{9}},
	}
	for _, tt := range tests {
		if got := tt.w.APIHours(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: APIHours got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWindowValidate(t *testing.T) {
	tests := []struct {
		name string
		w    Window
		want []string
	}{
		{"zero", Window{}, nil},
		{"fine", Window{Hours: []int{0, 23}, Weekdays: []time.Weekday{time.Sunday, time.Saturday}}, nil},
		{"bad hour", Window{Hours: []int{9, 24}}, []string{"window.hours:window_bad_hour"}},
		{"negative hour", Window{Hours: []int{-1, 9}}, []string{"window.hours:window_bad_hour"}},
		{"only bad hours", Window{Hours: []int{24, 25}}, []string{"window.hours:window_empty"}},
		{"bad weekday", Window{Weekdays: []time.Weekday{time.Monday, 7}}, []string{"window.weekdays:window_bad_weekday"}},
		{"only bad weekdays", Window{Weekdays: []time.Weekday{-1}}, []string{"window.weekdays:window_empty"}},
		{"both", Window{Hours: []int{99}, Weekdays: []time.Weekday{1, 8}}, []string{"window.hours:window_empty", "window.weekdays:window_bad_weekday"}},
	}
	for _, tt := range tests {
		err := tt.w.Validate()
		if got := codes(err); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Validate got %v, want %v", tt.name, got, tt.want)
		}
		if tt.want == nil && err != nil {
			t.Errorf("%s: Validate got non-nil %#v, want nil", tt.name, err)
		}
		var fe *FieldError
		if tt.want != nil && !errors.As(err, &fe) {
			t.Errorf("%s: errors.As(*FieldError) got false, want true", tt.name)
		}
	}
}

func TestWindowDescribe(t *testing.T) {
	tests := []struct {
		name   string
		w      Window
		wantPT string
		wantEN string
	}{
		{"brief example", Window{Hours: []int{9, 10, 11, 18}, Weekdays: weekdaysMonFri},
			"seg a sex, 09h–12h e 18h", "Mon–Fri, 09:00–12:00 and 18:00–19:00"},
		{"unrestricted", Window{}, "todos os dias, qualquer horário", "every day, any time"},
		{"api example", apiExample, "todos os dias, 11h–13h e 18h", "every day, 11:00–13:00 and 18:00–19:00"},
		{"spanning midnight", lateNight, "todos os dias, 22h–02h", "every day, 22:00–02:00"},
		{"to midnight", Window{Hours: []int{22, 23}}, "todos os dias, 22h–00h", "every day, 22:00–00:00"},
		{"three runs", Window{Hours: []int{8, 12, 13, 20}}, "todos os dias, 08h, 12h–14h e 20h", "every day, 08:00–09:00, 12:00–14:00 and 20:00–21:00"},
		{"weekend wraps", Window{Weekdays: []time.Weekday{time.Saturday, time.Sunday}}, "sáb e dom, qualquer horário", "Sat and Sun, any time"},
		{"long weekend", Window{Weekdays: []time.Weekday{time.Monday, time.Saturday, time.Friday, time.Sunday}}, "sex a seg, qualquer horário", "Fri–Mon, any time"},
		{"scattered days", Window{Weekdays: []time.Weekday{time.Wednesday, time.Monday, time.Friday}}, "seg, qua e sex, qualquer horário", "Mon, Wed and Fri, any time"},
		{"one day", Window{Weekdays: []time.Weekday{time.Tuesday}, Hours: []int{14, 15}}, "ter, 14h–16h", "Tue, 14:00–16:00"},
		{"every day listed", Window{Weekdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6}, Hours: allHours()}, "todos os dias, qualquer horário", "every day, any time"},
		{"all but one hour", Window{Hours: allHoursBut(3)}, "todos os dias, 04h–03h", "every day, 04:00–03:00"},
		{"invalid ignored", Window{Hours: []int{9, 42}}, "todos os dias, 09h", "every day, 09:00–10:00"},
		{"never", Window{Hours: []int{42}}, "nunca", "never"},
	}
	for _, tt := range tests {
		for _, c := range []struct{ lang, want string }{{"pt-BR", tt.wantPT}, {"", tt.wantPT}, {"en", tt.wantEN}, {"en-US", tt.wantEN}} {
			if got := tt.w.Describe(i18n.Lang(c.lang)); got != c.want {
				t.Errorf("%s: Describe(%q) got %q, want %q", tt.name, c.lang, got, c.want)
			}
		}
	}
}

func BenchmarkNextOpen(b *testing.B) {
	sp := mustLoc(b, "America/Sao_Paulo")
	w := Window{Hours: []int{9}, Weekdays: []time.Weekday{time.Monday}}
	t := in(sp, 2026, 6, 15, 10, 0) // a week minus an hour away
	for b.Loop() {
		w.NextOpen(t, sp)
	}
}

func BenchmarkOpen(b *testing.B) {
	sp := mustLoc(b, "America/Sao_Paulo")
	t := in(sp, 2026, 6, 15, 10, 0)
	for b.Loop() {
		apiExample.Open(t, sp)
	}
}
