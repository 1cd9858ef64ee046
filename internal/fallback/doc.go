// Package fallback is the SMS a WhatsApp campaign sends to the recipients
// WhatsApp cannot reach.
//
// A WhatsApp campaign may name an SMS text as its fallback (Settings): the
// text, with the list's {{placeholders}}, and how long to wait for a
// delivery (MinWait..MaxWait). A recipient gets the SMS when its WhatsApp
// message fails with a status that means WhatsApp cannot reach the number
// (Codes, the one table of them, read from the seeds), or when no delivery
// (nor read) is reported within the wait after the provider accepted it.
// Decide is that judgement, pure.
//
// Contract — once, exactly once across crashes:
//   - The SMS is never created from memory. A status in Codes queues its
//     message durably in the transaction that applies it (a trigger in
//     the store, checked against Codes by a test). The Sweeper calls
//     Store.SweepFallbacks, which in one write transaction drains that
//     queue and walks each campaign's messages past a cursor for the
//     waits that ran out, judges them with Decide, records each that
//     falls back in a table whose key is the WhatsApp message (so a
//     message can fall back only once, whatever crashes or repeats), and
//     queues its SMS in the campaign's hidden SMS companion in the same
//     transaction. The dispatcher sends
//     the companion like any campaign (claimed before it goes out,
//     reconciled after an unclear answer), so each SMS goes once.
//   - The decision uses only stored columns; a sweep after a crash finds
//     what the one before did not commit and nothing it did.
//   - Numbers on the suppression list are queued as suppressed, never
//     sent; opted-out and blocked statuses (203, 204) never fall back. A
//     paused campaign's fallbacks wait for it to resume; a cancelled
//     one's are dropped.
//
// The report counts the fallbacks on the WhatsApp campaign
// (report.KeyFallbacks, report.FallbackReasonKey) and reads the SMS
// results of the companion under report.FallbackPrefix, so report.Figures
// defines the fallback figures once.
package fallback
