// Package store keeps Arauto's state in SQLite (mattn/go-sqlite3, WAL).
//
// Contract:
//   - Open applies the embedded, numbered migrations in order, each in its own
//     transaction, recorded in schema_migrations.
//   - Writes go through one connection (SQLite has one writer anyway; queuing
//     in Go avoids SQLITE_BUSY storms); reads use a separate pool.
//   - SQL lives inline, one file per table. Times are stored as UTC unix
//     milliseconds.
//   - A missing row is ErrNotFound (never nil, nil); a uniqueness clash is
//     ErrConflict. Other errors are wrapped with the operation that failed.
//   - The database file and its -wal/-shm files are readable by their owner
//     only (0600). Settings named in SealSettings (the Wavy token) are stored
//     encrypted with AES-256-GCM under a key derived from the session key.
//   - Sessions are stored by the SHA-256 of their id, never the id itself.
package store
