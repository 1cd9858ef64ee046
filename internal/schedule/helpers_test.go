package schedule

import (
	"testing"
	"time"
)

// mustLoc loads a zone or stops the test.
func mustLoc(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := LoadZone(name)
	if err != nil {
		t.Fatalf("LoadZone(%q): %v", name, err)
	}
	return loc
}

// utc is a UTC instant to the second.
func utc(y int, mo time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC)
}

// wall is a wall time (fields only) for LocalToUTC and Schedule.StartAt.
func wall(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, time.UTC)
}

// in is the instant at which loc shows the given wall time (unambiguous
// times only; the tests use it for readability).
func in(loc *time.Location, y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, loc).UTC()
}

// codes flattens an error's problems to "field:code" strings.
func codes(err error) []string {
	var out []string
	for _, fe := range AsProblems(err) {
		out = append(out, fe.Field+":"+fe.Code)
	}
	return out
}

// fmtT formats an instant for failure messages.
func fmtT(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.UTC().Format("2006-01-02T15:04:05.999999999Z")
}
