package store

import (
	"context"
	"database/sql"
	"fmt"
	"runtime"
	"time"

	"arauto/internal/dispatch"
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

// acceptBatch is Accept's update in PostgreSQL: the whole batch in one
// statement, the rows given as arrays. One UPDATE per message, as SQLite
// runs in-process for nothing, is a round trip to the server each (about
// 2,400 messages/s against 36,000 in SQLite for a 100k campaign, side
// by side on a loaded machine).
func acceptBatch(ctx context.Context, tx *sql.Tx, acc []dispatch.Accepted, now time.Time) (int64, error) {
	ids, pids := make([]int64, len(acc)), make([]string, len(acc))
	segs, sercomtel := make([]int64, len(acc)), make([]int64, len(acc))
	for i, a := range acc {
		ids[i], pids[i], segs[i], sercomtel[i] = a.MessageID, a.ProviderID, int64(a.Segments), int64(a.SercomtelSegments)
	}
	res, err := tx.ExecContext(ctx, `UPDATE messages m SET state = 'accepted', provider_id = v.pid, submitted_at = $2,
			segments = v.seg, sercomtel_segments = v.ser
		FROM unnest($1::bigint[], $3::text[], $4::bigint[], $5::bigint[]) AS v(id, pid, seg, ser)
		WHERE m.id = v.id AND m.state = 'submitting'`, ids, toMS(now), pids, segs, sercomtel)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
