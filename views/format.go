package views

import (
	"context"
	"time"

	"arauto/internal/i18n"
	"arauto/internal/schedule"
)

// This file holds the one formatter of each kind every view uses: numbers
// and percentages in the reader's language, and instants in the reader's
// time zone. A page never formats a number or a time on its own.

// num writes an integer with the reader's digit grouping (1.856 or 1,856).
func num[I i18n.Integer](ctx context.Context, n I) string {
	return i18n.FormatInt(EnvFrom(ctx).Lang, n)
}

// decimal writes f with the given decimals and the reader's separators.
func decimal(ctx context.Context, f float64, decimals int) string {
	return i18n.FormatDecimal(EnvFrom(ctx).Lang, f, decimals)
}

// fmtPct writes a percentage (0..100) with one decimal: 66,7% or 66.7%.
func fmtPct(ctx context.Context, p float64) string {
	return i18n.FormatPercent(EnvFrom(ctx).Lang, p)
}

// N translates a key whose words depend on count, in the reader's
// language (see i18n.N).
func N[I i18n.Integer](ctx context.Context, key string, count I, args ...any) string {
	return i18n.N(EnvFrom(ctx).Lang, key, count, args...)
}

// Zone is the reader's time zone: their own choice, else the
// organisation's, else Brasília time. It is never nil.
func Zone(ctx context.Context) *time.Location {
	if loc := EnvFrom(ctx).Zone; loc != nil {
		return loc
	}
	loc, _ := schedule.LoadZone(schedule.DefaultZone)
	return loc
}

// ZoneLabel names a zone for people: the friendly name of Brazil's four
// zones, else the IANA name with its current offset ("Europe/Lisbon
// (UTC+0)").
func ZoneLabel(lang, name string) string {
	if name == "" {
		name = schedule.DefaultZone
	}
	for _, z := range schedule.BrazilZones() {
		if z.Name == name {
			return z.Label(lang)
		}
	}
	loc, err := schedule.LoadZone(name)
	if err != nil {
		return name
	}
	_, off := time.Now().In(loc).Zone()
	return name + " (" + utcOffset(off) + ")"
}

// utcOffset writes an offset in seconds as UTC-3, UTC+5:30 or UTC+0.
func utcOffset(off int) string {
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	h, m := off/3600, off%3600/60
	s := "UTC" + sign + itoaInt(h)
	if m != 0 {
		s += ":" + twoDigits(m)
	}
	return s
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + itoaInt(n)
	}
	return itoaInt(n)
}

// viewerZoneLabel names the reader's zone, as the page footer shows it.
func viewerZoneLabel(ctx context.Context) string {
	env := EnvFrom(ctx)
	return ZoneLabel(env.Lang, env.ZoneName)
}

// FormatTime shows an instant in the reader's time zone and language, or a
// dash for never: 05/12/2026 14:30 in Portuguese, Dec 5, 2026 14:30 in
// English. The zone is named once per page, in the footer of the layout.
func FormatTime(ctx context.Context, t time.Time) string {
	return TimeText(EnvFrom(ctx).Lang, Zone(ctx), t)
}

// TimeText is FormatTime for callers outside a page (exports): an instant
// in loc, written the way lang writes dates, or a dash for never.
func TimeText(lang string, loc *time.Location, t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if loc == nil {
		loc, _ = schedule.LoadZone(schedule.DefaultZone)
	}
	if lang == "en" {
		return t.In(loc).Format("Jan 2, 2006 15:04")
	}
	return t.In(loc).Format("02/01/2006 15:04")
}

// isoTime is the machine-readable form of an instant for <time datetime>.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// orgZoneOrDefault is the organisation's zone, Brasília time when none is
// saved.
func orgZoneOrDefault(ctx context.Context) string {
	if z := EnvFrom(ctx).OrgZone; z != "" {
		return z
	}
	return schedule.DefaultZone
}

// userZone is the signed-in reader's own zone, "" when they follow the
// organisation's.
func userZone(ctx context.Context) string {
	if u := EnvFrom(ctx).User; u != nil {
		return u.TimeZone
	}
	return ""
}
