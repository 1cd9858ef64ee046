// Package dispatch is the background worker that sends campaigns.
//
// Contract — never twice, never skipped:
//   - A batch of messages is claimed durably (state "submitting") before
//     the request that carries it goes out.
//   - A scheduled campaign is started (its outbox filled, state running)
//     only where Config.FiresStarts allows, one instance at a time; the
//     fill continues from the outbox's last row in each chunk's own
//     transaction, so a start repeated never copies a recipient twice.
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
//     re-reads campaign states every PollInterval, at most a second, and a
//     claim takes nothing from a campaign that is not running); batches
//     already in flight finish. Shutdown finishes them and stops.
//   - An exhausted account (ErrAccountLimit: NO_CREDIT, the quota) pauses
//     the campaign at once with a reason starting AccountLimitPrefix; the
//     batch goes back to the queue, without a backoff of the worker's own:
//     the person resumes once the account is topped up. (The same codes
//     reported as statuses are handled by internal/delivery.)
//   - Messages a batch puts back in the queue leave that batch at once:
//     another batch may claim them while the first is still finishing,
//     and the in-flight table keeps them with the batch that carries them,
//     so the reconciler never takes a message on the wire for a lost one.
//   - Free-form WhatsApp goes only to numbers with an open 24-hour session
//     (Config.Sessions: the provider's list with the stored replies); when
//     that cannot be known the batch waits in the queue.
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
//   - An SMS campaign with an A/B test (Campaign.Variants) renders each
//     message with its own variant's text (Message.Variant; the remainder,
//     released by the store once a winner is chosen, carries the winner as
//     -variant); the store holds the remainder ('held', never claimed)
//     until then, so the test share is all that goes first.
//   - A campaign that tracks clicks (Campaign.TrackClicks) has each http(s)
//     link of its text replaced by the recipient's own short link
//     (ShortLinks: a code naming the message and the link), of the fixed
//     length the composer and the pre-flight counted.
//
// A Sender may size batches by its door (BatchSizer: files of tens of
// thousands of rows, an SMPP pool's second of work), and ask that what the
// reconciler finds be linked by provider id (Linker: SMPP receipts name no
// correlationId).
//
// Audiences (issue 16): with Config.FrequencyCap and a Store that is a
// CapStore, the messages of numbers that already had the rule's maximum
// within its window are marked capped (the rule recorded as the reason)
// instead of sent. A campaign sent in each recipient's own time (its
// window read per DDD zone, holidays optionally closed) claims only the
// areas whose window is open, through a Store that is an AreaClaimer.
// Numbers erased on request are suppressed when claimed.
//
// The package declares the Store and Sender it needs; main wires the SQLite
// store and the doors to Wavy (internal/door) to them.
package dispatch
