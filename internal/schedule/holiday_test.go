package schedule

import (
	"fmt"
	"testing"
	"time"
)

func TestEaster(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		day   int
	}{
		{2000, time.April, 23}, {2019, time.April, 21}, {2024, time.March, 31}, {2025, time.April, 20},
		{2026, time.April, 5}, {2027, time.March, 28}, {2038, time.April, 25}, {2285, time.March, 22},
	}
	for _, tt := range tests {
		if m, d := Easter(tt.year); m != tt.month || d != tt.day {
			t.Errorf("Easter(%d) got %s %d, want %s %d", tt.year, m, d, tt.month, tt.day)
		}
	}
}

func TestHolidays2026(t *testing.T) {
	var got []string
	for _, h := range Holidays(2026) {
		got = append(got, fmt.Sprintf("%02d-%02d %s", h.Month, h.Day, h.Key))
	}
	want := []string{
		"01-01 new_year", "02-16 carnival_monday", "02-17 carnival_tuesday", "04-03 good_friday", "04-21 tiradentes",
		"05-01 labour_day", "06-04 corpus_christi", "09-07 independence", "10-12 aparecida", "11-02 all_souls",
		"11-15 republic", "11-20 black_consciousness", "12-25 christmas",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Holidays(2026) got\n%v\nwant\n%v", got, want)
	}
	for _, h := range Holidays(2023) {
		if h.Key == "black_consciousness" {
			t.Errorf("Holidays(2023) has Black Consciousness Day, national only since 2024")
		}
	}
}

// TestWindowClosedOnHolidays reads the holiday on the local date of the
// zone: Christmas starts three hours later in São Paulo than in UTC.
func TestWindowClosedOnHolidays(t *testing.T) {
	sp := mustLoc(t, "America/Sao_Paulo")
	w := Window{Hours: []int{9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2}, ClosedOnHolidays: true}
	tests := []struct {
		at   time.Time
		open bool
	}{
		{time.Date(2026, 12, 24, 22, 0, 0, 0, sp), true},
		{time.Date(2026, 12, 25, 1, 0, 0, 0, time.UTC), true}, // 22:00 on the 24th in São Paulo
		{time.Date(2026, 12, 25, 10, 0, 0, 0, sp), false},
		{time.Date(2026, 2, 17, 10, 0, 0, 0, sp), false}, // Carnival Tuesday
		{time.Date(2026, 2, 18, 10, 0, 0, 0, sp), true},  // Ash Wednesday is a working day here
		{time.Date(2026, 6, 4, 10, 0, 0, 0, sp), false},  // Corpus Christi
	}
	for _, tt := range tests {
		if got := w.Open(tt.at, sp); got != tt.open {
			t.Errorf("Open(%s) got %v, want %v", tt.at.In(sp), got, tt.open)
		}
	}
	next, ok := w.NextOpen(time.Date(2026, 12, 25, 10, 0, 0, 0, sp), sp)
	if want := time.Date(2026, 12, 26, 0, 0, 0, 0, sp); !ok || !next.Equal(want) {
		t.Errorf("NextOpen on Christmas got %s %v, want %s", next.In(sp), ok, want)
	}
	if !w.Restricted() || (Window{ClosedOnHolidays: true}).Open(time.Date(2026, 1, 1, 12, 0, 0, 0, sp), sp) {
		t.Errorf("a window closed on holidays alone must be restricted and closed on New Year's Day")
	}
}
