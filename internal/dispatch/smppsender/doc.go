// Package smppsender adapts the SMPP client (internal/smpp/esme) to the
// dispatcher: it is a dispatch.Sender that submits a batch over the
// client's binds, one submit_sm per part, each message carrying its
// correlationId in the TLV esme documents, the campaign's flash flag and
// its expiry as the validity period. campaignAlias and extraInfo have no
// SMPP field in the seeds and are not sent.
//
// Contract:
//   - Send waits up to BindWait for a bind: none up answers
//     dispatch.ErrTryLater (the batch is requeued with back-off), a
//     refused account dispatch.ErrUnauthorized (the campaign pauses).
//     WhatsApp batches are rejected.
//   - Accepted messages are returned with the message_id of their first
//     part as ProviderID and every part's message_id as Links: receipts
//     name parts by those ids, never by the correlationId, and the store
//     links them to the message (the sender is a dispatch.Linker, so the
//     reconciler links what it finds too). Messages never written (the deadline came first) go back to
//     the queue in a *dispatch.StoppedError. One class covers the rest: an
//     unknown outcome (a connection dropped or an answer that never came
//     after the submit_sm was written) makes the error unclassified, so
//     the dispatcher leaves them "submitting" and reconciles them; failing
//     that, a temporary refusal is dispatch.ErrTryLater; refusals alone are
//     dispatch.ErrRejected.
//   - Exactly once: Find is the HTTPS status search by correlationId
//     (Lookup, e.g. wavysender's Find on the same account), which finds
//     SMPP messages because they carry the correlationId. Reconciliation
//     runs before anything unknown is resubmitted, and at start-up for
//     what a crash left in flight. Without Lookup, CanReconcile is false
//     and the dispatcher marks unknown outcomes "unknown" instead of ever
//     sending them twice.
//   - Sizing: the client carries Capacity() submit_sm a second (320 with
//     4 binds at the seeds' 80); a batch must fit SendTimeout at that rate
//     (1000 single-part messages take about 3 s with 4 binds). The doors
//     (internal/door) size SMPP batches at a quarter second per bind.
package smppsender
