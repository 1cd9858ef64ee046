package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"arauto/internal/delivery"
)

// Group commit of events. One INSERT transaction per webhook through the
// single writer connection tops out far below the rate Wavy can post at,
// so AppendEvent hands its event to one writer goroutine per store, which
// writes every event waiting (up to eventGroupMax) in one transaction, as
// one compressed chunk per kind (chunk.go), and then answers each caller: AppendEvent still returns only once its event
// is committed, so the webhook's 200 still means stored. Batches form by
// themselves under load (events pile up while the previous commit runs),
// and the writer lingers up to eventLinger for the batch to reach the
// previous one's size, so that a steady load keeps committing in large
// groups; a lone caller never waits. The goroutine starts with the first
// event and ends after eventWriterIdle without any, so a store needs no
// start or stop call.
const (
	eventGroupMax = 1024
	eventLinger   = 2 * time.Millisecond
)

// eventWriterIdle is a variable for tests.
var eventWriterIdle = 5 * time.Second

type appendReq struct {
	e    *delivery.Event
	done chan error
}

// eventLog is the store's side of the event log: the running group-commit
// writer, if any, and what to call after each commit (the applier's Kick).
type eventLog struct {
	mu     sync.Mutex // held to start or stop the writer
	writer atomic.Pointer[eventWriter]
	hook   atomic.Pointer[func()]
}

type eventWriter struct {
	s    *Store
	ch   chan appendReq
	idle time.Duration

	mu      sync.Mutex
	queued  int // handed to the channel, not yet answered
	stopped bool
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
	req := appendReq{e: e, done: make(chan error, 1)}
	for !s.eventWriter().enqueue(req) {
		// That writer just stopped for idleness; the next call starts one.
	}
	// Once queued the event will be written: wait for the verdict even if
	// ctx ends, so the answer matches what is stored.
	if err := <-req.done; err != nil {
		return fmt.Errorf("store: append %s event: %w", e.Kind, err)
	}
	return nil
}

// eventWriter returns the running writer, starting one when none runs.
func (s *Store) eventWriter() *eventWriter {
	if w := s.events.writer.Load(); w != nil {
		return w
	}
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	w := s.events.writer.Load()
	if w == nil {
		w = &eventWriter{s: s, ch: make(chan appendReq, eventGroupMax), idle: eventWriterIdle}
		s.events.writer.Store(w)
		go w.run()
	}
	return w
}

func (w *eventWriter) enqueue(r appendReq) bool {
	w.mu.Lock()
	if w.stopped {
		w.mu.Unlock()
		return false
	}
	w.queued++
	w.mu.Unlock()
	w.ch <- r
	return true
}

func (w *eventWriter) run() {
	idle := time.NewTimer(w.idle)
	defer idle.Stop()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	batch := make([]appendReq, 0, eventGroupMax)
	prev := 1 // size of the previous batch
	for {
		select {
		case r := <-w.ch:
			batch = append(batch[:0], r)
		case <-idle.C:
			w.mu.Lock()
			if w.queued == 0 {
				w.stopped = true
				w.s.events.mu.Lock()
				w.s.events.writer.CompareAndSwap(w, nil)
				w.s.events.mu.Unlock()
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			idle.Reset(w.idle)
			continue
		}
		// Take what is already waiting.
	drain:
		for len(batch) < eventGroupMax {
			select {
			case r := <-w.ch:
				batch = append(batch, r)
			default:
				break drain
			}
		}
		// Under concurrent load the callers just answered come straight
		// back: linger (at most eventLinger) until the batch is as large as
		// the previous one, so commits stay big instead of splitting into a
		// pipeline of small ones. A lone caller (previous batch of 1) never
		// waits.
		if len(batch) < prev {
			linger.Reset(eventLinger)
		wait:
			for len(batch) < prev {
				select {
				case r := <-w.ch:
					batch = append(batch, r)
				case <-linger.C:
					break wait
				}
			}
			linger.Stop()
		drainMore:
			for len(batch) < eventGroupMax {
				select {
				case r := <-w.ch:
					batch = append(batch, r)
				default:
					break drainMore
				}
			}
		}
		prev = len(batch)
		if err := w.write(batch); err != nil && len(batch) > 1 {
			// One bad event must not cost the others their 200: write
			// them one at a time.
			for i := range batch {
				w.answer(batch[i:i+1], w.write(batch[i:i+1]))
			}
		} else {
			w.answer(batch, err)
		}
		if kick := w.s.events.hook.Load(); kick != nil {
			(*kick)()
		}
		clear(batch)
		idle.Reset(w.idle)
	}
}

func (w *eventWriter) answer(batch []appendReq, err error) {
	w.mu.Lock()
	w.queued -= len(batch)
	w.mu.Unlock()
	for _, r := range batch {
		r.done <- err
	}
}

// write stores a batch in one transaction, one compressed chunk per kind
// and source (compressed before the writer is taken), and sets the
// events' ids: consecutive within a chunk, after every id stored before.
func (w *eventWriter) write(batch []appendReq) error {
	chunks := packChunks(batch)
	ctx := context.Background()
	w.s.gate.enter(true)
	defer w.s.gate.leave()
	tx, err := w.s.w.BeginTx(ctx, nil)
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
