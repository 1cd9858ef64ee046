package schedule

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestExpiryValidate(t *testing.T) {
	at := utc(2026, 6, 15, 20, 0, 0)
	day := wall(2026, 6, 16, 0, 0)
	tests := []struct {
		name string
		e    Expiry
		want []string
	}{
		{"none", Expiry{}, nil},
		{"at", Expiry{At: at}, nil},
		{"minutes", Expiry{InMinutes: 90}, nil},
		{"date", Expiry{Date: day}, nil},
		{"at and minutes", Expiry{At: at, InMinutes: 90}, []string{"expiry:expiry_exclusive"}},
		{"at and date", Expiry{At: at, Date: day}, []string{"expiry:expiry_exclusive"}},
		{"minutes and date", Expiry{InMinutes: 1, Date: day}, []string{"expiry:expiry_exclusive"}},
		{"all three", Expiry{At: at, InMinutes: 1, Date: day}, []string{"expiry:expiry_exclusive"}},
		{"negative minutes", Expiry{InMinutes: -5}, []string{"expiry.in_minutes:expiry_minutes_invalid"}},
		{"negative and exclusive", Expiry{InMinutes: -5, At: at}, []string{"expiry:expiry_exclusive", "expiry.in_minutes:expiry_minutes_invalid"}},
	}
	for _, tt := range tests {
		err := tt.e.Validate()
		if got := codes(err); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Validate got %v, want %v", tt.name, got, tt.want)
		}
		if tt.want == nil && err != nil {
			t.Errorf("%s: Validate got non-nil %#v, want nil", tt.name, err)
		}
	}
}

func TestExpiryDeadline(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	lis := mustLoc(t, "Europe/Lisbon")
	start := utc(2026, 6, 15, 12, 0, 0)
	ns := time.Nanosecond
	tests := []struct {
		name   string
		e      Expiry
		loc    *time.Location
		want   time.Time
		wantOK bool
	}{
		{"none", Expiry{}, sp, time.Time{}, false},
		{"at", Expiry{At: time.Date(2026, 6, 15, 20, 0, 0, 0, sp)}, sp, utc(2026, 6, 15, 23, 0, 0), true},
		{"minutes from start", Expiry{InMinutes: 90}, sp, utc(2026, 6, 15, 13, 30, 0), true},
		{"minutes across days", Expiry{InMinutes: 3 * 24 * 60}, sp, utc(2026, 6, 18, 12, 0, 0), true},
		{"date ends at local midnight", Expiry{Date: wall(2026, 6, 15, 0, 0)}, sp, utc(2026, 6, 16, 3, 0, 0).Add(-ns), true},
		{"date clock fields ignored", Expiry{Date: time.Date(2026, 6, 15, 17, 45, 0, 0, time.UTC)}, sp, utc(2026, 6, 16, 3, 0, 0).Add(-ns), true},
		{"date fields read in own location", Expiry{Date: time.Date(2026, 6, 15, 23, 0, 0, 0, lis)}, sp, utc(2026, 6, 16, 3, 0, 0).Add(-ns), true},
		{"date in another zone", Expiry{Date: wall(2026, 6, 15, 0, 0)}, lis, utc(2026, 6, 15, 23, 0, 0).Add(-ns), true},
		{"date nil loc is UTC", Expiry{Date: wall(2026, 6, 15, 0, 0)}, nil, utc(2026, 6, 16, 0, 0, 0).Add(-ns), true},
		// 2018-11-04 00:00 did not exist in Sao Paulo: the 3rd ends at 01:00 -02.
		{"date before skipped midnight", Expiry{Date: wall(2018, 11, 3, 0, 0)}, sp, utc(2018, 11, 4, 3, 0, 0).Add(-ns), true},
		// 2019-02-16 had 25 hours: it ends after the repeated 23h.
		{"date with repeated hour", Expiry{Date: wall(2019, 2, 16, 0, 0)}, sp, utc(2019, 2, 17, 3, 0, 0).Add(-ns), true},
		{"date in summer time", Expiry{Date: wall(2018, 12, 24, 0, 0)}, sp, utc(2018, 12, 25, 2, 0, 0).Add(-ns), true},
		{"invalid mix takes earliest", Expiry{At: utc(2026, 6, 15, 13, 0, 0), InMinutes: 30}, sp, utc(2026, 6, 15, 12, 30, 0), true},
	}
	for _, tt := range tests {
		got, ok := tt.e.Deadline(start, tt.loc)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("%s: Deadline got (%s, %v), want (%s, %v)", tt.name, fmtT(got), ok, fmtT(tt.want), tt.wantOK)
		}
		if ok && got.Location() != time.UTC {
			t.Errorf("%s: Deadline location got %s, want UTC", tt.name, got.Location())
		}
	}
}

