// Package listimport turns uploads into recipient lists and runs their
// imports in the background: one goroutine per list streams its uploaded
// file through recipient.Import into the Store, publishes its progress, and
// records the report, or why the list failed.
//
// Contract:
//   - Upload (upload.go) is the whole upload workflow in one call, the
//     same for the lists page and the API: inspect the saved file, apply the
//     caller's column choices (Columns; *ColumnError names those the file
//     lacks), then store the list with its preview (long cells cut,
//     KeepPreview) and, when it starts at once, its mapping and the
//     importing state, in ONE store transaction (CreateUploadedList); only
//     then does its job start. An unreadable file (ErrUnreadable), a bad
//     column or a store failure leaves nothing behind: no list, no preview,
//     no job, and the file is removed.
//   - Confirm starts a list that waited for its column mapping: the legal
//     basis and the importer (the proof its contacts keep) and the
//     importing state are stored in one statement (ConfirmListImport),
//     then its job starts.
//   - A list is imported once at a time (Start again while it runs does
//     nothing); Progress says how far it is, for pages opened mid-import.
//   - Progress goes to Topic(id) as "progress" events, then one "done".
//   - Rejected rows are written in batches of RejectedBatch; the upload is
//     removed once the import finished or failed (a file that failed will
//     fail again).
//   - Shutdown stops every import and waits for them: an interrupted list
//     stays importing with its file kept, and Resume starts it again, whole,
//     at the next start-up.
//   - An upload that waits longer than AbandonedAfter for its column
//     mapping is deleted with its file (CleanAbandoned, run by
//     StartCleaner until Shutdown).
//
// The package declares the Store and Publisher it needs; web wires the
// SQLite store and the event hub.
package listimport
