package schedule

import (
	"strconv"
	"strings"
	"time"
)

// Window is when messages may go out, in the campaign's zone: the allowed
// local hours and weekdays. The zero Window is always open.
type Window struct {
	// Hours are the allowed local hours, 0..23, as in the API's timeWindow:
	// [11, 12, 18] allows 11:00-11:59, 12:00-12:59 and 18:00-18:59. Empty
	// allows every hour. Order and duplicates do not matter.
	Hours []int
	// Weekdays are the allowed days of the week of the local date. Empty
	// allows every day.
	Weekdays []time.Weekday
	// ClosedOnHolidays closes the window on Brazil's national holidays
	// (Holidays), read on the local date.
	ClosedOnHolidays bool
}

// searchHorizon bounds the search for an opening or a closing. A valid
// window opens at least weekly; a clock change can hide one opening (an
// allowed hour that is skipped), and the 3 weeks also cover a day skipped
// whole (Pacific/Apia, 2011-12-30).
const searchHorizon = 21 * 24 * time.Hour

// compiled is a Window as lookup tables, invalid entries dropped.
type compiled struct {
	hours    [24]bool
	days     [7]bool
	never    bool // a non-empty list has no valid entry
	always   bool // every hour of every day
	holidays bool // closed on national holidays
}

func (w Window) compile() compiled {
	var c compiled
	validHours, validDays := 0, 0
	for _, h := range w.Hours {
		if h >= 0 && h < 24 && !c.hours[h] {
			c.hours[h] = true
			validHours++
		}
	}
	for _, d := range w.Weekdays {
		if d >= time.Sunday && d <= time.Saturday && !c.days[d] {
			c.days[d] = true
			validDays++
		}
	}
	if len(w.Hours) == 0 {
		c.hours = [24]bool{}
		for i := range c.hours {
			c.hours[i] = true
		}
		validHours = 24
	}
	if len(w.Weekdays) == 0 {
		c.days = [7]bool{true, true, true, true, true, true, true}
		validDays = 7
	}
	c.never = validHours == 0 || validDays == 0
	c.holidays = w.ClosedOnHolidays
	c.always = validHours == 24 && validDays == 7 && !c.holidays
	return c
}

// open reports whether the local time lt is inside the window.
func (c *compiled) open(lt time.Time) bool {
	if c.never || !c.hours[lt.Hour()] || !c.days[lt.Weekday()] {
		return false
	}
	if c.holidays {
		if _, closed := HolidayAt(lt); closed {
			return false
		}
	}
	return true
}

// orUTC treats a nil location as UTC instead of panicking.
func orUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// nextHourChange returns the first instant after x at which the local hour
// of loc may change: the next top of the local hour, or an earlier change
// of offset (some zones change by 30 minutes or at odd times).
func nextHourChange(x time.Time, loc *time.Location) time.Time {
	lt := x.In(loc)
	into := time.Duration(lt.Minute())*time.Minute +
		time.Duration(lt.Second())*time.Second +
		time.Duration(lt.Nanosecond())
	top := x.Add(time.Hour - into)
	if _, end := lt.ZoneBounds(); !end.IsZero() && end.After(x) && end.Before(top) {
		return end
	}
	return top
}

// Open reports whether sending is allowed at t, read in loc (nil means UTC).
func (w Window) Open(t time.Time, loc *time.Location) bool {
	c := w.compile()
	return c.open(t.In(orUTC(loc)))
}

// OpenIn reports whether sending is allowed at t in every one of zones
// (IANA names): the clocks of a place that spans two zones must both be
// inside the window. A zone that cannot be loaded counts as closed.
func (w Window) OpenIn(t time.Time, zones []string) bool {
	c := w.compile()
	for _, z := range zones {
		loc, err := LoadZone(z)
		if err != nil || !c.open(t.In(loc)) {
			return false
		}
	}
	return len(zones) > 0
}

// Never reports whether the window can never open: Hours or Weekdays lists
// entries but none of them is valid.
func (w Window) Never() bool {
	return w.compile().never
}

// NextOpen returns the first instant at or after t at which sending is
// allowed, read in loc (nil means UTC): t itself when the window is open
// then, otherwise the start of the next allowed hour that exists. ok is
// false when the window can never open. The result is in UTC.
func (w Window) NextOpen(t time.Time, loc *time.Location) (next time.Time, ok bool) {
	c := w.compile()
	if c.never {
		return time.Time{}, false
	}
	loc = orUTC(loc)
	for x := t; x.Sub(t) <= searchHorizon; x = nextHourChange(x, loc) {
		if c.open(x.In(loc)) {
			return x.UTC(), true
		}
	}
	return time.Time{}, false
}

// CloseAfter returns when the open stretch containing t ends, read in loc
// (nil means UTC): the first instant after t at which sending is no longer
// allowed. Consecutive allowed hours are one stretch, across midnight and
// across days (22, 23, 0, 1 closes at 02:00 the next day). It returns t
// itself when the window is closed at t, and the zero Time when the window
// never closes (every hour of every day). The result is in UTC.
func (w Window) CloseAfter(t time.Time, loc *time.Location) time.Time {
	c := w.compile()
	loc = orUTC(loc)
	if !c.open(t.In(loc)) {
		return t.UTC()
	}
	if c.always {
		return time.Time{}
	}
	for x := nextHourChange(t, loc); x.Sub(t) <= searchHorizon; x = nextHourChange(x, loc) {
		if !c.open(x.In(loc)) {
			return x.UTC()
		}
	}
	return time.Time{}
}

