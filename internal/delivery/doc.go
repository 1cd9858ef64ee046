// Package delivery is the inbound twin of dispatch: it turns what the
// provider tells us after a send — status callbacks, delivery reports,
// WhatsApp statuses and replies, by webhook or by polling — into message
// states, report counters, the inbox and the suppression list.
//
// Contract — stored first, applied idempotently and in any order:
//   - Every notification is stored raw (Event) before it is answered; the
//     webhook's 200 means stored. Classify says which kind a webhook body
//     is without decoding the common one-object bodies in full.
//   - The Applier reads due events (Store.DueEvents), parses them on every
//     core, then in one transaction per batch (Store.ApplyBatch) loads the
//     states the batch names (Batch.Load), folds the events into them and
//     commits the changes (Batch.Commit).
//   - The fold is pure. merge is commutative, associative and idempotent,
//     and the report counters are derived from the merged columns, so any
//     order and any repeat of events give the same columns and counters. A
//     read receipt implies delivered; 203 and 204 suppress the number; an
//     opt-out keyword in a reply suppresses the sender. Replies are stored
//     and counted once per provider id (the ids already stored are loaded
//     in the same transaction).
//   - Times: a status's own level time (a callback's sent time, a DLR's
//     delivered time) outranks one repeated or implied by another level,
//     which outranks the event's arrival; between equals the earliest
//     wins. A late DLR with older times does not rewrite known ones.
//   - Statuses also speak for the dispatcher (Changes.Moves): a status of
//     a message whose send had no clear answer (submitting, or unknown
//     after a WhatsApp 500) proves the provider took it, so it becomes
//     accepted with the status's id and the funnel adds up. A status
//     saying the account had no credit or quota (201, 215) is not a
//     delivery fact: that attempt was not sent, so the message goes back
//     to the queue and its campaign pauses with the reason
//     (Changes.Pauses, dispatch.AccountLimitPrefix), even one that
//     completed meanwhile; one for an earlier attempt (another provider
//     id) changes nothing, and one for a send not yet recorded waits.
//   - An event naming a message of ours that does not exist yet waits and
//     is retried with backoff, until StatusHorizon; a correlationId that is
//     not ours is noted and kept out of every counter.
//   - A status without a correlationId (an SMPP receipt, which names the
//     part's message id) is linked to its message through the ids the
//     dispatcher recorded (Linker); every part of a concatenated message
//     leads to it, and the worse code of its parts wins (one undelivered
//     part: not delivered). An id linked to nothing waits UnlinkedWait,
//     then is noted as not ours.
//   - Receiver stores what a kept-open connection hands over (SMPP
//     receipts and replies) as events of the webhooks' kinds, source
//     "smpp", before the connection is answered.
//   - Once caught up the applier closes the status horizon: accepted
//     messages with no status after StatusHorizon count as unknown.
//   - The Poller is the fallback for accounts without webhooks: it stores
//     the provider's status and reply lists as events of the same kinds.
//
// The package declares the Store, Batch, PollStore and Source it needs;
// main wires the SQLite store and the Wavy client to them.
package delivery
