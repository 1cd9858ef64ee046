// Package outhook sends the console's events to the receivers admins
// registered (outgoing webhooks): a message delivered, failed or read, a
// reply received, an opt-out, a campaign's state changed, an import
// finished (and, with link tracking, a click).
//
// Contract:
//   - Facts are recorded by the store in the same transaction as the
//     change they describe (so a receiver is never told of something that
//     did not happen, and nothing that happened is missed), and only while
//     a receiver is active. The Worker turns each fact into events, and
//     each event into one delivery per receiver that wants it, in the
//     durable outbox; then it forgets the fact. Bodies are made once, so
//     every attempt sends the same bytes.
//   - Every delivery is a POST of one JSON event, signed:
//     X-Arauto-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//     "<t>.<body>" with the receiver's secret> (Sign, Verify).
//   - A 2xx answer delivers it. Anything else (another status, a timeout,
//     a refused connection) is retried with growing waits (Backoff) for a
//     day after the event, then given up. The last answer (status, the
//     start of the body, the time taken) is kept for the delivery log.
//   - Events about one subject (a message, a campaign, a list, a number)
//     reach a receiver in the order they happened: a delivery waits while
//     an earlier one of the same subject to the same receiver is pending.
//   - Each receiver has its own loop and a bounded number of requests in
//     flight (each with a timeout), so a slow or dead receiver delays only
//     its own deliveries, never sending, webhook ingestion or the other
//     receivers. A receiver that cannot be reached at all (a round whose
//     every request was refused or timed out) is paused and probed with
//     one delivery at growing intervals (up to MaxPause) until it answers;
//     its deliveries wait in the outbox meanwhile.
//
// The package declares the Store it needs; main wires the SQLite store.
package outhook
