package delivery

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"arauto/internal/config"
	"arauto/internal/optout"
	"arauto/internal/report"
)

// Store is the event log and the message states the applier works on.
type Store interface {
	// Settings returns the saved settings (the opt-out keywords are
	// config.SettingOptOutKeywords).
	Settings(ctx context.Context) (map[string]string, error)
	// DueEvents returns up to limit stored events that are not applied
	// and due at now: new ones in arrival order, then deferred ones whose
	// retry time has come.
	DueEvents(ctx context.Context, limit int, now time.Time) ([]Event, error)
	// ApplyBatch runs fn in one write transaction, committing when it
	// returns nil: what fn loads and what it commits belong to one moment,
	// so two appliers never count one fact twice.
	ApplyBatch(ctx context.Context, fn func(Batch) error) error
	// CloseStale marks the accepted messages submitted before cutoff that
	// have no status at all as unknown at now, and adds each to its
	// campaign's counter; it returns how many it marked.
	CloseStale(ctx context.Context, cutoff, now time.Time, counter string) (int64, error)
	// OnEventsAppended registers fn to be called after every commit of new
	// events (nil removes it); fn must not block.
	OnEventsAppended(fn func())
}

// Batch is one application's transaction.
type Batch interface {
	// Load reads the delivery columns of the messages that exist among
	// messageIDs, and which of replyIDs (provider ids) are stored already.
	Load(ctx context.Context, messageIDs []int64, replyIDs []string) (Loaded, error)
	// Commit writes the changes.
	Commit(ctx context.Context, c Changes) error
}

// Options tune an Applier. Zero values take the defaults.
type Options struct {
	// Interval is how often stored events are looked for without a Kick;
	// default 100 ms.
	Interval time.Duration
	// Batch is how many events one transaction applies at most; default
	// 2048: each commit rewrites the outbox pages, counters and cursor its
	// events touch, so four times fewer commits for the two statuses of
	// every message is most of what applying costs the writer, while a
	// batch still takes the writer for only tens of milliseconds (the
	// webhooks' group commits go first at the store's gate, and sending
	// takes its turn between batches).
	Batch int
	// MinGap spaces transactions when events trickle in, so that a flood
	// of webhooks (each commit kicks) is applied in batches rather than
	// one transaction per commit; default 20 ms. A full batch goes on at
	// once.
	MinGap time.Duration
	// CloseStaleEvery is how often the status horizon is closed; default
	// 10 minutes.
	CloseStaleEvery time.Duration
	// OnApplied, when set, is told after each transaction which campaigns'
	// reports changed (to push live updates).
	OnApplied func(campaignIDs []int64)
	// Log reports failures; nil discards.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Applier applies stored events continuously: after each Kick, and every
// Interval. Run makes the store kick it after every commit of new events,
// so webhooks are applied within milliseconds.
type Applier struct {
	store Store
	o     Options
	kick  chan struct{}

	mu       sync.Mutex
	kw       optout.Matcher
	optIns   optIns
	kwLoaded time.Time
}

// NewApplier returns an applier over st; start it with Run.
func NewApplier(st Store, o Options) *Applier {
	if o.Interval <= 0 {
		o.Interval = 100 * time.Millisecond
	}
	if o.Batch <= 0 {
		o.Batch = 2048
	}
	if o.MinGap <= 0 {
		o.MinGap = 20 * time.Millisecond
	}
	if o.CloseStaleEvery <= 0 {
		o.CloseStaleEvery = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Applier{store: st, o: o, kick: make(chan struct{}, 1)}
}

// Kick asks for the stored events to be applied soon. It never blocks.
func (a *Applier) Kick() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// matcher returns the opt-out keywords, re-read at most every 5 seconds.
func (a *Applier) matcher(ctx context.Context) optout.Matcher {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now := time.Now(); now.Sub(a.kwLoaded) > 5*time.Second {
		saved, err := a.store.Settings(ctx)
		if err != nil {
			a.o.Log.Warn("opt-out keywords unreadable; keeping the previous ones", "err", err)
			if !a.kwLoaded.IsZero() {
				return a.kw
			}
		}
		a.kw, a.kwLoaded = optout.NewMatcher(config.OptOutKeywords(saved)), now
	}
	return a.kw
}

// Result says what one Step did.
type Result struct {
	// Read is how many events were due; Applied and Deferred split them.
	Read, Applied, Deferred int
	// Campaigns are those whose report counters changed.
	Campaigns []int64
}

// Step applies one batch of due events: parsed on every core, then loaded,
// folded and committed in one transaction. Applying is idempotent and
// order-independent; an event naming a message row that does not exist yet
// stays pending and is retried (with backoff) until the status horizon.
func (a *Applier) Step(ctx context.Context) (Result, error) {
	now := a.o.Now()
	evs, err := a.store.DueEvents(ctx, a.o.Batch, now)
	if err != nil {
		return Result{}, fmt.Errorf("delivery: apply events: %w", err)
	}
	res := Result{Read: len(evs)}
	if len(evs) == 0 {
		return res, nil
	}
	batch := parseAll(evs, a.matcher(ctx))
	optIn := a.optIns.matcher(ctx, a.store)
	lk, _ := a.store.(Linker)
	if err := link(ctx, lk, batch); err != nil {
		return Result{}, fmt.Errorf("delivery: apply events: %w", err)
	}
	msgIDs, replyIDs := named(batch)
	var changes Changes
	err = a.store.ApplyBatch(ctx, func(tx Batch) error {
		loaded, err := tx.Load(ctx, msgIDs, replyIDs)
		if err != nil {
			return err
		}
		changes = fold(batch, loaded, now)
		markOptIns(changes.Replies, optIn)
		return tx.Commit(ctx, changes)
	})
	if err != nil {
		return Result{}, fmt.Errorf("delivery: apply events: %w", err)
	}
	for _, e := range changes.Events {
		if e.Applied {
			res.Applied++
		} else {
			res.Deferred++
		}
	}
	res.Campaigns = changes.Campaigns()
	if len(res.Campaigns) > 0 && a.o.OnApplied != nil {
		a.o.OnApplied(res.Campaigns)
	}
	return res, nil
}

// parseAll parses a batch on every core: parsing needs no lock, so it is
// done before the writer is taken.
func parseAll(evs []Event, kw optout.Matcher) []parsed {
	out := make([]parsed, len(evs))
	workers := min(runtime.GOMAXPROCS(0), (len(evs)+63)/64)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(evs); i += workers {
				out[i] = parse(evs[i], kw)
			}
		}()
	}
	wg.Wait()
	return out
}

