package smpp

import (
	"fmt"
	"time"
)

// FormatAbsolute renders t as an SMPP 3.4 absolute time (§7.1.1),
// "YYMMDDhhmmsst00+": in UTC, the server's time zone at Wavy.
func FormatAbsolute(t time.Time) string {
	t = t.UTC()
	return fmt.Sprintf("%02d%02d%02d%02d%02d%02d%d00+", t.Year()%100, int(t.Month()), t.Day(),
		t.Hour(), t.Minute(), t.Second(), t.Nanosecond()/int(100*time.Millisecond))
}

// MaxRelative is the longest validity a relative time expresses here: 99
// days (the DD field), far beyond what carriers keep a message.
const MaxRelative = 99 * 24 * time.Hour

// FormatRelative renders d as an SMPP relative time, "000DDhhmmss000R",
// rounded down to the second. d must be between one second and MaxRelative.
func FormatRelative(d time.Duration) (string, error) {
	if d < time.Second || d > MaxRelative {
		return "", fmt.Errorf("smpp: relative time %s out of range (1s to %s)", d, MaxRelative)
	}
	s := int64(d / time.Second)
	days, s := s/86400, s%86400
	return fmt.Sprintf("0000%02d%02d%02d%02d000R", days, s/3600, s%3600/60, s%60), nil
}

// ParseTime reads an absolute or relative SMPP time; a relative one counts
// from now. The empty string gives the zero time.
func ParseTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) != 16 {
		return time.Time{}, fmt.Errorf("smpp: time %q: want 16 characters", s)
	}
	var f [7]int
	for i := range f {
		a, b := s[2*i], s[2*i+1]
		if i == 6 {
			a, b = '0', s[12]
		}
		if a < '0' || a > '9' || b < '0' || b > '9' {
			return time.Time{}, fmt.Errorf("smpp: time %q: not digits", s)
		}
		f[i] = int(a-'0')*10 + int(b-'0')
	}
	nn := 0
	if s[13] < '0' || s[13] > '9' || s[14] < '0' || s[14] > '9' {
		return time.Time{}, fmt.Errorf("smpp: time %q: bad offset", s)
	}
	nn = int(s[13]-'0')*10 + int(s[14]-'0')
	yy, mo, dd, hh, mi, ss, tenth := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
	switch s[15] {
	case 'R':
		t := now.AddDate(yy, mo, dd)
		return t.Add(time.Duration(hh)*time.Hour + time.Duration(mi)*time.Minute + time.Duration(ss)*time.Second), nil
	case '+', '-':
		if mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59 || nn > 48 {
			return time.Time{}, fmt.Errorf("smpp: time %q: field out of range", s)
		}
		off := nn * 15 * 60
		if s[15] == '-' {
			off = -off
		}
		t := time.Date(2000+yy, time.Month(mo), dd, hh, mi, ss, tenth*int(100*time.Millisecond), time.FixedZone("", off))
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("smpp: time %q: last character must be +, - or R", s)
}
