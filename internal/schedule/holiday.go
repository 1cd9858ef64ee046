package schedule

import (
	"sync"
	"time"
)

// Holiday is one national closed day of Brazil.
type Holiday struct {
	Year  int
	Month time.Month
	Day   int
	// Key names it for translation ("tiradentes", "carnival_monday").
	Key string
	// Movable marks the days that follow Easter.
	Movable bool
}

// Date returns the holiday's midnight in loc.
func (h Holiday) Date(loc *time.Location) time.Time {
	return time.Date(h.Year, h.Month, h.Day, 0, 0, 0, 0, orUTC(loc))
}

// fixedHolidays are the national holidays on fixed dates (Lei 662/1949,
// Lei 6.802/1980, Lei 14.759/2023), with the year each began.
var fixedHolidays = []struct {
	month time.Month
	day   int
	key   string
	since int
}{
	{time.January, 1, "new_year", 0},
	{time.April, 21, "tiradentes", 0},
	{time.May, 1, "labour_day", 0},
	{time.September, 7, "independence", 0},
	{time.October, 12, "aparecida", 0},
	{time.November, 2, "all_souls", 0},
	{time.November, 15, "republic", 0},
	{time.November, 20, "black_consciousness", 2024},
	{time.December, 25, "christmas", 0},
}

// Easter returns the month and day of Easter Sunday of a Gregorian year
// (the anonymous algorithm of Meeus, Jones and Butcher).
func Easter(year int) (time.Month, int) {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return time.Month(month), day
}

// Holidays returns the national closed days of a year in date order: the
// fixed holidays and those that follow Easter — Carnival Monday and
// Tuesday (47 and 48 days before), Good Friday (2 before) and Corpus
// Christi (60 after). Carnival and Corpus Christi are optional days off in
// federal law but close most businesses, so senders count them.
func Holidays(year int) []Holiday {
	em, ed := Easter(year)
	easter := time.Date(year, em, ed, 12, 0, 0, 0, time.UTC)
	out := make([]Holiday, 0, 13)
	movable := func(days int, key string) Holiday {
		t := easter.AddDate(0, 0, days)
		return Holiday{Year: year, Month: t.Month(), Day: t.Day(), Key: key, Movable: true}
	}
	for _, f := range fixedHolidays {
		if year >= f.since {
			out = append(out, Holiday{Year: year, Month: f.month, Day: f.day, Key: f.key})
		}
	}
	out = append(out, movable(-48, "carnival_monday"), movable(-47, "carnival_tuesday"), movable(-2, "good_friday"), movable(60, "corpus_christi"))
	sortHolidays(out)
	return out
}

func sortHolidays(hs []Holiday) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && (hs[j].Month < hs[j-1].Month || (hs[j].Month == hs[j-1].Month && hs[j].Day < hs[j-1].Day)); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

var (
	holidayMu    sync.Mutex
	holidayCache = map[int][]Holiday{}
)

// HolidayAt returns the national holiday on t's date as read in t's own
// location, if any.
func HolidayAt(t time.Time) (Holiday, bool) {
	y, m, d := t.Date()
	for _, h := range holidaysOf(y) {
		if h.Month == m && h.Day == d {
			return h, true
		}
	}
	return Holiday{}, false
}

// holidaysOf is Holidays with a small cache: the window asks every hour it
// looks at.
func holidaysOf(year int) []Holiday {
	holidayMu.Lock()
	defer holidayMu.Unlock()
	if hs, ok := holidayCache[year]; ok {
		return hs
	}
	hs := Holidays(year)
	holidayCache[year] = hs
	return hs
}
