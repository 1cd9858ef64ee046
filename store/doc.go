// Package store keeps Arauto's state in SQLite (mattn/go-sqlite3, WAL).
//
// Contract:
//   - Open applies the embedded, numbered migrations in order, each in its own
//     transaction, recorded in schema_migrations.
//   - Writes go through one connection (SQLite has one writer anyway; queuing
//     in Go avoids SQLITE_BUSY storms); reads use a separate pool. Raw events
//     are group-committed: concurrent AppendEvent calls share transactions,
//     and each returns once its event is stored.
//   - SQL lives inline, one file per table. Times are stored as UTC unix
//     milliseconds (toMS and fromMS).
//   - A missing row is ErrNotFound (never nil, nil); a uniqueness clash is
//     ErrConflict. Other errors are wrapped with the operation that failed.
//   - The database file and its -wal/-shm files are readable by their owner
//     only (0600). Settings named in SealSettings (the Wavy token, the SMPP
//     and SFTP passwords) are stored encrypted with AES-256-GCM under a key
//     derived from the session key.
//   - Accept links the provider ids a sender gives (dispatch.Accepted.Links,
//     every part of an SMPP message) in provider_links, which the applier
//     reads (LinkedMessages) for statuses without a correlationId; HTTPS
//     sends write nothing there, and messages has no index on provider_id.
//   - Sessions are stored by the SHA-256 of their id, never the id itself.
//   - No domain rules: packages under internal/ are imported for their types
//     and the stored forms of them (the JSON of a schedule or a WhatsApp
//     message). What a provider's answer means, the sending window, the
//     pre-flight live there; the Store implements the interfaces they
//     declare (dispatch.Store, delivery.Store and Batch, campaign.Store,
//     listimport.Store, session.Replies, breaker.Store, testsend.Store).
//     Test sends live in test_sends, never in messages, so no counter or
//     report of a campaign sees them. ApplyBatch runs delivery's fold
//     inside one write transaction, so the states it loads (with each
//     message's dispatcher state and provider id, and its campaign's state)
//     and the changes it commits (delivery columns, the dispatcher-state
//     moves and campaign pauses the fold decided, counters) belong to one
//     moment; a move whose row is no longer in the state the fold read
//     rolls the batch back.
package store