func TestExpiryExpired(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	start := utc(2026, 6, 15, 12, 0, 0)
	tests := []struct {
		name string
		e    Expiry
		now  time.Time
		want bool
	}{
		{"none never expires", Expiry{}, utc(2099, 1, 1, 0, 0, 0), false},
		{"at, before", Expiry{At: utc(2026, 6, 15, 20, 0, 0)}, utc(2026, 6, 15, 19, 59, 59), false},
		{"at, exactly", Expiry{At: utc(2026, 6, 15, 20, 0, 0)}, utc(2026, 6, 15, 20, 0, 0), false},
		{"at, after", Expiry{At: utc(2026, 6, 15, 20, 0, 0)}, utc(2026, 6, 15, 20, 0, 1), true},
		{"minutes, inside", Expiry{InMinutes: 60}, utc(2026, 6, 15, 12, 59, 0), false},
		{"minutes, after", Expiry{InMinutes: 60}, utc(2026, 6, 15, 13, 0, 1), true},
		{"date, last second of the day", Expiry{Date: wall(2026, 6, 15, 0, 0)}, in(sp, 2026, 6, 15, 23, 59).Add(59 * time.Second), false},
		{"date, next local midnight", Expiry{Date: wall(2026, 6, 15, 0, 0)}, in(sp, 2026, 6, 16, 0, 0), true},
		{"date, already next day in UTC", Expiry{Date: wall(2026, 6, 15, 0, 0)}, utc(2026, 6, 16, 1, 0, 0), false},
	}
	for _, tt := range tests {
		if got := tt.e.Expired(tt.now, start, sp); got != tt.want {
			t.Errorf("%s: Expired(%s) got %v, want %v", tt.name, fmtT(tt.now), got, tt.want)
		}
	}
}

func TestCheckAPISchedule(t *testing.T) {
	now := utc(2026, 6, 15, 12, 0, 0)
	tests := []struct {
		name    string
		at      time.Time
		wantErr bool
	}{
		{"past", now.Add(-time.Minute), true},
		{"now", now, true},
		{"29m59s", now.Add(MinAPILead - time.Second), true},
		{"exactly 30m", now.Add(MinAPILead), false},
		{"31m", now.Add(31 * time.Minute), false},
		{"tomorrow", now.Add(24 * time.Hour), false},
	}
	for _, tt := range tests {
		err := CheckAPISchedule(now, tt.at)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: CheckAPISchedule got %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		if err == nil {
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != FieldScheduledAt || fe.Code != CodeScheduleTooSoon {
			t.Errorf("%s: CheckAPISchedule error got %v, want a scheduled_at:schedule_too_soon FieldError", tt.name, err)
		}
	}
}

func TestExpiryDateEnd(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	lis := mustLoc(t, "Europe/Lisbon")
	tests := []struct {
		name     string
		e        Expiry
		loc      *time.Location
		wantWall string
		wantUTC  time.Time
		wantOK   bool
	}{
		{"none", Expiry{}, sp, "", time.Time{}, false},
		{"at only", Expiry{At: utc(2026, 12, 6, 12, 0, 0)}, sp, "", time.Time{}, false},
		{"end of the day in São Paulo", Expiry{Date: wall(2026, 12, 6, 0, 0)}, sp, "2026-12-06T23:59:59", utc(2026, 12, 7, 2, 59, 59), true},
		{"the date's clock is ignored", Expiry{Date: time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)}, sp, "2026-12-06T23:59:59", utc(2026, 12, 7, 2, 59, 59), true},
		{"summer time in Lisbon", Expiry{Date: wall(2026, 7, 1, 0, 0)}, lis, "2026-07-01T23:59:59", utc(2026, 7, 1, 22, 59, 59), true},
		{"day Lisbon's clocks go back", Expiry{Date: wall(2026, 10, 25, 0, 0)}, lis, "2026-10-25T23:59:59", utc(2026, 10, 25, 23, 59, 59), true},
		{"Brazil's last daylight saving day", Expiry{Date: wall(2019, 2, 16, 0, 0)}, sp, "2019-02-16T23:59:59", utc(2019, 2, 17, 2, 59, 59), true},
		{"nil loc is UTC", Expiry{Date: wall(2026, 12, 6, 0, 0)}, nil, "2026-12-06T23:59:59", utc(2026, 12, 6, 23, 59, 59), true},
	}
	for _, tt := range tests {
		got := tt.e.DateEnd(tt.loc)
		if ok := !got.IsZero(); ok != tt.wantOK {
			t.Errorf("%s: DateEnd ok = %v, want %v", tt.name, ok, tt.wantOK)
			continue
		}
		if got.IsZero() {
			continue
		}
		if w := got.Format("2006-01-02T15:04:05"); w != tt.wantWall || !got.Equal(tt.wantUTC) {
			t.Errorf("%s: DateEnd = %s (%s), want wall %s at %s", tt.name, w, got.UTC(), tt.wantWall, tt.wantUTC)
		}
		if got.Location() != orUTC(tt.loc) {
			t.Errorf("%s: DateEnd location = %s, want %s", tt.name, got.Location(), orUTC(tt.loc))
		}
		if d, _ := tt.e.Deadline(time.Time{}, tt.loc); !d.Truncate(time.Second).Equal(got) {
			t.Errorf("%s: DateEnd %s differs from Deadline %s beyond the second", tt.name, got.UTC(), d)
		}
	}
}
