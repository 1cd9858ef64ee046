package schedule

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// now is Monday 2026-06-15 09:00 in Sao Paulo.
var monday9 = utc(2026, 6, 15, 12, 0, 0)

func TestScheduleValidate(t *testing.T) {
	tests := []struct {
		name string
		s    Schedule
		want []string
	}{
		{"scheduled tomorrow", Schedule{StartAt: wall(2026, 6, 16, 9, 0)}, nil},
		{"send now", Schedule{SendNow: true}, nil},
		{"send now ignores a past start", Schedule{SendNow: true, StartAt: wall(2020, 1, 1, 0, 0)}, nil},
		{"explicit zone", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Zone: "America/Manaus"}, nil},
		{"zero value", Schedule{}, []string{"start_at:start_required"}},
		{"start in past", Schedule{StartAt: wall(2026, 6, 15, 8, 0)}, []string{"start_at:start_in_past"}},
		{"start within grace", Schedule{StartAt: time.Date(2026, 6, 15, 8, 59, 30, 0, time.UTC)}, nil},
		{"start just past grace", Schedule{StartAt: wall(2026, 6, 15, 8, 58)}, []string{"start_at:start_in_past"}},
		{"start read in zone", Schedule{StartAt: wall(2026, 6, 15, 8, 30), Zone: "America/Manaus"}, nil},
		{"start in a dst gap is moved, not refused", Schedule{StartAt: wall(2027, 3, 14, 2, 30), Zone: "America/New_York"}, nil},
		{"bad zone", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Zone: "Mars/Olympus"}, []string{"zone:bad_zone"}},
		{"local zone refused", Schedule{SendNow: true, Zone: "Local"}, []string{"zone:bad_zone"}},
		{"window problems", Schedule{SendNow: true, Window: Window{Hours: []int{25}, Weekdays: []time.Weekday{1, 9}}},
			[]string{"window.hours:window_empty", "window.weekdays:window_bad_weekday"}},
		{"expiry exclusive", Schedule{SendNow: true, Expiry: Expiry{InMinutes: 60, Date: wall(2026, 6, 20, 0, 0)}},
			[]string{"expiry:expiry_exclusive"}},
		{"expiry at before start", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Expiry: Expiry{At: utc(2026, 6, 16, 11, 0, 0)}},
			[]string{"expiry.at:expiry_before_start"}},
		{"expiry at equal to start", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Expiry: Expiry{At: utc(2026, 6, 16, 12, 0, 0)}},
			[]string{"expiry.at:expiry_before_start"}},
		{"expiry date before start", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Expiry: Expiry{Date: wall(2026, 6, 15, 0, 0)}},
			[]string{"expiry.date:expiry_before_start"}},
		{"expiry date same day", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Expiry: Expiry{Date: wall(2026, 6, 16, 0, 0)}}, nil},
		{"expiry at send now in past", Schedule{SendNow: true, Expiry: Expiry{At: utc(2026, 6, 15, 11, 0, 0)}},
			[]string{"expiry.at:expiry_before_start"}},
		{"expiry before window opens", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Window: Window{Hours: []int{18}}, Expiry: Expiry{InMinutes: 60}},
			[]string{"expiry.in_minutes:expiry_before_window"}},
		{"expiry after window opens", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Window: Window{Hours: []int{18}}, Expiry: Expiry{Date: wall(2026, 6, 16, 0, 0)}}, nil},
		{"expiry before weekend window", Schedule{SendNow: true, Window: Window{Weekdays: []time.Weekday{time.Saturday}}, Expiry: Expiry{Date: wall(2026, 6, 19, 0, 0)}},
			[]string{"expiry.date:expiry_before_window"}},
		{"several problems", Schedule{Zone: "Nowhere", Window: Window{Hours: []int{-3}}, Expiry: Expiry{InMinutes: -1}},
			[]string{"zone:bad_zone", "start_at:start_required", "window.hours:window_empty", "expiry.in_minutes:expiry_minutes_invalid"}},
	}
	for _, tt := range tests {
		err := tt.s.Validate(monday9)
		if got := codes(err); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Validate got %v, want %v", tt.name, got, tt.want)
		}
		if tt.want == nil && err != nil {
			t.Errorf("%s: Validate got non-nil %#v, want nil", tt.name, err)
		}
		if tt.want != nil {
			var fe *FieldError
			var ps Problems
			if !errors.As(err, &fe) || !errors.As(err, &ps) || len(ps) != len(tt.want) {
				t.Errorf("%s: errors.As got fe=%v problems=%v, want both", tt.name, fe, ps)
			}
			if fe != nil && !ps.Has(fe.Field, fe.Code) {
				t.Errorf("%s: Problems.Has(%s, %s) got false, want true", tt.name, fe.Field, fe.Code)
			}
		}
	}
}

