package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"arauto/internal/delivery"
)

// Group commit of events. One INSERT transaction per webhook through the
// single writer connection tops out far below the rate Wavy can post at,
// so AppendEvent hands its event to the store's events group commit
// (groupcommit.go), which writes every event waiting (up to eventGroupMax)
// in one transaction, as one compressed chunk per kind (chunk.go), and
// lingers up to eventLinger for a batch to reach the previous one's size.
// AppendEvent still returns only once its event is committed, so the
// webhook's 200 still means stored.
const (
	eventGroupMax = 1024
	eventLinger   = 2 * time.Millisecond
)

// eventLog is the store's side of the event log: its group commit, and
// what to call after each commit (the applier's Kick).
type eventLog struct {
	commit *groupCommit[*delivery.Event]
	hook   atomic.Pointer[func()]
}

// newEventCommit returns the events' group commit of s.
func newEventCommit(s *Store) *groupCommit[*delivery.Event] {
	return &groupCommit[*delivery.Event]{max: eventGroupMax, linger: eventLinger, write: s.writeEvents,
		after: func() {
			if kick := s.events.hook.Load(); kick != nil {
				(*kick)()
			}
		}}
}

// AppendEvent stores one raw event durably and sets its ID. Concurrent
// calls share transactions; each returns after the commit holding its
// event.
func (s *Store) AppendEvent(ctx context.Context, e *delivery.Event) error {
	if e.Source == "" {
		e.Source = delivery.SourceWebhook
	}
	if e.ReceivedAt.IsZero() {
		e.ReceivedAt = time.Now()
	}
	if !delivery.ValidKind(e.Kind) {
		return fmt.Errorf("store: append event: unknown kind %q", e.Kind)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: append %s event: %w", e.Kind, err)
	}
	if err := s.events.commit.do(e); err != nil {
		return fmt.Errorf("store: append %s event: %w", e.Kind, err)
	}
	return nil
}

// writeEvents commits a batch of events; when the batch fails, it writes
// them one at a time, so one bad event does not cost the others their 200.
func (s *Store) writeEvents(batch []*delivery.Event) []error {
	errs := make([]error, len(batch))
	err := s.writeEventBatch(batch)
	if err == nil || len(batch) == 1 {
		for i := range errs {
			errs[i] = err
		}
		return errs
	}
	for i := range batch {
		errs[i] = s.writeEventBatch(batch[i : i+1])
	}
	return errs
}

// writeEventBatch stores a batch in one transaction, one compressed chunk
// per kind and source (compressed before the writer is taken), and sets
// the events' ids: consecutive within a chunk, after every id stored
// before. It goes first through the gate (urgent): webhook answers wait
// on it.
func (s *Store) writeEventBatch(batch []*delivery.Event) error {
	chunks := packChunks(batch)
	ctx := context.Background()
	s.gate.enter(true)
	defer s.gate.leave()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	next, err := nextEventID(ctx, tx)
	if err != nil {
		tx.Rollback()
		return err
	}
	for _, c := range chunks {
		if _, err := tx.ExecContext(ctx, `INSERT INTO event_chunks (first_id, n, kind, source, received_at, codec, meta, body)
			VALUES (?, ?, ?, ?, ?, 'zstd', ?, ?)`, next, len(c.events), c.kind, c.source, c.receivedAt, c.meta, c.body); err != nil {
			tx.Rollback()
			return err
		}
		for i, e := range c.events {
			e.ID = next + int64(i)
		}
		next += int64(len(c.events))
	}
	return tx.Commit()
}

// nextEventID is the id the next stored event gets: after the last chunk
// and after every event of the table (those of older versions).
func nextEventID(ctx context.Context, tx *sql.Tx) (int64, error) {
	var inChunks, inTable sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT first_id + n FROM event_chunks ORDER BY first_id DESC LIMIT 1").Scan(&inChunks); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, "SELECT max(id) + 1 FROM events").Scan(&inTable); err != nil {
		return 0, err
	}
	return max(inChunks.Int64, inTable.Int64, 1), nil
}

// OnEventsAppended registers fn to be called (without blocking for long)
// after each commit of new events; nil removes it.
func (s *Store) OnEventsAppended(fn func()) {
	if fn == nil {
		s.events.hook.Store(nil)
		return
	}
	s.events.hook.Store(&fn)
}

// EventCounts returns how many events of each kind are stored.
func (s *Store) EventCounts(ctx context.Context) (map[string]int, error) {
	m := map[string]int{}
	for _, q := range []string{"SELECT kind, sum(n) FROM event_chunks GROUP BY kind",
		"SELECT kind, count(*) FROM events WHERE chunked = 0 GROUP BY kind"} {
		rows, err := s.r.QueryContext(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("store: event counts: %w", err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: event counts: %w", err)
			}
			m[k] += n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: event counts: %w", err)
		}
	}
	return m, nil
}
