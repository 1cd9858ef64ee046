package schedule

import (
	"fmt"
	"time"
)

// StartGrace is how far in the past a start may be and still validate: a
// marketer picking "now" to the minute must not be refused because the
// form took a few seconds to submit.
const StartGrace = time.Minute

// Schedule is the timing of a campaign. Stored instants are UTC; StartAt is
// the exception, kept as the wall time the marketer chose so that it keeps
// its meaning in Zone.
type Schedule struct {
	// SendNow starts the campaign as soon as it is launched; StartAt is
	// then ignored.
	SendNow bool
	// StartAt is the wall time at which sending starts, read in Zone (only
	// its date and clock fields are used; see LocalToUTC).
	StartAt time.Time
	// Zone is the IANA zone of StartAt, Window and Expiry.Date; "" means
	// DefaultZone (America/Sao_Paulo).
	Zone string
	// Window limits the hours and weekdays of sending.
	Window Window
	// Expiry sets when unsent messages expire.
	Expiry Expiry
	// LocalTime reads Window in each recipient's own zone, known from the
	// number's DDD (see internal/areacode), instead of in Zone; numbers
	// without a known DDD keep Zone. Start and expiry stay in Zone.
	LocalTime bool `json:",omitempty"`
}

// Location returns the schedule's zone, DefaultZone when Zone is empty.
func (s Schedule) Location() (*time.Location, error) {
	return LoadZone(s.Zone)
}

// Start returns the instant sending starts, in UTC: now for a send-now
// schedule, otherwise StartAt converted from Zone. A scheduled campaign
// without StartAt is an error wrapping a CodeStartRequired *FieldError.
func (s Schedule) Start(now time.Time) (time.Time, error) {
	if s.SendNow {
		return now.UTC(), nil
	}
	if s.StartAt.IsZero() {
		return time.Time{}, fmt.Errorf("schedule: start: %w", &FieldError{Field: FieldStartAt, Code: CodeStartRequired})
	}
	t, err := LocalToUTC(s.StartAt, s.Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("schedule: start: %w", err)
	}
	return t, nil
}

// Validate checks the schedule as of now and returns nil or Problems: the
// zone (CodeBadZone), the start (CodeStartRequired, CodeStartInPast when it
// is more than StartGrace before now), the window (see Window.Validate),
// the expiry (see Expiry.Validate) and how they fit together: the deadline
// must be after the start (CodeExpiryBeforeStart) and the window must open
// before it (CodeExpiryBeforeWindow).
func (s Schedule) Validate(now time.Time) error {
	var p Problems
	loc, err := s.Location()
	if err != nil {
		p = append(p, &FieldError{Field: FieldZone, Code: CodeBadZone})
	}
	var start time.Time
	haveStart := false
	switch {
	case s.SendNow:
		start, haveStart = now, true
	case s.StartAt.IsZero():
		p = append(p, &FieldError{Field: FieldStartAt, Code: CodeStartRequired})
	case loc != nil:
		start, haveStart = wallToInstant(s.StartAt, loc), true
		if start.Before(now.Add(-StartGrace)) {
			p = append(p, &FieldError{Field: FieldStartAt, Code: CodeStartInPast})
		}
	}
	windowErr := s.Window.Validate()
	p = append(p, AsProblems(windowErr)...)
	expiryErr := s.Expiry.Validate()
	p = append(p, AsProblems(expiryErr)...)

	if haveStart && expiryErr == nil {
		if deadline, ok := s.Expiry.Deadline(start, loc); ok {
			if !deadline.After(start) {
				p = append(p, &FieldError{Field: s.Expiry.field(), Code: CodeExpiryBeforeStart})
			} else if windowErr == nil {
				if next, open := s.Window.NextOpen(start, loc); !open || next.After(deadline) {
					p = append(p, &FieldError{Field: s.Expiry.field(), Code: CodeExpiryBeforeWindow})
				}
			}
		}
	}
	return p.errOrNil()
}

// State summarises where a campaign's schedule stands at a given moment.
type State int

// The states NextSend reports.
const (
	// WaitingStart: the start is still ahead.
	WaitingStart State = iota + 1
	// WaitingWindow: started, but the window is closed until the time given.
	WaitingWindow
	// Open: messages may go out now.
	Open
	// Expired: the expiry deadline has passed.
	Expired
	// Never: no message will ever go out (the window never opens, or opens
	// only after the deadline, or the schedule is invalid).
	Never
)

// String returns the state as a stable key for translation:
// "waiting_start", "waiting_window", "open", "expired" or "never".
func (st State) String() string {
	switch st {
	case WaitingStart:
		return "waiting_start"
	case WaitingWindow:
		return "waiting_window"
	case Open:
		return "open"
	case Expired:
		return "expired"
	case Never:
		return "never"
	}
	return fmt.Sprintf("state(%d)", int(st))
}

// NextSend summarises s at now for the campaign page: when the next message
// may go out and why not earlier. It returns
//   - the first opening at or after the start, WaitingStart, before the start;
//   - now, Open, when the start has passed and the window is open;
//   - the next opening, WaitingWindow, when the window is closed;
//   - the deadline, Expired, once it has passed;
//   - the zero Time, Never, when the window cannot open (before the
//     deadline) or the schedule cannot be read (bad zone, no start).
//
// A send-now schedule starts at now, so an InMinutes expiry counts from now
// and never shows as expired here; the dispatcher, which knows when the
// campaign really started, passes that instant to Expiry.Deadline. The
// instant returned is in UTC.
func NextSend(s Schedule, now time.Time) (time.Time, State) {
	loc, err := s.Location()
	if err != nil {
		return time.Time{}, Never
	}
	start, err := s.Start(now)
	if err != nil {
		return time.Time{}, Never
	}
	deadline, hasDeadline := s.Expiry.Deadline(start, loc)
	if hasDeadline && now.After(deadline) {
		return deadline, Expired
	}
	from := start
	if from.Before(now) {
		from = now
	}
	next, ok := s.Window.NextOpen(from, loc)
	if !ok || (hasDeadline && next.After(deadline)) {
		return time.Time{}, Never
	}
	switch {
	case now.Before(start):
		return next, WaitingStart
	case next.Equal(now):
		return next, Open
	}
	return next, WaitingWindow
}
