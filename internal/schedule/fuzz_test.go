package schedule

import (
	"testing"
	"time"
)

var fuzzZones = []string{
	"America/Sao_Paulo", "America/New_York", "Europe/Lisbon", "Australia/Sydney",
	"Australia/Lord_Howe", "Asia/Kathmandu", "Pacific/Chatham", "America/Noronha",
	"America/Rio_Branco", "UTC", "Pacific/Apia",
}

// fuzzWindow builds a window from bit masks: bits 0..23 of hours are the
// hours, bit 24 adds an invalid hour; bits 0..6 of days are the weekdays,
// bit 7 adds an invalid weekday.
func fuzzWindow(hours uint32, days uint8) Window {
	var w Window
	for h := range 24 {
		if hours&(1<<h) != 0 {
			w.Hours = append(w.Hours, h)
		}
	}
	if hours&(1<<24) != 0 {
		w.Hours = append(w.Hours, 24)
	}
	for d := range 7 {
		if days&(1<<d) != 0 {
			w.Weekdays = append(w.Weekdays, time.Weekday(d))
		}
	}
	if days&(1<<7) != 0 {
		w.Weekdays = append(w.Weekdays, 7)
	}
	return w
}

// FuzzNextOpen checks NextOpen (and CloseAfter) against a brute-force scan.
// From 2000 on, every zone fuzzed changes offset by multiples of 15 minutes
// at quarter hours, so the local hour changes only at UTC quarter hours.
func FuzzNextOpen(f *testing.F) {
	f.Add(int64(1781524800), uint32(0x41800), uint8(0x3e), uint8(0))  // api example, weekdays, Sao Paulo
	f.Add(int64(1772949600), uint32(1<<2), uint8(0), uint8(1))        // NY spring forward, hour 2
	f.Add(int64(1774180800), uint32(1<<1), uint8(1), uint8(2))        // Lisbon, Sunday 1h, skipped
	f.Add(int64(1541257200), uint32(1), uint8(0), uint8(0))           // Sao Paulo 2018 gap, hour 0
	f.Add(int64(1550368800), uint32(1<<23), uint8(1<<6), uint8(0))    // Sao Paulo 2019 overlap
	f.Add(int64(1781524800), uint32(1<<24), uint8(0), uint8(3))       // never
	f.Add(int64(1781524800), uint32(0), uint8(0x80), uint8(4))        // never, bad weekday
	f.Add(int64(1781524800), uint32(0xc00003), uint8(0x20), uint8(5)) // late night, Fridays
	f.Add(int64(1791039600), uint32(1<<2), uint8(0), uint8(4))        // Lord Howe half hour
	f.Add(int64(1781524800), uint32(0xffffff), uint8(0x7f), uint8(9)) // always
	f.Fuzz(func(t *testing.T, sec int64, hours uint32, days uint8, zi uint8) {
		lo, hi := utc(2000, 1, 1, 0, 0, 0).Unix(), utc(2040, 1, 1, 0, 0, 0).Unix()
		if sec < lo || sec >= hi {
			sec = lo + (sec%(hi-lo)+(hi-lo))%(hi-lo)
		}
		tt := time.Unix(sec, int64(hours%1000)*1e6).UTC() // some milliseconds too
		zone := fuzzZones[int(zi)%len(fuzzZones)]
		loc := mustLoc(t, zone)
		w := fuzzWindow(hours, days)
		c := w.compile()

		got, ok := w.NextOpen(tt, loc)
		if c.never {
			if ok || !got.IsZero() {
				t.Fatalf("%s %+v NextOpen(%s) got (%s, %v), want (zero, false)", zone, w, fmtT(tt), fmtT(got), ok)
			}
			return
		}
		if !ok {
			t.Fatalf("%s %+v NextOpen(%s) got ok=false, want an opening", zone, w, fmtT(tt))
		}
		if got.Before(tt) || !w.Open(got, loc) {
			t.Fatalf("%s %+v NextOpen(%s) got %s (open=%v), want an open instant >= t", zone, w, fmtT(tt), fmtT(got), w.Open(got, loc))
		}
		if w.Open(tt, loc) != got.Equal(tt) {
			t.Fatalf("%s %+v NextOpen(%s) got %s, want t itself exactly when open at t", zone, w, fmtT(tt), fmtT(got))
		}
		if ahead := got.Sub(tt); ahead > 8*24*time.Hour {
			// Only a clock change hiding an allowed hour may push it further.
			_, end := tt.In(loc).ZoneBounds()
			if end.IsZero() || end.After(got) || ahead > 15*24*time.Hour {
				t.Fatalf("%s %+v NextOpen(%s) got %s, %s ahead, want at most 8 days", zone, w, fmtT(tt), fmtT(got), ahead)
			}
		}
		// Nothing earlier is open.
		for q := tt.Truncate(15 * time.Minute).Add(15 * time.Minute); q.Before(got); q = q.Add(15 * time.Minute) {
			if w.Open(q, loc) {
				t.Fatalf("%s %+v NextOpen(%s) got %s, but %s is open", zone, w, fmtT(tt), fmtT(got), fmtT(q))
			}
		}

		// CloseAfter from the opening: a later closed instant, open until then.
		end := w.CloseAfter(got, loc)
		if c.always {
			if !end.IsZero() {
				t.Fatalf("%s %+v CloseAfter(%s) got %s, want zero for an always-open window", zone, w, fmtT(got), fmtT(end))
			}
			return
		}
		if !end.After(got) || w.Open(end, loc) {
			t.Fatalf("%s %+v CloseAfter(%s) got %s, want a closed instant after it", zone, w, fmtT(got), fmtT(end))
		}
		for q := got.Truncate(15 * time.Minute).Add(15 * time.Minute); q.Before(end); q = q.Add(15 * time.Minute) {
			if !w.Open(q, loc) {
				t.Fatalf("%s %+v CloseAfter(%s) got %s, but %s is already closed", zone, w, fmtT(got), fmtT(end), fmtT(q))
			}
		}
	})
}
