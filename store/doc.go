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
//     only (0600). Settings named in SealSettings (the Wavy token) are stored
//     encrypted with AES-256-GCM under a key derived from the session key.
//   - Sessions are stored by the SHA-256 of their id, never the id itself.
//   - No domain rules: packages under internal/ are imported for their types
//     and the stored forms of them (the JSON of a schedule or a WhatsApp
//     message). What a provider's answer means, the sending window, the
//     pre-flight live there; the Store implements the interfaces they
//     declare (dispatch.Store, delivery.Store and Batch, campaign.Store,
//     listimport.Store). ApplyBatch runs delivery's fold inside one write
//     transaction, so the states it loads and the changes it commits belong
//     to one moment.
//   - Automation (migration 0180): API tokens by the SHA-256 of their
//     secret (tokens.go); idempotency keys with the first answer
//     (idempotency.go); the audit log, which triggers keep append-only
//     (audit.go); transactional messages as hidden, always-running stream
//     campaigns and lists (api_stream = 1, left out of every listing) whose
//     message, list row, idempotent answer and audit entry are written in
//     one transaction (transactional.go); outgoing webhooks (outhooks.go):
//     triggers on messages, inbound, suppressions, campaigns and lists
//     record facts in the transaction that changes them (only while a
//     receiver is active), and the outbox of deliveries the outhook worker
//     fans them out to. Receivers' signing secrets are sealed like the Wavy
//     token.
package store
