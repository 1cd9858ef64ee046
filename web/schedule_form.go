package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"arauto/internal/schedule"
	"arauto/views"
)

// Form layouts of the datetime-local and date inputs.
const (
	dateTimeLocal = "2006-01-02T15:04"
	dateOnly      = "2006-01-02"
)

// scheduleForm is the schedule form as typed: read from the request once,
// then turned into a schedule.Schedule, or filled from a saved one to be
// shown.
type scheduleForm struct {
	When    string // now or later
	StartAt string // datetime-local, in Zone
	Zone    string
	// Expiry is none, at, minutes or date; the field it names holds the
	// value.
	Expiry, ExpiryAt, ExpiryMinutes, ExpiryDate string
	// Hours and Weekdays are the ticked boxes of the sending window.
	Hours, Weekdays []string
	// Holidays closes the window on national holidays; LocalTime reads it
	// in each recipient's own zone ("1" when ticked).
	Holidays, LocalTime string
}

// newScheduleForm reads the schedule form of a request.
func newScheduleForm(c *fiber.Ctx) scheduleForm {
	v := func(name string) string { return strings.TrimSpace(c.FormValue(name)) }
	f := scheduleForm{When: v("when"), StartAt: v("start_at"), Zone: v("zone"), Expiry: v("expiry"),
		ExpiryAt: v("expiry_at"), ExpiryMinutes: v("expiry_minutes"), ExpiryDate: v("expiry_date"),
		Holidays: v("holidays"), LocalTime: v("local_time")}
	args := c.Context().PostArgs()
	for _, h := range args.PeekMulti("hour") {
		f.Hours = append(f.Hours, string(h))
	}
	for _, d := range args.PeekMulti("weekday") {
		f.Weekdays = append(f.Weekdays, string(d))
	}
	return f
}

// scheduleFormOf fills the form with a saved schedule; a new one proposes
// the next full hour in its zone for "later".
func scheduleFormOf(sc schedule.Schedule, now time.Time) scheduleForm {
	f := scheduleForm{When: "now", Zone: sc.Zone, Expiry: "none"}
	if f.Zone == "" {
		f.Zone = schedule.DefaultZone
	}
	loc, err := schedule.LoadZone(f.Zone)
	if err != nil {
		loc = time.UTC
	}
	if !sc.SendNow && !sc.StartAt.IsZero() {
		f.When, f.StartAt = "later", sc.StartAt.Format(dateTimeLocal)
	} else {
		f.StartAt = now.In(loc).Truncate(time.Hour).Add(time.Hour).Format(dateTimeLocal)
	}
	switch e := sc.Expiry; {
	case !e.At.IsZero():
		f.Expiry, f.ExpiryAt = "at", e.At.In(loc).Format(dateTimeLocal)
	case e.InMinutes != 0:
		f.Expiry, f.ExpiryMinutes = "minutes", strconv.Itoa(e.InMinutes)
	case !e.Date.IsZero():
		f.Expiry, f.ExpiryDate = "date", e.Date.Format(dateOnly)
	}
	for _, h := range sc.Window.Hours {
		f.Hours = append(f.Hours, strconv.Itoa(h))
	}
	for _, d := range sc.Window.Weekdays {
		f.Weekdays = append(f.Weekdays, strconv.Itoa(int(d)))
	}
	if sc.Window.ClosedOnHolidays {
		f.Holidays = "1"
	}
	if sc.LocalTime {
		f.LocalTime = "1"
	}
	return f
}

// Problem codes the form adds to schedule's own.
const (
	codeStartInvalid    = "start_invalid"
	codeExpiryAtInvalid = "expiry_at_invalid"
	codeExpiryDateBad   = "expiry_date_invalid"
)

