package schedule

import (
	"fmt"
	"time"
)

// MinAPILead is how far ahead the API requires a scheduledAt: scheduled
// messages take a separate path at the provider, which accepts only
// schedules "superior a 30 minutos" ahead.
const MinAPILead = 30 * time.Minute

// CheckAPISchedule returns an error wrapping a *FieldError with
// CodeScheduleTooSoon when at, an API scheduledAt, is less than MinAPILead
// after now. Exactly MinAPILead passes; callers should add a margin for the
// time the request takes to arrive.
func CheckAPISchedule(now, at time.Time) error {
	if lead := at.Sub(now); lead < MinAPILead {
		return fmt.Errorf("schedule: scheduledAt %s is %s after now, the API needs at least %s: %w",
			at.UTC().Format(time.RFC3339), lead.Round(time.Second), MinAPILead,
			&FieldError{Field: FieldScheduledAt, Code: CodeScheduleTooSoon})
	}
	return nil
}

// Expiry is when messages not yet submitted stop being worth sending. Its
// three forms mirror the API's expiresAt, expiresInMinutes and expiresDate
// and are mutually exclusive; the zero Expiry never expires.
type Expiry struct {
	// At is the instant after which messages expire (expiresAt).
	At time.Time
	// InMinutes is how many minutes after the start messages expire
	// (expiresInMinutes); 0 means unset.
	InMinutes int
	// Date is a calendar date (only its year, month and day, read in its
	// own location, are used): messages expire when that day ends in the
	// campaign's zone (expiresDate).
	Date time.Time
}

// IsZero reports whether no expiry form is set.
func (e Expiry) IsZero() bool {
	return e.At.IsZero() && e.InMinutes == 0 && e.Date.IsZero()
}

// Validate checks that at most one form is set (CodeExpiryExclusive) and
// that InMinutes is not negative (CodeExpiryMinutes). It returns nil or
// Problems.
func (e Expiry) Validate() error {
	var p Problems
	set := 0
	if !e.At.IsZero() {
		set++
	}
	if e.InMinutes != 0 {
		set++
	}
	if !e.Date.IsZero() {
		set++
	}
	if set > 1 {
		p = append(p, &FieldError{Field: FieldExpiry, Code: CodeExpiryExclusive})
	}
	if e.InMinutes < 0 {
		p = append(p, &FieldError{Field: FieldExpiryMinutes, Code: CodeExpiryMinutes})
	}
	return p.errOrNil()
}

// field names the form that is set, for problems about the deadline.
func (e Expiry) field() string {
	switch {
	case !e.At.IsZero():
		return FieldExpiryAt
	case e.InMinutes != 0:
		return FieldExpiryMinutes
	case !e.Date.IsZero():
		return FieldExpiryDate
	}
	return FieldExpiry
}

// Deadline returns the last instant at which a message may still be
// submitted; after it, a message not yet submitted is expired. ok is false
// when no form is set. start is when counting begins for InMinutes (the
// campaign's start); loc (nil means UTC) is the zone whose day Date ends.
// With several forms set (invalid) the earliest deadline wins. For Date the
// deadline is one nanosecond before the next local midnight, or before the
// first instant of the next day when midnight is skipped by a clock change.
// The result is in UTC.
func (e Expiry) Deadline(start time.Time, loc *time.Location) (deadline time.Time, ok bool) {
	consider := func(t time.Time) {
		if !ok || t.Before(deadline) {
			deadline, ok = t.UTC(), true
		}
	}
	if !e.At.IsZero() {
		consider(e.At)
	}
	if e.InMinutes != 0 {
		consider(start.Add(time.Duration(e.InMinutes) * time.Minute))
	}
	if !e.Date.IsZero() {
		y, m, d := e.Date.Date()
		nextDay := wallToInstant(time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC), orUTC(loc))
		consider(nextDay.Add(-time.Nanosecond))
	}
	return deadline, ok
}

// DateEnd is the expiresDate the provider must receive for Date, to be
// sent with timeZone set to loc's name: the last whole second of Date's
// day as a wall time in loc ("2026-12-06T23:59:59" in America/Sao_Paulo),
// so that "valid until the end of that day" means the end of the day in
// the campaign's zone, not in UTC. It is the same instant as Deadline, to
// the second, and its Location is loc, so a caller handed only the result
// still knows the zone. It is the zero time when Date is not set. loc nil
// means UTC.
func (e Expiry) DateEnd(loc *time.Location) time.Time {
	if e.Date.IsZero() {
		return time.Time{}
	}
	loc = orUTC(loc)
	y, m, d := e.Date.Date()
	next := wallToInstant(time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC), loc)
	return next.Add(-time.Second).In(loc)
}

// Expired reports whether a message not yet submitted at now is expired:
// now is after the deadline (see Deadline for start and loc).
func (e Expiry) Expired(now, start time.Time, loc *time.Location) bool {
	d, ok := e.Deadline(start, loc)
	return ok && now.After(d)
}
