package breaker

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Watched is a campaign the breaker may still trip: running, not tripped
// before.
type Watched struct {
	ID int64
}

// Window is what the store counted over a campaign's first messages.
type Window struct {
	// Messages is how many of the first messages exist.
	Messages int
	// Blocked counts those refused with one of the codes asked for.
	Blocked int
	// OptOuts counts the opt-out replies to them.
	OptOuts int
	// Replies are the texts of the other replies to them, to look for
	// complaints.
	Replies []string
}

// Store is what the guard reads and changes.
type Store interface {
	// BreakerWatched returns those of ids that are running and were never
	// paused by the breaker.
	BreakerWatched(ctx context.Context, ids []int64) ([]Watched, error)
	// BreakerWindow counts over the campaign's first window messages.
	BreakerWindow(ctx context.Context, campaignID int64, window int, blockedCodes []int) (Window, error)
	// TripBreaker pauses a running campaign with reason, marking it as
	// paused by the breaker once and for all; false when it was not
	// running (or was tripped already).
	TripBreaker(ctx context.Context, campaignID int64, reason string, at time.Time) (bool, error)
}

// MinInterval is the least time between two checks: statuses arrive in
// bursts, and one check per burst is enough.
const MinInterval = 500 * time.Millisecond

// Guard pauses campaigns that trip the breaker. Tell it which campaigns
// changed (Notify) and Run it.
type Guard struct {
	Store    Store
	Settings func(ctx context.Context) (Settings, error)
	// OnTrip is called after a campaign was paused (to wake the
	// dispatcher and refresh open pages); nil for none.
	OnTrip func(campaignID int64)
	Log    *slog.Logger
	Now    func() time.Time

	mu      sync.Mutex
	pending map[int64]bool
	kick    chan struct{}
	once    sync.Once
}

func (g *Guard) init() {
	g.once.Do(func() {
		g.pending = map[int64]bool{}
		g.kick = make(chan struct{}, 1)
	})
}

func (g *Guard) now() time.Time {
	if g.Now != nil {
		return g.Now()
	}
	return time.Now()
}

func (g *Guard) log() *slog.Logger {
	if g.Log != nil {
		return g.Log
	}
	return slog.Default()
}

// Notify says these campaigns got new statuses or replies. It never
// blocks.
func (g *Guard) Notify(ids []int64) {
	if len(ids) == 0 {
		return
	}
	g.init()
	g.mu.Lock()
	for _, id := range ids {
		g.pending[id] = true
	}
	g.mu.Unlock()
	select {
	case g.kick <- struct{}{}:
	default:
	}
}

// Run checks the notified campaigns, at most every MinInterval, until ctx
// ends.
func (g *Guard) Run(ctx context.Context) {
	g.init()
	for {
		select {
		case <-ctx.Done():
			return
		case <-g.kick:
		}
		g.mu.Lock()
		ids := make([]int64, 0, len(g.pending))
		for id := range g.pending {
			ids = append(ids, id)
		}
		clear(g.pending)
		g.mu.Unlock()
		if _, err := g.Check(ctx, ids); err != nil && ctx.Err() == nil {
			g.log().Error("circuit breaker check failed", "campaigns", len(ids), "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(MinInterval):
		}
	}
}

// Check judges the campaigns among ids that the breaker watches and
// pauses those that trip it. It returns the trips, by campaign.
func (g *Guard) Check(ctx context.Context, ids []int64) (map[int64]Trip, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	s, err := g.Settings(ctx)
	if err != nil {
		return nil, fmt.Errorf("breaker: settings: %w", err)
	}
	if !s.Enabled {
		return nil, nil
	}
	watched, err := g.Store.BreakerWatched(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("breaker: campaigns to watch: %w", err)
	}
	trips := map[int64]Trip{}
	for _, w := range watched {
		win, err := g.Store.BreakerWindow(ctx, w.ID, s.Window, BlockedCodes)
		if err != nil {
			return trips, fmt.Errorf("breaker: first messages of campaign %d: %w", w.ID, err)
		}
		t, ok := Judge(s, FactsOf(win, s.Phrases))
		if !ok {
			continue
		}
		paused, err := g.Store.TripBreaker(ctx, w.ID, Reason(t), g.now())
		if err != nil {
			return trips, fmt.Errorf("breaker: pause campaign %d: %w", w.ID, err)
		}
		if !paused {
			continue
		}
		trips[w.ID] = t
		g.log().Warn("campaign paused by the circuit breaker", "campaign_id", w.ID, "signal", t.Signal, "count", t.Count, "limit", t.Limit, "window", t.Window)
		if g.OnTrip != nil {
			g.OnTrip(w.ID)
		}
	}
	return trips, nil
}

// FactsOf counts the signals of a window: its blocked numbers and
// opt-outs as counted, and its replies that contain a complaint phrase.
func FactsOf(w Window, phrases []string) Facts {
	f := Facts{Messages: w.Messages, Counts: map[Signal]int{Blocked: w.Blocked, OptOuts: w.OptOuts}}
	for _, r := range w.Replies {
		if IsComplaint(r, phrases) {
			f.Counts[Complaints]++
		}
	}
	return f
}