// Schedule turns the form into a schedule and checks it at now with
// schedule.Validate. It settles the choices left blank (the default zone,
// sending now, no expiry) in the form too, so it shows them.
func (f *scheduleForm) Schedule(now time.Time) (schedule.Schedule, schedule.Problems) {
	var sc schedule.Schedule
	var p schedule.Problems
	if f.Zone == "" {
		f.Zone = schedule.DefaultZone
	}
	sc.Zone = f.Zone
	if f.When == "later" {
		if f.StartAt != "" {
			t, err := time.Parse(dateTimeLocal, f.StartAt)
			if err != nil {
				p = append(p, &schedule.FieldError{Field: schedule.FieldStartAt, Code: codeStartInvalid})
			} else {
				sc.StartAt = t
			}
		}
	} else {
		sc.SendNow, f.When = true, "now"
	}
	for _, v := range f.Hours {
		h, err := strconv.Atoi(v)
		if err != nil {
			h = -1
		}
		sc.Window.Hours = append(sc.Window.Hours, h)
	}
	for _, v := range f.Weekdays {
		d, err := strconv.Atoi(v)
		if err != nil {
			d = -1
		}
		sc.Window.Weekdays = append(sc.Window.Weekdays, time.Weekday(d))
	}
	sc.Window.ClosedOnHolidays = f.Holidays == "1"
	sc.LocalTime = f.LocalTime == "1"
	switch f.Expiry {
	case "at":
		t, err := time.Parse(dateTimeLocal, f.ExpiryAt)
		if err != nil {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryAt, Code: codeExpiryAtInvalid})
		} else if at, err := schedule.LocalToUTC(t, sc.Zone); err == nil {
			sc.Expiry.At = at
		}
	case "minutes":
		n, err := strconv.Atoi(f.ExpiryMinutes)
		if err != nil || n <= 0 {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryMinutes, Code: schedule.CodeExpiryMinutes})
		} else {
			sc.Expiry.InMinutes = n
		}
	case "date":
		d, err := time.Parse(dateOnly, f.ExpiryDate)
		if err != nil {
			p = append(p, &schedule.FieldError{Field: schedule.FieldExpiryDate, Code: codeExpiryDateBad})
		} else {
			sc.Expiry.Date = d
		}
	default:
		f.Expiry = "none"
	}
	return sc, append(p, schedule.AsProblems(sc.Validate(now))...)
}

// scheduleFields maps schedule's field names to the form's.
var scheduleFields = map[string]string{
	schedule.FieldZone:           "zone",
	schedule.FieldStartAt:        "start_at",
	schedule.FieldWindowHours:    "hours",
	schedule.FieldWindowWeekdays: "weekdays",
	schedule.FieldExpiry:         "expiry",
	schedule.FieldExpiryAt:       "expiry_at",
	schedule.FieldExpiryMinutes:  "expiry_minutes",
	schedule.FieldExpiryDate:     "expiry_date",
}

// scheduleView is the form as the page shows it.
type scheduleView struct {
	form     views.Form
	hours    [24]bool
	weekdays [7]bool
}

// view shows the form with each problem, translated, on its field (the
// first problem of a field wins).
func (f scheduleForm) view(c *fiber.Ctx, problems schedule.Problems) scheduleView {
	v := scheduleView{form: views.Form{Values: map[string]string{
		"when": f.When, "start_at": f.StartAt, "zone": f.Zone, "expiry": f.Expiry,
		"expiry_at": f.ExpiryAt, "expiry_minutes": f.ExpiryMinutes, "expiry_date": f.ExpiryDate,
		"holidays": f.Holidays, "local_time": f.LocalTime,
	}, Errors: views.FieldErrors{}}}
	for _, s := range f.Hours {
		if h, err := strconv.Atoi(s); err == nil && h >= 0 && h < 24 {
			v.hours[h] = true
		}
	}
	for _, s := range f.Weekdays {
		if d, err := strconv.Atoi(s); err == nil && d >= 0 && d < 7 {
			v.weekdays[d] = true
		}
	}
	for _, fe := range problems {
		field := scheduleFields[fe.Field]
		if field == "" {
			field = "expiry"
		}
		if v.form.Errors[field] == "" {
			v.form.Errors[field] = tr(c, "campaigns.schedule.problem."+fe.Code)
		}
	}
	return v
}
