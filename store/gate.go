package store

import (
	"context"
	"database/sql"
	"sync"
)

// writeGate orders the transactions that share the one writer connection.
// database/sql hands a freed connection to a waiter at random, so a burst
// of report applications or outbox updates could keep the webhooks' group
// commit waiting while the provider's requests pile up. Through the gate,
// a waiting group commit of raw events goes before every other
// transaction (it is short, and webhook answers wait on it), and the
// others take turns in arrival order. Background work (folding contact
// activity) takes the writer only when nobody else waits for it, so it
// never delays a send, a report or a webhook by more than its own short
// transaction.
type writeGate struct {
	mu         sync.Mutex
	busy       bool
	urgent     int             // group commits waiting
	waiting    []chan struct{} // other transactions waiting, in order
	background []chan struct{} // background transactions waiting
	urgentC    chan struct{}   // wakes a waiting group commit
}

func newWriteGate() *writeGate { return &writeGate{urgentC: make(chan struct{}, 1)} }

// enter waits for the writer's turn; urgent is the events' group commit
// (only one goroutine does those at a time).
func (g *writeGate) enter(urgent bool) {
	g.mu.Lock()
	if !g.busy && (urgent || g.urgent == 0) {
		g.busy = true
		g.mu.Unlock()
		return
	}
	if urgent {
		g.urgent++
		g.mu.Unlock()
		<-g.urgentC
		return
	}
	ch := make(chan struct{})
	g.waiting = append(g.waiting, ch)
	g.mu.Unlock()
	<-ch
}

// enterBackground waits until the writer is free and nobody else waits
// for it.
func (g *writeGate) enterBackground() {
	g.mu.Lock()
	if !g.busy && g.urgent == 0 && len(g.waiting) == 0 {
		g.busy = true
		g.mu.Unlock()
		return
	}
	ch := make(chan struct{})
	g.background = append(g.background, ch)
	g.mu.Unlock()
	<-ch
}

// leave hands the writer to the next in line: a group commit first,
// background work last.
func (g *writeGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.urgent > 0:
		g.urgent--
		g.urgentC <- struct{}{}
	case len(g.waiting) > 0:
		ch := g.waiting[0]
		g.waiting = g.waiting[1:]
		close(ch)
	case len(g.background) > 0:
		ch := g.background[0]
		g.background = g.background[1:]
		close(ch)
	default:
		g.busy = false
	}
}

// exec runs one statement on its own (SQLite commits it by itself) after
// taking its turn at the writer through the gate, as tx does: the writes
// outside a transaction (pruning in steps, reclaiming space) wait their
// turn like every other instead of slipping past the queue.
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	s.gate.enter(false)
	defer s.gate.leave()
	return s.w.ExecContext(ctx, q, args...)
}

// txBackground is tx for background work: it takes the writer only when
// no other transaction waits (enterBackground).
func (s *Store) txBackground(ctx context.Context, fn func(*sql.Tx) error) error {
	s.gate.enterBackground()
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
