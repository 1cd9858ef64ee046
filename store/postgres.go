package store

import (
	"context"
	"fmt"
	"runtime"
)

// OpenPostgres opens the PostgreSQL database at url (postgres://...) and
// migrates it with migrations_pg, the PostgreSQL twins of the SQLite
// migrations. The store keeps its shape: one writer connection behind the
// write gate (the group commits and the consecutive ids of a campaign's
// messages rely on one writer per process) and a pool of read-only
// connections.
func OpenPostgres(url string) (*Store, error) {
	w, err := openPostgresPool(url, false)
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open PostgreSQL: %w", err)
	}
	s := &Store{w: w, pg: true, url: url, gate: newWriteGate()}
	s.events.commit, s.txns = newEventCommit(s), newTxnWriter(s)
	if err := s.migrate(context.Background()); err != nil {
		w.Close()
		return nil, err
	}
	r, err := openPostgresPool(url, true)
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	r.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	s.r = r
	return s, nil
}

// migrationLock is the advisory lock an instance holds while it migrates.
const migrationLock = 1900

// Postgres reports whether the store is PostgreSQL.
func (s *Store) Postgres() bool { return s.pg }
