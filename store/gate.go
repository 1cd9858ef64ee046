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
// others take turns in arrival order.
type writeGate struct {
	mu      sync.Mutex
	busy    bool
	urgent  int             // group commits waiting
	waiting []chan struct{} // other transactions waiting, in order
	urgentC chan struct{}   // wakes a waiting group commit
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

// leave hands the writer to the next in line: a group commit first.
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
