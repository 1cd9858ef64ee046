// Package inbox is the team's side of a conversation with one number: an
// operator answers a reply, and the conversation is read, assigned and
// closed.
//
// Contract:
//   - An answer goes by the channel the person chose among those the
//     contact replied on: SMS through send-sms (any time), WhatsApp free
//     text or media (by URL) only while the contact's 24-hour session is
//     open (internal/session decides). A number on the suppression list is
//     never answered.
//   - An answer is stored as "sending" before the request leaves, then
//     "accepted" (with the provider's id), "failed" (with the reason, when
//     the provider refused it or could not take it now) or "unknown" (the
//     request went out and its answer was lost). It is never sent again by
//     itself: the operator sees which and decides. An answer left
//     "sending" by a crash reads as unknown after StaleSending.
//   - Answering marks the conversation read. A conversation is unread
//     while it has a reply newer than the last one read; it is closed
//     until a new reply arrives, which opens it again.
//
// The package declares the Store, Sender and Sessions it needs; web wires
// the SQLite store, the Wavy client of the settings in force and the
// session tracker.
package inbox
