// Package dispatch is the background worker that sends campaigns.
//
// Contract — never twice, never skipped:
//   - A batch of messages is claimed durably (state "submitting") before
//     the request that carries it goes out.
//   - Accepted messages are recorded with the provider's id. Messages the
//     provider certainly refused (a 4xx) are failed with the reason; a 429
//     or 503 puts them back in the queue after a backoff.
//   - Anything else after the request was sent (a timeout, a dropped
//     connection, a 5xx) is an unknown outcome: the rows stay "submitting"
//     and are reconciled with the provider's status search by
//     correlationId; only those the provider does not know are queued again.
//     The same reconciliation runs at start-up for whatever a crash left
//     mid-flight, so kill -9 at any moment followed by a restart ends with
//     every recipient sent exactly once.
//   - Pause, resume and cancel take effect at the next claim (the worker
//     re-reads campaign states every PollInterval, at most a second);
//     batches already in flight finish. Shutdown finishes them and stops.
//   - Running campaigns take turns batch by batch, so they share the
//     capacity fairly; requests and messages per second are rate limited.
//   - A campaign's schedule is honoured: nothing is claimed while its
//     sending window is closed, and what is still queued at its expiry
//     deadline expires.
//   - Each SMS is rendered by Config.Compile (SMSCompiler: the composer's
//     message.Plan under the billing rule in force, field accents replaced
//     when the campaign asks). A text too long once personalised is refused
//     on its own (TooLongReason) and the rest of the batch goes; what each
//     accepted message is billed is recorded with it. Refusals here carry a
//     reason whose kind RefusalKind tells, for the report.
//
// A Sender may size batches by its door (BatchSizer: files of tens of
// thousands of rows, an SMPP pool's second of work), and ask that what the
// reconciler finds be linked by provider id (Linker: SMPP receipts name no
// correlationId).
//
// The package declares the Store and Sender it needs; main wires the SQLite
// store and the doors to Wavy (internal/door) to them.
package dispatch
