package fallback

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Store is what the Sweeper needs: one sweep, in one write transaction,
// that records and queues the fallbacks Decide asks for (at most limit)
// and returns how many it queued.
type Store interface {
	SweepFallbacks(ctx context.Context, now time.Time, limit int) (int, error)
}

// Sweeper queues the fallback SMS of WhatsApp campaigns, every Every and
// when woken.
type Sweeper struct {
	Store Store
	// Wake tells the dispatcher that SMS wait in the queue.
	Wake func()
	Log  *slog.Logger
	// Every is the pause between sweeps (default 5 s); Limit bounds one
	// sweep's fallbacks (default 5000), so the writer is never held long.
	Every time.Duration
	Limit int
	Now   func() time.Time

	kick chan struct{}
	once sync.Once
}

func (s *Sweeper) kicks() chan struct{} {
	s.once.Do(func() { s.kick = make(chan struct{}, 1) })
	return s.kick
}

// Kick asks for a sweep now (statuses were applied); it never blocks.
func (s *Sweeper) Kick() {
	select {
	case s.kicks() <- struct{}{}:
	default:
	}
}

// Run sweeps until ctx ends. A sweep that filled its limit is followed at
// once by the next.
func (s *Sweeper) Run(ctx context.Context) {
	every, limit, now := s.Every, s.Limit, s.Now
	if every <= 0 {
		every = 5 * time.Second
	}
	if limit <= 0 {
		limit = 5000
	}
	if now == nil {
		now = time.Now
	}
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.kicks():
			if !t.Stop() {
				select {
				case <-t.C:
				default:
				}
			}
		}
		n, err := s.Store.SweepFallbacks(ctx, now().UTC(), limit)
		if err != nil && ctx.Err() == nil && s.Log != nil {
			s.Log.Error("fallback sweep", "err", err)
		}
		if n > 0 {
			if s.Log != nil {
				s.Log.Info("fallback SMS queued", "messages", n)
			}
			if s.Wake != nil {
				s.Wake()
			}
		}
		if n >= limit {
			t.Reset(0)
		} else {
			t.Reset(every)
		}
	}
}
