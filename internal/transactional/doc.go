// Package transactional sends one message now on behalf of another system
// (the "order confirmed" case): one SMS, or one approved WhatsApp template,
// to one number, with the caller's correlation id.
//
// Contract:
//
//   - Send checks the request (every problem names its field), then stores
//     the message durably before it returns: the answer a caller gets means
//     the message will go out. With an idempotency key the answer is stored
//     in the same transaction as the message, so a replay of the key finds
//     the first answer and nothing is sent twice, even across a crash.
//
//   - The message travels the dispatcher's own path, never a second one:
//     each stream (SMS; each WhatsApp template) is a hidden campaign that
//     is always running, whose hidden list gets one row per message (the
//     text, or the template's parameters, as its fields). So the
//     dispatcher's promise holds for it as for a campaign: claimed durably
//     before it goes out, reconciled after an unclear answer, never twice.
//
//   - A number on the suppression list is stored as suppressed and never
//     sent; the answer says so.
//
//   - The dispatcher is woken when a message waits, at most every
//     WakeEvery, so a burst goes out in batches.
//
// The package declares the Store it needs; web wires the SQLite store and
// the dispatcher.
package transactional