// APIHours returns the hours for the API's timeWindow field: the valid
// hours sorted and deduplicated, or nil when every hour is allowed (omit
// the field then). Weekdays have no API equivalent; the dispatcher enforces
// them itself. The API reads timeWindow in the request's timeZone.
func (w Window) APIHours() []int {
	c := w.compile()
	if len(w.Hours) == 0 {
		return nil
	}
	var hs []int
	for h, ok := range c.hours {
		if ok {
			hs = append(hs, h)
		}
	}
	if len(hs) == 24 {
		return nil
	}
	return hs
}

// Validate checks the hours and weekdays: an entry out of range is
// CodeBadHour or CodeBadWeekday; a non-empty list with no valid entry is
// CodeWindowEmpty instead. It returns nil or Problems.
func (w Window) Validate() error {
	var p Problems
	p = append(p, listProblems(FieldWindowHours, CodeBadHour, len(w.Hours), func(i int) bool {
		return w.Hours[i] >= 0 && w.Hours[i] < 24
	})...)
	p = append(p, listProblems(FieldWindowWeekdays, CodeBadWeekday, len(w.Weekdays), func(i int) bool {
		return w.Weekdays[i] >= time.Sunday && w.Weekdays[i] <= time.Saturday
	})...)
	return p.errOrNil()
}

func listProblems(field, badCode string, n int, valid func(int) bool) Problems {
	good := 0
	for i := range n {
		if valid(i) {
			good++
		}
	}
	switch {
	case n > 0 && good == 0:
		return Problems{{Field: field, Code: CodeWindowEmpty}}
	case good < n:
		return Problems{{Field: field, Code: badCode}}
	}
	return nil
}

// Translator says catalogue keys in one language; i18n.Lang is one.
type Translator interface {
	T(key string, args ...any) string
}

// Describe returns the window in words for the campaign pages, from the
// catalogue's schedule.window keys: "seg a sex, 09h–12h e 18h" in
// Brazilian Portuguese, "Mon–Fri, 09:00–12:00 and 18:00–19:00" in English.
// Runs of three or more consecutive days and of two or more consecutive
// hours are ranges (hours end-exclusive; a run may wrap past Sunday or
// midnight); a single hour is schedule.window.one_hour of its start and
// end (Portuguese writes "18h" alone, meaning 18:00–18:59). Invalid entries
// are ignored.
func (w Window) Describe(t Translator) string {
	c := w.compile()
	if c.never {
		return t.T("schedule.window.never")
	}
	d := t.T("schedule.window.when", describeDays(c.days, t), describeHours(c.hours, t))
	if c.holidays {
		d = t.T("schedule.window.except_holidays", d)
	}
	return d
}

// Restricted reports whether the window closes at all: it lists hours or
// weekdays, or closes on holidays.
func (w Window) Restricted() bool {
	return len(w.Hours) > 0 || len(w.Weekdays) > 0 || w.ClosedOnHolidays
}

// describeDays writes the allowed days Monday first, Brazilian style.
func describeDays(days [7]bool, t Translator) string {
	var set [7]bool // index 0 = Monday
	for d, ok := range days {
		set[(d+6)%7] = ok
	}
	name := func(i int) string { return t.T("schedule.window.day." + strconv.Itoa((i+1)%7)) }
	var items []string
	for _, r := range runs(set[:]) {
		switch {
		case r.n == 7:
			return t.T("schedule.window.every_day")
		case r.n >= 3:
			items = append(items, t.T("schedule.window.days", name(r.start), name((r.start+r.n-1)%7)))
		default:
			for i := range r.n {
				items = append(items, name((r.start+i)%7))
			}
		}
	}
	return joinList(items, t)
}

// describeHours writes the allowed hours as ranges.
func describeHours(hours [24]bool, t Translator) string {
	hh := func(h int) string { return t.T("schedule.window.hour", h%24) }
	var items []string
	for _, r := range runs(hours[:]) {
		switch {
		case r.n == 24:
			return t.T("schedule.window.any_time")
		case r.n == 1:
			items = append(items, t.T("schedule.window.one_hour", hh(r.start), hh(r.start+1)))
		default:
			items = append(items, t.T("schedule.window.hours", hh(r.start), hh(r.start+r.n)))
		}
	}
	return joinList(items, t)
}

// run is n consecutive set entries from start, possibly wrapping.
type run struct{ start, n int }

// runs returns the runs of true entries of a circular set, sorted by start;
// a run ending at the last entry joins one starting at the first.
func runs(set []bool) []run {
	n := len(set)
	var out []run
	for i := 0; i < n; {
		if !set[i] {
			i++
			continue
		}
		j := i
		for j < n && set[j] {
			j++
		}
		out = append(out, run{i, j - i})
		i = j
	}
	if len(out) > 1 && out[0].start == 0 {
		last := out[len(out)-1]
		if last.start+last.n == n {
			out[len(out)-1].n += out[0].n
			out = out[1:]
		}
	}
	return out
}

// joinList joins items as "a, b e c" (schedule.window.and for the last).
func joinList(items []string, t Translator) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return t.T("schedule.window.and", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}

// isEnglish reports whether a language tag asks for English.
func isEnglish(lang string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(lang)), "en")
}