// named lists the messages of ours and the replies a batch names, each
// once.
func named(batch []parsed) (msgIDs []int64, replyIDs []string) {
	seen := map[int64]bool{}
	add := func(r ref) {
		if r.ours && !seen[r.messageID] {
			seen[r.messageID] = true
			msgIDs = append(msgIDs, r.messageID)
		}
	}
	for i := range batch {
		for _, it := range batch[i].statuses {
			add(it.ref)
		}
		for _, it := range batch[i].replies {
			add(it.ref)
			replyIDs = append(replyIDs, it.in.ProviderID)
		}
	}
	return msgIDs, replyIDs
}

// Run applies events until ctx ends, and closes the status horizon every
// CloseStaleEvery once caught up. It returns nil when ctx ends.
func (a *Applier) Run(ctx context.Context) error {
	a.store.OnEventsAppended(a.Kick)
	defer a.store.OnEventsAppended(nil)
	tick := time.NewTicker(a.o.Interval)
	defer tick.Stop()
	var lastStale time.Time
	for {
		if ctx.Err() != nil {
			return nil
		}
		start := time.Now()
		res, err := a.Step(ctx)
		// The store hands out whole chunks of events, so a batch three
		// quarters full means more are waiting.
		more := res.Read >= a.o.Batch*3/4
		if err != nil && ctx.Err() == nil {
			a.o.Log.Error("applying events failed", "err", err)
			more = false
		}
		// Close the horizon only once caught up: a backlog of statuses
		// (say after downtime) must not be taken for missing ones.
		if now := a.o.Now(); !more && now.Sub(lastStale) >= a.o.CloseStaleEvery {
			if n, err := a.CloseStale(ctx, now); err != nil && ctx.Err() == nil {
				a.o.Log.Error("closing the status horizon failed", "err", err)
			} else if n > 0 {
				a.o.Log.Info("messages without any status after the horizon", "messages", n, "horizon", StatusHorizon)
			}
			lastStale = now
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		case <-a.kick:
			// Let a burst gather into one transaction.
			if wait := a.o.MinGap - time.Since(start); wait > 0 {
				select {
				case <-ctx.Done():
					return nil
				case <-time.After(wait):
				}
			}
		}
	}
}

// CloseStale closes the status horizon at now: accepted messages
// submitted more than StatusHorizon before that never got a status are
// marked unknown (no receipt) and counted under report.KeyUnknown. A
// status that still arrives later takes them out again. It returns how
// many it marked.
func (a *Applier) CloseStale(ctx context.Context, now time.Time) (int64, error) {
	n, err := a.store.CloseStale(ctx, now.Add(-StatusHorizon), now, report.KeyUnknown)
	if err != nil {
		return n, fmt.Errorf("delivery: close status horizon: %w", err)
	}
	return n, nil
}