func TestScheduleStart(t *testing.T) {
	tests := []struct {
		name    string
		s       Schedule
		want    time.Time
		wantErr bool
	}{
		{"send now", Schedule{SendNow: true}, monday9, false},
		{"scheduled", Schedule{StartAt: wall(2026, 6, 16, 9, 0)}, utc(2026, 6, 16, 12, 0, 0), false},
		{"scheduled in zone", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Zone: "America/Rio_Branco"}, utc(2026, 6, 16, 14, 0, 0), false},
		{"no start", Schedule{}, time.Time{}, true},
		{"bad zone", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Zone: "X/Y"}, time.Time{}, true},
	}
	for _, tt := range tests {
		got, err := tt.s.Start(monday9)
		if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
			t.Errorf("%s: Start got (%s, %v), want (%s, error %v)", tt.name, fmtT(got), err, fmtT(tt.want), tt.wantErr)
		}
	}
}

func TestNextSend(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	tests := []struct {
		name      string
		s         Schedule
		now       time.Time
		want      time.Time
		wantState State
	}{
		{"send now, open", Schedule{SendNow: true}, monday9, monday9, Open},
		{"send now, window later today", Schedule{SendNow: true, Window: apiExample}, monday9, in(sp, 2026, 6, 15, 11, 0), WaitingWindow},
		{"send now, inside window", Schedule{SendNow: true, Window: apiExample}, in(sp, 2026, 6, 15, 12, 59), in(sp, 2026, 6, 15, 12, 59), Open},
		{"scheduled tomorrow", Schedule{StartAt: wall(2026, 6, 16, 9, 0)}, monday9, in(sp, 2026, 6, 16, 9, 0), WaitingStart},
		{"scheduled tomorrow, window later", Schedule{StartAt: wall(2026, 6, 16, 9, 0), Window: Window{Hours: []int{18}}}, monday9, in(sp, 2026, 6, 16, 18, 0), WaitingStart},
		{"started, open", Schedule{StartAt: wall(2026, 6, 15, 8, 0)}, monday9, monday9, Open},
		{"started at exactly now", Schedule{StartAt: wall(2026, 6, 15, 9, 0)}, monday9, monday9, Open},
		{"started, weekend window", Schedule{StartAt: wall(2026, 6, 15, 8, 0), Window: Window{Weekdays: []time.Weekday{time.Saturday, time.Sunday}}}, monday9, in(sp, 2026, 6, 20, 0, 0), WaitingWindow},
		{"zone matters", Schedule{SendNow: true, Zone: "America/Rio_Branco", Window: Window{Hours: []int{9}}}, monday9, utc(2026, 6, 15, 14, 0, 0), WaitingWindow},
		{"expired", Schedule{StartAt: wall(2026, 6, 15, 6, 0), Expiry: Expiry{InMinutes: 60}}, monday9, utc(2026, 6, 15, 10, 0, 0), Expired},
		{"expired by date", Schedule{StartAt: wall(2026, 6, 10, 6, 0), Expiry: Expiry{Date: wall(2026, 6, 14, 0, 0)}}, monday9, utc(2026, 6, 15, 3, 0, 0).Add(-time.Nanosecond), Expired},
		{"at the deadline still open", Schedule{StartAt: wall(2026, 6, 15, 8, 0), Expiry: Expiry{At: monday9}}, monday9, monday9, Open},
		{"window opens after deadline", Schedule{StartAt: wall(2026, 6, 15, 8, 0), Window: Window{Hours: []int{18}}, Expiry: Expiry{At: utc(2026, 6, 15, 15, 0, 0)}}, monday9, time.Time{}, Never},
		{"window never opens", Schedule{SendNow: true, Window: Window{Hours: []int{24}}}, monday9, time.Time{}, Never},
		{"bad zone", Schedule{SendNow: true, Zone: "Nowhere"}, monday9, time.Time{}, Never},
		{"no start", Schedule{}, monday9, time.Time{}, Never},
		{"send now with minutes never expires here", Schedule{SendNow: true, Expiry: Expiry{InMinutes: 1}}, monday9, monday9, Open},
	}
	for _, tt := range tests {
		got, state := NextSend(tt.s, tt.now)
		if state != tt.wantState || !got.Equal(tt.want) {
			t.Errorf("%s: NextSend got (%s, %s), want (%s, %s)", tt.name, fmtT(got), state, fmtT(tt.want), tt.wantState)
		}
	}
}

func TestStateString(t *testing.T) {
	tests := []struct {
		s    State
		want string
	}{
		{WaitingStart, "waiting_start"},
		{WaitingWindow, "waiting_window"},
		{Open, "open"},
		{Expired, "expired"},
		{Never, "never"},
		{State(0), "state(0)"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("State(%d).String() got %q, want %q", int(tt.s), got, tt.want)
		}
	}
}

func TestProblemsError(t *testing.T) {
	p := Problems{{Field: FieldZone, Code: CodeBadZone}, {Field: FieldStartAt, Code: CodeStartRequired}}
	if got, want := p.Error(), "schedule: zone: bad_zone; schedule: start_at: start_required"; got != want {
		t.Errorf("Problems.Error got %q, want %q", got, want)
	}
	if got := AsProblems(errors.New("other")); got != nil {
		t.Errorf("AsProblems(other) got %v, want nil", got)
	}
	single := AsProblems(CheckAPISchedule(monday9, monday9))
	if len(single) != 1 || single[0].Code != CodeScheduleTooSoon {
		t.Errorf("AsProblems(wrapped FieldError) got %v, want one schedule_too_soon", single)
	}
}
