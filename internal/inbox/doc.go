// Package inbox is the team's side of a conversation with one number: an
// operator answers a reply, and the conversation is read, assigned and
// closed.
//
// Contract:
//   - An answer goes by the channel the person chose among those the
//     contact replied on: SMS (any time), WhatsApp free text or media (by
//     URL) only while the contact's 24-hour session is open
//     (internal/session decides). A number on the suppression list is
//     never answered.
//   - An answer travels the dispatcher's own path, never a second one: it
//     is stored with its row in the outbox of an answer stream (a hidden
//     campaign, as transactional messages have: StreamOf) in one
//     transaction, and the dispatcher is woken. So it goes out exactly
//     once through the door in force (HTTPS, SMPP or SFTP), claimed before
//     it leaves and reconciled by correlationId after a crash, and its
//     statuses are applied like any campaign message's: the conversation
//     shows it sending, sent, delivered, read or failed (Answer.StateAt).
//   - An answer asked for under a key (Draft.Key: an API Idempotency-Key)
//     gets a correlation derived from it, so asking again with the same
//     key finds the answer stored and sends nothing.
//   - Answers stored before they travelled the outbox keep their state
//     (accepted, failed, unknown); one left "sending" reads as unknown
//     after StaleSending.
//   - Answering marks the conversation read. A conversation is unread
//     while it has a reply newer than the last one read; it is closed
//     until a new reply arrives, which opens it again.
//
// The package declares the Store, Waker and Sessions it needs; web wires
// the SQLite store, the dispatcher and the session tracker.
package inbox
