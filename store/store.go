package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

//go:embed migrations/*.sql migrations_pg/*.sql
var migrationFS embed.FS

// ErrNotFound is returned when the requested row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("store: conflict")

// Store is the database, SQLite or PostgreSQL. It is safe for concurrent
// use.
type Store struct {
	w    *sql.DB // the one writer
	r    *sql.DB // readers
	path string  // the SQLite file ("" in PostgreSQL)
	// pg says the engine is PostgreSQL (OpenPostgres): the few statements
	// that differ choose by it (dialect.go).
	pg     bool
	url    string // the PostgreSQL URL, for the relay's own connections
	events eventLog
	gate   *writeGate
	// txns group-commits transactional messages (transactional.go).
	txns *txnWriter
	// prepared holds reads prepared once (prepared.go).
	prepared sync.Map
	// seal encrypts sensitive settings at rest (nil until SealSettings).
	seal *sealer
	// erased says whether any number was ever erased on request (0: not
	// looked up yet, 1: none, 2: some), so claiming messages costs no
	// query while none was (privacy.go).
	erased atomic.Int32
}

// FileName is the database file inside the data directory.
const FileName = "arauto.db"

// Open opens (creating if needed) the database at path and migrates it.
func Open(path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := restrictFiles(abs); err != nil {
		return nil, err
	}
	q := url.Values{}
	// A new database gives pages back to the file system as retention
	// prunes (the mode takes effect only before the first table and before
	// WAL, which the driver sets after it; older databases switch with
	// Compact).
	q.Set("_auto_vacuum", "incremental")
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	q.Set("_cache_size", "-32000")
	w, err := sql.Open("sqlite3", "file:"+abs+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Store{w: w, path: abs, gate: newWriteGate()}
	s.events.commit, s.txns = newEventCommit(s), newTxnWriter(s)
	// Keep the write-ahead log from staying large after a burst. The
	// checkpoint stays at SQLite's 1000 pages: a 4096-page log made each
	// checkpoint a longer pause for the one writer, and the transactional
	// API's p99 at 500 req/s rose from 25-32 ms to 47-52 ms (measured
	// side by side, quiet machine).
	if _, err := w.Exec("PRAGMA journal_size_limit = 67108864; PRAGMA wal_autocheckpoint = 1000"); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := s.migrate(context.Background()); err != nil {
		w.Close()
		return nil, err
	}
	if err := s.backfillContactWords(context.Background()); err != nil {
		w.Close()
		return nil, err
	}
	rq := url.Values{}
	rq.Set("_foreign_keys", "on")
	rq.Set("_busy_timeout", "10000")
	rq.Set("_query_only", "1")
	// A reader's page cache is emptied whenever the database changed since
	// its last read (WAL), which while a campaign sends is every read: 4
	// MB each is what one query reuses, and the rest was resident memory
	// held for nothing (up to 64 MB over the pool).
	rq.Set("_cache_size", "-4000")
	r, err := sql.Open("sqlite3", "file:"+abs+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open readers: %w", err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	s.r = r
	return s, nil
}

// restrictFiles makes the database readable by its owner only: it holds
// the Wavy token, password hashes and phone numbers. SQLite creates the
// -wal and -shm files with the database file's permissions, so creating
// that file 0600 first is enough; files left by an older version are
// tightened.
func restrictFiles(abs string) error {
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", abs, err)
	}
	f.Close()
	for _, p := range []string{abs, abs + "-wal", abs + "-shm", abs + "-journal"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store: restrict %s: %w", p, err)
		}
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Ping checks that the database answers a read and that the writer is free
// enough to take a connection, for /healthz.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	if err := s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the migrations of one engine: dir is "migrations"
// (SQLite) or "migrations_pg" (PostgreSQL), numbered and named in step.
func loadMigrations(dir string) ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("store: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: migration %s has no number prefix", e.Name())
		}
		b, err := migrationFS.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("store: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{v, e.Name(), string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("store: two migrations numbered %d", ms[i].version)
		}
	}
	return ms, nil
}

func (s *Store) migrate(ctx context.Context) error {
	if s.pg {
		// Instances starting together migrate one at a time. The writer
		// pool is one connection, so the lock and its release share it.
		if _, err := s.w.ExecContext(ctx, "SELECT pg_advisory_lock(?)", migrationLock); err != nil {
			return fmt.Errorf("store: lock migrations: %w", err)
		}
		defer s.w.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", migrationLock)
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_migrations: %w", err)
	}
	dir := "migrations"
	if s.pg {
		dir = "migrations_pg"
	}
	ms, err := loadMigrations(dir)
	if err != nil {
		return err
	}
	for _, m := range ms {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			var done int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE version = ?", m.version).Scan(&done); err != nil {
				return err
			}
			if done > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", m.version, m.name, toMS(time.Now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("store: migration %s: %w", m.name, err)
		}
	}
	return nil
}

// tx runs fn in a write transaction, committing when it returns nil. It
// takes its turn at the writer through the gate.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	s.gate.enter(false)
	defer s.gate.leave()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// toMS converts a time to the stored form, UTC unix milliseconds; the zero
// time is stored as 0.
func toMS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS is the inverse of toMS.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// digits keeps the digits of a phone number as typed (E.164 without the
// plus, the form the outbox and the suppression list use).
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
