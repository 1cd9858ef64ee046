package schedule

import (
	"errors"
	"strings"
)

// Problem codes carried by FieldError.Code. They are stable identifiers the
// web layer translates; never show them to a marketer as they are.
const (
	// CodeStartRequired: a scheduled (not send-now) campaign has no start.
	CodeStartRequired = "start_required"
	// CodeStartInPast: the start is before now (less StartGrace).
	CodeStartInPast = "start_in_past"
	// CodeBadZone: the zone is not a loadable IANA zone name.
	CodeBadZone = "bad_zone"
	// CodeBadHour: a window hour is outside 0..23.
	CodeBadHour = "window_bad_hour"
	// CodeBadWeekday: a window weekday is outside Sunday..Saturday.
	CodeBadWeekday = "window_bad_weekday"
	// CodeWindowEmpty: the hours or weekdays listed are all invalid, so the
	// window can never open.
	CodeWindowEmpty = "window_empty"
	// CodeExpiryExclusive: more than one of the expiry forms is set.
	CodeExpiryExclusive = "expiry_exclusive"
	// CodeExpiryMinutes: the expiry in minutes is negative.
	CodeExpiryMinutes = "expiry_minutes_invalid"
	// CodeExpiryBeforeStart: the expiry deadline is not after the start.
	CodeExpiryBeforeStart = "expiry_before_start"
	// CodeExpiryBeforeWindow: the window first opens after the deadline, so
	// every message would expire unsent.
	CodeExpiryBeforeWindow = "expiry_before_window"
	// CodeScheduleTooSoon: an API scheduledAt is less than MinAPILead ahead.
	CodeScheduleTooSoon = "schedule_too_soon"
)

// Field names carried by FieldError.Field, matching the campaign form.
const (
	// FieldZone is Schedule.Zone.
	FieldZone = "zone"
	// FieldStartAt is Schedule.StartAt.
	FieldStartAt = "start_at"
	// FieldWindowHours is Window.Hours.
	FieldWindowHours = "window.hours"
	// FieldWindowWeekdays is Window.Weekdays.
	FieldWindowWeekdays = "window.weekdays"
	// FieldExpiry is the expiry as a whole (its forms together).
	FieldExpiry = "expiry"
	// FieldExpiryAt is Expiry.At.
	FieldExpiryAt = "expiry.at"
	// FieldExpiryMinutes is Expiry.InMinutes.
	FieldExpiryMinutes = "expiry.in_minutes"
	// FieldExpiryDate is Expiry.Date.
	FieldExpiryDate = "expiry.date"
	// FieldScheduledAt is the API's scheduledAt (CheckAPISchedule).
	FieldScheduledAt = "scheduled_at"
)

// FieldError is one validation problem: which field and what is wrong with it.
type FieldError struct {
	// Field is one of the Field* constants.
	Field string
	// Code is one of the Code* constants.
	Code string
}

// Error implements error as "schedule: FIELD: CODE".
func (e *FieldError) Error() string {
	return "schedule: " + e.Field + ": " + e.Code
}

// Problems is every validation problem found, in a stable order. Validate
// methods return it as an error only when it is non-empty.
type Problems []*FieldError

// Error implements error by joining the problems with "; ".
func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, fe := range p {
		parts[i] = fe.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each *FieldError to errors.Is and errors.As.
func (p Problems) Unwrap() []error {
	errs := make([]error, len(p))
	for i, fe := range p {
		errs[i] = fe
	}
	return errs
}

// Has reports whether a problem with this field and code is present.
func (p Problems) Has(field, code string) bool {
	for _, fe := range p {
		if fe.Field == field && fe.Code == code {
			return true
		}
	}
	return false
}

// AsProblems returns the problems carried by err (a Problems, a single
// *FieldError, or an error wrapping either), or nil when there are none.
func AsProblems(err error) Problems {
	var p Problems
	if errors.As(err, &p) {
		return p
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return Problems{fe}
	}
	return nil
}

// errOrNil returns p as an error, or a true nil when p is empty.
func (p Problems) errOrNil() error {
	if len(p) == 0 {
		return nil
	}
	return p
}
