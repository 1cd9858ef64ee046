package dispatch

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Worker sends the messages of running campaigns.
type Worker struct {
	store  Store
	sender Sender
	cfg    Config
	log    *slog.Logger

	requests *rate.Limiter
	messages *rate.Limiter
	wake     chan struct{}

	mu       sync.Mutex
	inflight map[int64]uint64    // message id -> the batch whose request carries it
	batches  uint64              // batches handed out so far (the last batch's number)
	cursor   map[int64]int64     // campaign -> last message id claimed
	rewind   map[int64]int64     // campaign -> claim again from here (messages went back to the queue)
	notUntil map[int64]time.Time // campaign -> no claims before (429/503 backoff)
	backoff  map[int64]time.Duration
	busy     map[int64]int // campaign -> batches in flight
	// idle: campaign -> the open areas (Areas.key) for which a local-time
	// campaign had nothing to claim; no claim until they change.
	idle map[int64]string
}

// New returns a worker; call Run to start it.
func New(st Store, s Sender, cfg Config, log *slog.Logger) *Worker {
	cfg = cfg.withDefaults()
	return &Worker{
		store: st, sender: s, cfg: cfg, log: log,
		requests: rate.NewLimiter(rate.Limit(cfg.RequestsPerSecond), max(1, int(cfg.RequestsPerSecond/10))),
		messages: rate.NewLimiter(rate.Limit(cfg.MessagesPerSecond), max(cfg.BatchSize, int(cfg.MessagesPerSecond/10))),
		wake:     make(chan struct{}, 1),
		inflight: map[int64]uint64{}, cursor: map[int64]int64{}, rewind: map[int64]int64{}, notUntil: map[int64]time.Time{},
		backoff: map[int64]time.Duration{}, busy: map[int64]int{}, idle: map[int64]string{},
	}
}

