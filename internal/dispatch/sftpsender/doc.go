// Package sftpsender sends dispatch batches as Wavy SFTP batch files
// instead of HTTPS requests, for accounts that use the SFTP door.
//
// A claimed batch becomes one file (internal/batchfile layouts), rendered
// exactly as for HTTPS: the worker has already applied suppression, caps
// and personalisation (SMS texts arrive rendered; WhatsApp templates are
// filled here from each recipient's fields, as wavysender does). Rows the
// layout cannot carry (";" or a line break in a text, see batchfile) are
// left out of the file and failed with their row and field; the rest is
// uploaded.
//
// Never twice, never skipped. The file name is a pure function of the
// batch: <SUBCONTA>.<YYYYMMDD>.<SEQ>.txt with SEQ the smallest message id
// in the file and the date the day of the upload (America/Sao_Paulo). A
// message is in at most one file, and all of a file's messages change
// state together, so:
//   - Send first looks for the name (today's and yesterday's date): a file
//     already there is never uploaded again; its fate is the batch's.
//   - Send uploads atomically (wavysftp) and waits until Wavy moves the
//     file to success (every row accepted, without a provider id: statuses
//     find messages by correlationId) or error (rejected with Wavy's note).
//     Running out of time while the file waits in upload is an unknown
//     outcome: the rows stay "submitting" for the reconciler.
//   - Find answers from the files themselves, for both channels: it lists
//     upload, success and error once and walks the asked ids upwards. The
//     smallest unsettled id M is looked for in the file whose SEQ is M (any
//     date or sub-account), else in the files with the 8 nearest smaller
//     SEQs (the reconciler asks at most 1000 ids a round, so a file's first
//     rows may have been settled in an earlier round); every asked id in a
//     file read is settled with it, and an id in none of them was never
//     uploaded. This is exact while a message's file is among those 8,
//     which holds unless more than 8 re-claimed batches of one campaign
//     interleave in id order around it; Send's own check for its file name
//     is a second guard. A file still in upload makes Find fail, so the
//     worker asks again later instead of resending. Messages of a file in
//     error are reported unknown to Wavy (they go back to the queue, and
//     the next Send meets the error file and rejects them with its note),
//     except SMS messages the optional HTTPS status search finds: the seeds
//     do not say whether a refused file may have been sent in part, so
//     Search, when configured, settles it.
//
// The SMS layout carries number, text and correlationId only: no campaign
// alias (Arauto's reports match statuses by correlationId, but Wavy's
// portal will not group these messages under the campaign), no per-message
// expiry (the worker's deadline still stops unsent batches) and no flash
// SMS (flash campaigns are rejected rather than sent as plain SMS).
//
// The WhatsApp layout is template-only and has no header text parameters;
// other WhatsApp messages are rejected with the reason. It also documents
// no correlationId: the file carries one in a "correlationId" column (see
// batchfile), to be confirmed with Wavy.
//
// Build (and Builder, for streaming) is the pure function behind Send that
// an operator's "download the file" uses: messages in, file bytes out.
package sftpsender
