// Package schedule holds the timing rules of a campaign: time zones, the
// conversion of a marketer's wall-clock time to an instant, sending windows,
// message expiry and the summary the campaign page shows ("next message at
// 09:00", "waiting for the window", "expired").
//
// The package is pure: it reads no clock, so every function whose answer
// depends on the present takes `now` as a parameter, and it does no I/O
// except reading the list of zone names once (see AllZones). It imports
// time/tzdata, so every IANA zone loads even in an image without
// /usr/share/zoneinfo.
//
// # Times
//
// Instants are stored in UTC and converted at the edges: a marketer types a
// wall time ("2026-12-01 09:00") in the campaign's zone, LocalToUTC turns it
// into an instant, and the pages convert instants back with time.In. Times
// that are not part of a campaign's schedule (when a list was created, when
// a message was delivered) are shown in the reader's zone, which
// DisplayZone picks: their own choice, else the organisation's. Every
// instant this package returns is in UTC. A wall time that does not exist
// (the hour skipped when clocks spring forward) moves forward to the first
// instant after the gap, which is the moment the clocks jumped; a wall time
// that occurs twice (the hour repeated when clocks fall back) takes the first
// occurrence. Brazil observed daylight saving time until February 2019;
// historical dates keep their historical offsets.
//
// # Windows
//
// A Window lists the local hours (0..23, each meaning HH:00:00 to
// HH:59:59.999…) and the weekdays on which messages may go out, evaluated
// in the campaign's zone: an instant is open when the local clock shows an
// allowed hour on an allowed weekday. An empty list allows everything. The
// weekday is that of the local calendar day, so with hours 22, 23, 0 and 1
// on Fridays only, the stretch closes at Saturday 00:00. On a day when the
// clocks change, an hour that does not exist is simply never open and an
// hour that occurs twice is open both times. Consecutive allowed hours form
// one stretch, across midnight when the day allows it; CloseAfter gives the
// end of the current stretch and NextOpen the start of the next one, so the
// dispatcher can pause itself and resume on time.
//
// # Expiry
//
// An Expiry sets when unsent messages expire, in one of the three mutually
// exclusive forms of the API: an instant (expiresAt), a number of minutes
// after the start (expiresInMinutes) or a date whose end, in the campaign's
// zone, is the deadline (expiresDate). A message not yet submitted when the
// deadline has passed is expired. DateEnd gives what the provider must
// receive for the date form: the day's last second as a wall time in the
// campaign's zone, sent with that zone as timeZone, never midnight in UTC.
// expiresInMinutes counts from the provider's receipt of each message
// ("assim que a mensagem é recebida pela Wavy"), not from the start.
//
// # Validation
//
// Validate methods return nil or a Problems value listing one *FieldError
// per problem, each naming the field and a stable code (the Code*
// constants) that the web layer translates; errors.As finds both.
package schedule