// Wake makes the worker re-read campaign states now (a campaign was
// started, paused, resumed or cancelled, or an A/B test's remainder was
// released). Local-time campaigns found idle are claimed again: what was
// queued meanwhile would otherwise wait for the open areas to change.
func (w *Worker) Wake() {
	w.mu.Lock()
	clear(w.idle)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends until ctx is cancelled, then waits for the requests in flight
// to finish and record their outcome.
func (w *Worker) Run(ctx context.Context) error {
	// Whatever a crash left mid-flight is looked up before anything new
	// is sent: every claim older than now is fair game.
	w.reconcile(ctx, w.cfg.Now().Add(time.Millisecond))
	var wg sync.WaitGroup
	defer wg.Wait()
	slots := make(chan struct{}, w.cfg.Concurrency)
	poll := time.NewTicker(w.cfg.PollInterval)
	defer poll.Stop()
	lastReconcile := w.cfg.Now()
	for {
		if ctx.Err() != nil {
			return nil
		}
		now := w.cfg.Now()
		if now.Sub(lastReconcile) >= w.cfg.ReconcileAfter/2 {
			w.reconcile(ctx, now.Add(-w.cfg.ReconcileAfter))
			lastReconcile = now
		}
		progressed, err := w.round(ctx, now, slots, &wg)
		if err != nil && ctx.Err() == nil {
			w.log.Error("dispatch: round failed", "err", err)
		}
		if progressed {
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-w.wake:
		case <-poll.C:
		}
	}
}

// round gives every sendable campaign one batch, and reports whether any
// batch went out.
func (w *Worker) round(ctx context.Context, now time.Time, slots chan struct{}, wg *sync.WaitGroup) (bool, error) {
	campaigns, err := w.store.DueCampaigns(ctx, now)
	if err != nil {
		return false, err
	}
	progressed := false
	for _, c := range campaigns {
		if c.State == "scheduled" {
			if c.StartAt.After(now) || (w.cfg.FiresStarts != nil && !w.cfg.FiresStarts()) {
				continue
			}
			if err := w.store.StartCampaign(ctx, c.ID, now); err != nil {
				return progressed, err
			}
			w.log.Info("dispatch: campaign started", "campaign_id", c.ID)
			c.State = "running"
		}
		if c.State != "running" {
			continue
		}
		deadline, open, err := c.timing(now)
		if err != nil {
			return progressed, err
		}
		if !deadline.IsZero() && !now.Before(deadline) {
			if err := w.store.Expire(ctx, c.ID); err != nil {
				return progressed, err
			}
			w.finish(ctx, c.ID, now)
			continue
		}
		if !open {
			continue
		}
		// Sent in each recipient's own time: only the open areas are claimed.
		areas, allOpen, noneOpen := c.areas(now)
		claimer, canClaimAreas := w.store.(AreaClaimer)
		if noneOpen || (!allOpen && !canClaimAreas) {
			continue
		}
		w.mu.Lock()
		wait := w.notUntil[c.ID].After(now)
		after := w.cursor[c.ID]
		r, rewound := w.rewind[c.ID]
		if rewound {
			after = min(after, r)
			delete(w.rewind, c.ID)
		}
		idle := !allOpen && !rewound && w.idle[c.ID] == areas.key()
		w.mu.Unlock()
		if wait || idle {
			continue
		}
		claim := w.store.Claim
		if !allOpen {
			claim = func(ctx context.Context, id, after int64, limit int, now time.Time) ([]Message, error) {
				return claimer.ClaimAreas(ctx, id, after, limit, now, areas)
			}
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return progressed, nil
		}
		size := w.batchSize(c)
		msgs, err := claim(ctx, c.ID, after, size, now)
		if err != nil {
			<-slots
			return progressed, err
		}
		if len(msgs) == 0 && after > 0 {
			// Past the end: look again from the start for anything that
			// went back to the queue before finishing.
			msgs, err = claim(ctx, c.ID, 0, size, now)
			if err != nil {
				<-slots
				return progressed, err
			}
		}
		if len(msgs) == 0 {
			<-slots
			if !allOpen {
				w.mu.Lock()
				w.idle[c.ID] = areas.key()
				w.mu.Unlock()
			}
			w.finish(ctx, c.ID, now)
			continue
		}
		if err := w.requests.Wait(ctx); err != nil {
			w.abandon(ctx, c.ID, msgs)
			<-slots
			return progressed, nil
		}
		if err := w.messages.WaitN(ctx, min(len(msgs), w.messages.Burst())); err != nil {
			w.abandon(ctx, c.ID, msgs)
			<-slots
			return progressed, nil
		}
		w.mu.Lock()
		w.cursor[c.ID] = msgs[len(msgs)-1].ID
		w.busy[c.ID]++
		w.batches++
		b := batch{Campaign: c, no: w.batches}
		for _, m := range msgs {
			w.inflight[m.ID] = b.no
		}
		w.mu.Unlock()
		progressed = true
		wg.Add(1)
		go func(b batch, msgs []Message) {
			defer wg.Done()
			defer func() { <-slots }()
			w.send(ctx, b, msgs)
		}(b, msgs)
	}
	return progressed, nil
}

// batchSize is how many messages one batch of c claims: what the Sender's
// door takes, else Config.BatchSize.
func (w *Worker) batchSize(c Campaign) int {
	if bs, ok := w.sender.(BatchSizer); ok {
		if n := bs.MaxBatch(c); n > 0 {
			return n
		}
	}
	return w.cfg.BatchSize
}

// abandon puts claimed messages back when the worker stops before sending.
func (w *Worker) abandon(ctx context.Context, campaignID int64, msgs []Message) {
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	if err := w.store.Requeue(context.WithoutCancel(ctx), campaignID, ids); err != nil {
		w.log.Error("dispatch: requeue on stop", "campaign_id", campaignID, "err", err)
	}
}

// finish completes a campaign once nothing of it is queued or in flight.
func (w *Worker) finish(ctx context.Context, campaignID int64, now time.Time) {
	w.mu.Lock()
	busy := w.busy[campaignID] > 0
	w.mu.Unlock()
	if busy {
		return
	}
	done, err := w.store.Finish(ctx, campaignID, now)
	if err != nil {
		w.log.Error("dispatch: finish campaign", "campaign_id", campaignID, "err", err)
		return
	}
	if done {
		w.mu.Lock()
		delete(w.cursor, campaignID)
		delete(w.rewind, campaignID)
		delete(w.notUntil, campaignID)
		delete(w.backoff, campaignID)
		delete(w.idle, campaignID)
		w.mu.Unlock()
		w.log.Info("dispatch: campaign completed", "campaign_id", campaignID)
	}
}

// batch is one claimed batch of a campaign on its way: no numbers the
// batch in the worker's in-flight table, so that a batch lets go only of
// the messages it still carries.
type batch struct {
	Campaign
	no uint64
}

// send submits one batch and records what became of it. The request is
// not cancelled by shutdown: a batch in flight finishes.
func (w *Worker) send(ctx context.Context, b batch, msgs []Message) {
	bg := context.WithoutCancel(ctx)
	c := b.Campaign
	defer func() {
		w.mu.Lock()
		w.release(b, msgs)
		w.busy[c.ID]--
		// A local-time campaign found idle while this batch was in flight
		// is looked at again: the batch may have been its last (so it can
		// finish now, not when the open areas change) or put messages back.
		delete(w.idle, c.ID)
		w.mu.Unlock()
	}()
	var suppressed, ids []int64
	out := msgs[:0:0]
	for _, m := range msgs {
		if m.Suppressed {
			suppressed = append(suppressed, m.ID)
			continue
		}
		out = append(out, m)
		ids = append(ids, m.ID)
	}
	if len(suppressed) > 0 {
		if err := w.store.Suppress(bg, c.ID, suppressed); err != nil {
			w.log.Error("dispatch: mark suppressed", "campaign_id", c.ID, "err", err)
		}
	}
	out, ids, capErr := w.capped(bg, c, out, ids)
	if capErr != nil {
		w.requeue(bg, c.ID, ids)
		w.slowDown(c.ID, w.cfg.Now())
		w.log.Error("dispatch: count recent messages for the frequency cap", "campaign_id", c.ID, "err", capErr)
		return
	}
	if c.SessionOnly && len(out) > 0 {
		var err error
		if out, ids, err = w.withSession(bg, c, out); err != nil {
			w.requeueBatch(bg, b, ids)
			w.slowDown(c.ID, w.cfg.Now())
			w.log.Error("dispatch: look up whatsapp sessions", "campaign_id", c.ID, "err", err)
			return
		}
	}
	if len(out) == 0 {
		return
	}
	render := func(Message) Rendered { return Rendered{Text: c.Message} }
	if w.cfg.Compile != nil && c.Channel != "whatsapp" {
		r, err := w.cfg.Compile(bg, c)
		if err != nil {
			w.requeueBatch(bg, b, ids)
			if perr := w.store.PauseWithError(bg, c.ID, "message: "+describe(err)); perr != nil {
				w.log.Error("dispatch: pause campaign", "campaign_id", c.ID, "err", perr)
			}
			return
		}
		render = r
	}
	if out, ids = w.render(bg, c, out, render); len(out) == 0 {
		return
	}
	sendCtx, cancel := context.WithTimeout(bg, w.cfg.SendTimeout)
	acc, err := w.sender.Send(sendCtx, Batch{Campaign: c, Messages: out})
	cancel()
	billed(acc, out)
	now := w.cfg.Now()
	if err != nil {
		// A batch sent in several requests may have been accepted in part
		// and stopped before submitting the rest.
		var stopped *StoppedError
		errors.As(err, &stopped)
		if len(acc) > 0 || stopped != nil {
			ids = w.partial(bg, b, ids, acc, stopped, now)
			if len(ids) == 0 {
				return
			}
		}
	}
	switch {
	case err == nil:
		if err := w.store.Accept(bg, c.ID, acc, now); err != nil {
			// The provider has them; the rows stay submitting and the
			// reconciler will find them.
			w.log.Error("dispatch: record accepted", "campaign_id", c.ID, "err", err)
		}
		w.mu.Lock()
		delete(w.backoff, c.ID)
		w.mu.Unlock()
	case errors.Is(err, ErrUnauthorized):
		w.requeueBatch(bg, b, ids)
		reason := "unauthorized: " + describe(err)
		if perr := w.store.PauseWithError(bg, c.ID, reason); perr != nil {
			w.log.Error("dispatch: pause campaign", "campaign_id", c.ID, "err", perr)
		}
		w.log.Warn("dispatch: credentials refused, campaign paused", "campaign_id", c.ID, "err", err)
	case errors.Is(err, ErrAccountLimit):
		// Nothing more goes until someone tops the account up: pause at
		// once (Claim sends nothing for a paused campaign), keep the rest
		// queued, and leave the retrying to the person who resumes.
		w.requeueBatch(bg, b, ids)
		if perr := w.store.PauseWithError(bg, c.ID, AccountLimitPrefix+" "+describe(err)); perr != nil {
			w.log.Error("dispatch: pause campaign", "campaign_id", c.ID, "err", perr)
		}
		w.log.Warn("dispatch: account credit or quota exhausted, campaign paused", "campaign_id", c.ID, "messages", len(ids), "err", err)
	case errors.Is(err, ErrRejected):
		if ferr := w.store.Fail(bg, c.ID, ids, describe(err)); ferr != nil {
			w.log.Error("dispatch: mark failed", "campaign_id", c.ID, "err", ferr)
		}
		w.log.Warn("dispatch: batch rejected", "campaign_id", c.ID, "messages", len(ids), "err", err)
	case errors.Is(err, ErrTryLater):
		w.requeueBatch(bg, b, ids)
		w.slowDown(c.ID, now)
		w.log.Info("dispatch: provider busy, retrying later", "campaign_id", c.ID, "err", err)
	case !w.canReconcile(c.Channel):
		// Unknown outcome the provider cannot tell us about: never resent.
		w.markUnknown(bg, c.ID, ids, "unknown outcome, not resent (no status search for "+c.Channel+"): "+describe(err))
		w.log.Warn("dispatch: unknown outcome on a channel without lookup, marked unknown", "campaign_id", c.ID, "messages", len(ids), "err", errString(err))
	default:
		// Unknown outcome: leave the rows submitting for the reconciler.
		w.log.Warn("dispatch: unknown outcome, will reconcile", "campaign_id", c.ID, "messages", len(ids), "err", errString(err))
	}
}

// render fills in each message's text and what it is billed, and fails
// on their own the messages whose text must not go (too long once
// personalised), so the rest of the batch is sent. It returns the
// messages to send and their ids.
func (w *Worker) render(ctx context.Context, c Campaign, msgs []Message, render func(Message) Rendered) ([]Message, []int64) {
	out := msgs[:0]
	ids := make([]int64, 0, len(msgs))
	refused := map[string][]int64{}
	for _, m := range msgs {
		r := render(m)
		if r.Refused != "" {
			refused[r.Refused] = append(refused[r.Refused], m.ID)
			continue
		}
		m.Text, m.Segments, m.SercomtelSegments = r.Text, r.Segments, r.SercomtelSegments
		out, ids = append(out, m), append(ids, m.ID)
	}
	for reason, bad := range refused {
		if err := w.store.Fail(ctx, c.ID, bad, reason); err != nil {
			w.log.Error("dispatch: mark refused", "campaign_id", c.ID, "err", err)
		}
		w.log.Info("dispatch: messages refused before sending", "campaign_id", c.ID, "messages", len(bad), "reason", reason)
	}
	return out, ids
}

// billed copies what each accepted message is billed from the rendered
// messages, for the store to keep.
func billed(acc []Accepted, msgs []Message) {
	if len(acc) == 0 {
		return
	}
	byID := make(map[int64]*Message, len(msgs))
	for i := range msgs {
		byID[msgs[i].ID] = &msgs[i]
	}
	for i := range acc {
		if m := byID[acc[i].MessageID]; m != nil {
			acc[i].Segments, acc[i].SercomtelSegments = m.Segments, m.SercomtelSegments
		}
	}
}

// partial records the accepted part of a batch that failed, requeues what
// was never submitted, and returns the ids the error applies to.
func (w *Worker) partial(ctx context.Context, b batch, ids []int64, acc []Accepted, stopped *StoppedError, now time.Time) []int64 {
	if len(acc) > 0 {
		if err := w.store.Accept(ctx, b.ID, acc, now); err != nil {
			w.log.Error("dispatch: record accepted", "campaign_id", b.ID, "err", err)
		}
		// Progress was made: the back-off starts over.
		w.mu.Lock()
		delete(w.backoff, b.ID)
		w.mu.Unlock()
	}
	done := make(map[int64]bool, len(acc))
	for _, a := range acc {
		done[a.MessageID] = true
	}
	if stopped != nil && len(stopped.Unsent) > 0 {
		w.requeueBatch(ctx, b, stopped.Unsent)
		for _, id := range stopped.Unsent {
			done[id] = true
		}
	}
	rest := ids[:0:0]
	for _, id := range ids {
		if !done[id] {
			rest = append(rest, id)
		}
	}
	return rest
}

// requeueBatch puts messages of a batch back in the queue and lets go of
// them at once: from then on another batch may claim them, and what this
// batch does afterwards (its clean-up included) must not take them out of
// that batch's hands, or the reconciler would find them submitting and
// not in flight while they are on the wire.
func (w *Worker) requeueBatch(ctx context.Context, b batch, ids []int64) {
	w.requeue(ctx, b.ID, ids)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range ids {
		if w.inflight[id] == b.no {
			delete(w.inflight, id)
		}
	}
}

// release forgets the messages of a batch that are still its own; w.mu is
// held.
func (w *Worker) release(b batch, msgs []Message) {
	for _, m := range msgs {
		if w.inflight[m.ID] == b.no {
			delete(w.inflight, m.ID)
		}
	}
}

// withSession keeps the messages whose number has an open WhatsApp
// session and fails the others; on a lookup error it returns every id so
// they can be requeued.
func (w *Worker) withSession(ctx context.Context, c Campaign, msgs []Message) ([]Message, []int64, error) {
	open := map[string]bool{}
	ss, ok := w.cfg.Sessions, w.cfg.Sessions != nil
	if !ok {
		ss, ok = w.store.(SessionStore)
	}
	if ok {
		phones := make([]string, len(msgs))
		for i, m := range msgs {
			phones[i] = m.Phone
		}
		var err error
		if open, err = ss.OpenSessions(ctx, phones, w.cfg.Now()); err != nil {
			ids := make([]int64, len(msgs))
			for i, m := range msgs {
				ids[i] = m.ID
			}
			return nil, ids, err
		}
	}
	var keep []Message
	var keepIDs, skip []int64
	for _, m := range msgs {
		if open[m.Phone] {
			keep, keepIDs = append(keep, m), append(keepIDs, m.ID)
		} else {
			skip = append(skip, m.ID)
		}
	}
	if len(skip) > 0 {
		if err := w.store.Fail(ctx, c.ID, skip, NoSessionReason); err != nil {
			w.log.Error("dispatch: mark without session", "campaign_id", c.ID, "err", err)
		}
		w.log.Info("dispatch: skipped recipients without a whatsapp session", "campaign_id", c.ID, "messages", len(skip))
	}
	return keep, keepIDs, nil
}

// canReconcile reports whether the Sender can look up messages of a channel.
func (w *Worker) canReconcile(channel string) bool {
	cr, ok := w.sender.(ChannelReconciler)
	return !ok || cr.CanReconcile(channel)
}

// markUnknown records messages whose outcome cannot be verified.
func (w *Worker) markUnknown(ctx context.Context, campaignID int64, ids []int64, reason string) {
	var err error
	if us, ok := w.store.(UnknownStore); ok {
		err = us.MarkUnknown(ctx, campaignID, ids, reason)
	} else {
		err = w.store.Fail(ctx, campaignID, ids, reason)
	}
	if err != nil {
		w.log.Error("dispatch: mark unknown", "campaign_id", campaignID, "err", err)
	}
}

// unverifiable splits off the messages of campaigns whose channel the
// Sender cannot look up, and marks them unknown.
func (w *Worker) unverifiable(ctx context.Context, todo []Message) ([]Message, error) {
	cr, ok := w.sender.(ChannelReconciler)
	us, ok2 := w.store.(UnknownStore)
	if !ok || !ok2 {
		return todo, nil
	}
	var cids []int64
	for _, m := range todo {
		if len(cids) == 0 || cids[len(cids)-1] != m.CampaignID {
			cids = append(cids, m.CampaignID)
		}
	}
	channels, err := us.CampaignChannels(ctx, cids)
	if err != nil {
		return nil, err
	}
	keep := todo[:0:0]
	lost := map[int64][]int64{}
	for _, m := range todo {
		if ch := channels[m.CampaignID]; ch != "" && !cr.CanReconcile(ch) {
			lost[m.CampaignID] = append(lost[m.CampaignID], m.ID)
		} else {
			keep = append(keep, m)
		}
	}
	for cid, ids := range lost {
		w.markUnknown(ctx, cid, ids, "unknown outcome after an interrupted send, not resent (no status search for "+channels[cid]+")")
		w.log.Warn("dispatch: unverifiable messages marked unknown", "campaign_id", cid, "messages", len(ids))
	}
	return keep, nil
}

func (w *Worker) requeue(ctx context.Context, campaignID int64, ids []int64) {
	if len(ids) == 0 {
		return
	}
	if err := w.store.Requeue(ctx, campaignID, ids); err != nil {
		w.log.Error("dispatch: requeue", "campaign_id", campaignID, "err", err)
		return
	}
	lowest := ids[0]
	for _, id := range ids {
		lowest = min(lowest, id)
	}
	w.mu.Lock()
	if r, ok := w.rewind[campaignID]; !ok || lowest-1 < r {
		w.rewind[campaignID] = lowest - 1
	}
	w.mu.Unlock()
}

// slowDown backs a campaign off after a 429/503: exponential with jitter,
// capped at a minute.
func (w *Worker) slowDown(campaignID int64, now time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.backoff[campaignID]*2 + 0
	if d == 0 {
		d = w.cfg.RetryBackoff
	}
	d = min(d, time.Minute)
	w.backoff[campaignID] = d
	jitter := time.Duration(rand.Int64N(int64(d)/2 + 1))
	w.notUntil[campaignID] = now.Add(d/2 + jitter)
}

// reconcileBatch is how many correlationIds one status search asks about.
const reconcileBatch = 1000

// reconcile looks up messages left submitting (claimed before olderThan
// and not on the wire now): those the provider knows are accepted, the
// others go back to the queue.
func (w *Worker) reconcile(ctx context.Context, olderThan time.Time) {
	for ctx.Err() == nil {
		msgs, err := w.store.Submitting(ctx, olderThan, reconcileBatch)
		if err != nil {
			w.log.Error("dispatch: load unreconciled", "err", err)
			return
		}
		w.mu.Lock()
		var todo []Message
		for _, m := range msgs {
			if _, busy := w.inflight[m.ID]; !busy {
				todo = append(todo, m)
			}
		}
		w.mu.Unlock()
		if len(todo) == 0 {
			return
		}
		if todo, err = w.unverifiable(ctx, todo); err != nil {
			w.log.Warn("dispatch: reconcile channels lookup failed, will retry", "err", err)
			return
		}
		if len(todo) == 0 {
			if len(msgs) < reconcileBatch {
				return
			}
			continue
		}
		ids := make([]string, len(todo))
		for i, m := range todo {
			ids[i] = CorrelationID(m.CampaignID, m.ID)
		}
		found, err := w.sender.Find(ctx, ids)
		if err != nil {
			w.log.Warn("dispatch: reconcile lookup failed, will retry", "err", err)
			return
		}
		acc := map[int64][]Accepted{}
		again := map[int64][]int64{}
		lk, links := w.sender.(Linker)
		links = links && lk.LinksProviderIDs()
		for i, m := range todo {
			if pid, ok := found[ids[i]]; ok {
				a := Accepted{MessageID: m.ID, ProviderID: pid}
				if links && pid != "" {
					a.Links = []string{pid}
				}
				acc[m.CampaignID] = append(acc[m.CampaignID], a)
			} else {
				again[m.CampaignID] = append(again[m.CampaignID], m.ID)
			}
		}
		now := w.cfg.Now()
		for cid, a := range acc {
			if err := w.store.Accept(ctx, cid, a, now); err != nil {
				w.log.Error("dispatch: reconcile accept", "campaign_id", cid, "err", err)
				return
			}
		}
		for cid, ids := range again {
			w.requeue(ctx, cid, ids)
		}
		w.log.Info("dispatch: reconciled", "found", len(todo)-countAll(again), "requeued", countAll(again))
		if len(msgs) < reconcileBatch {
			return
		}
	}
}

func countAll(m map[int64][]int64) int {
	n := 0
	for _, v := range m {
		n += len(v)
	}
	return n
}
