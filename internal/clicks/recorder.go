package clicks

import (
	"context"
	"log/slog"
	"sort"
	"sync/atomic"
	"time"

	"arauto/internal/report"
)

// Click is one request for a short link.
type Click struct {
	MessageID int64
	Link      int
	At        time.Time
	// Agent is true when the user agent is a preview bot (PreviewAgent).
	Agent bool
	// held counts the flushes that held it back waiting for its delivery.
	held int
}

// Message is what the recorder needs of a clicked message, read inside the
// write transaction.
type Message struct {
	ID, CampaignID int64
	Phone          string
	// DeliveredAt is when the message reached the handset (zero: not
	// known yet).
	DeliveredAt time.Time
	// ClickedAt is the first click's time (zero: none yet); Links has a
	// bit set per link clicked.
	ClickedAt time.Time
	Links     uint16
}

// Update is what a batch adds to one message.
type Update struct {
	ID int64
	// ClickedAt is the first click's time, set when there was none.
	ClickedAt time.Time
	// Links is the new set of links clicked.
	Links uint16
	// Clicks and Previews are added.
	Clicks, Previews int64
	// Phone is the recipient, whose contact's last click moves to
	// LastClick.
	Phone     string
	LastClick time.Time
}

// Count is a delta to one campaign counter.
type Count struct {
	CampaignID int64
	Key        string
	N          int64
}

// Changes are what one batch writes.
type Changes struct {
	Messages []Update
	Counts   []Count
}

// Tx is one batch inside the store's write transaction.
type Tx interface {
	// Messages reads the messages that still exist among ids.
	Messages(ctx context.Context, ids []int64) (map[int64]Message, error)
	// Commit writes the changes.
	Commit(ctx context.Context, c Changes) error
}

// Store is what the Recorder writes through.
type Store interface {
	// RecordClicks runs fn in one write transaction, committing when it
	// returns nil.
	RecordClicks(ctx context.Context, fn func(Tx) error) error
}

// Timing of the recorder.
const (
	// FlushEvery is how often queued clicks are written.
	FlushEvery = 200 * time.Millisecond
	// PreviewWindow: a click this soon after the delivery (or before it)
	// is an unfurler fetching the link as the message lands.
	PreviewWindow = time.Second
	// DecideAfter is how long a click on a message whose delivery is not
	// known yet is held back, waiting for the receipt to tell a preview;
	// after that it counts as a click.
	DecideAfter = 10 * time.Second
	// QueueSize bounds the clicks waiting in memory.
	QueueSize = 1 << 16
)

// Recorder queues clicks from the redirects and writes them in batches.
type Recorder struct {
	store   Store
	log     *slog.Logger
	now     func() time.Time
	queue   chan Click
	applied func(campaignIDs []int64)
	held    []Click
	dropped atomic.Int64
	flushed chan struct{}
}

// Options tune a Recorder.
type Options struct {
	Log *slog.Logger
	Now func() time.Time
	// Applied is told the campaigns a batch changed (live pages).
	Applied func(campaignIDs []int64)
}

// NewRecorder returns a recorder writing to st; call Run.
func NewRecorder(st Store, o Options) *Recorder {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Recorder{store: st, log: o.Log, now: o.Now, applied: o.Applied, queue: make(chan Click, QueueSize), flushed: make(chan struct{}, 1)}
}

// Record queues a click without waiting. It returns false when the queue
// is full (the click is lost, the redirect still answers).
func (r *Recorder) Record(c Click) bool {
	select {
	case r.queue <- c:
		return true
	default:
		r.dropped.Add(1)
		return false
	}
}

// Dropped is how many clicks were lost to a full queue.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Run writes queued clicks every FlushEvery until ctx ends, then writes
// what is left.
func (r *Recorder) Run(ctx context.Context) {
	t := time.NewTicker(FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			r.flush(context.Background(), true)
			return
		case <-t.C:
			r.flush(ctx, false)
		}
	}
}

// Flush writes what is queued now (tests, shutdown), deciding held clicks
// as if their wait were over when final.
func (r *Recorder) Flush(ctx context.Context, final bool) { r.flush(ctx, final) }

func (r *Recorder) flush(ctx context.Context, final bool) {
	batch := r.held
	r.held = nil
	for len(batch) < 4*QueueSize {
		select {
		case c := <-r.queue:
			batch = append(batch, c)
			continue
		default:
		}
		break
	}
	if len(batch) == 0 {
		return
	}
	var campaigns []int64
	err := r.store.RecordClicks(ctx, func(tx Tx) error {
		ids := make([]int64, 0, len(batch))
		seen := make(map[int64]bool, len(batch))
		for _, c := range batch {
			if !seen[c.MessageID] {
				seen[c.MessageID] = true
				ids = append(ids, c.MessageID)
			}
		}
		msgs, err := tx.Messages(ctx, ids)
		if err != nil {
			return err
		}
		var changes Changes
		changes, r.held, campaigns = Fold(batch, msgs, r.now(), final)
		return tx.Commit(ctx, changes)
	})
	if err != nil {
		// Keep the batch for the next round rather than lose it.
		r.log.Error("clicks: record clicks", "clicks", len(batch), "err", err)
		if len(batch) <= QueueSize {
			r.held = batch
		}
		return
	}
	if r.applied != nil && len(campaigns) > 0 {
		r.applied(campaigns)
	}
}

// Fold decides each click (click, preview, or held back until the
// delivery is known) and adds them to the messages and the counters. It
// returns the changes, the clicks held back, and the campaigns changed.
// Clicks of messages that no longer exist (the campaign was deleted or its
// results pruned) are dropped: the redirect still answered.
func Fold(batch []Click, msgs map[int64]Message, now time.Time, final bool) (Changes, []Click, []int64) {
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].At.Before(batch[j].At) })
	type acc struct {
		Message
		u       Update
		touched bool
	}
	state := map[int64]*acc{}
	var order []int64
	var held []Click
	counts := map[Count]int64{}
	add := func(campaign int64, key string, n int64) {
		counts[Count{CampaignID: campaign, Key: key}] += n
	}
	for _, c := range batch {
		m, ok := msgs[c.MessageID]
		if !ok || c.Link < 0 || c.Link >= MaxLinks {
			continue
		}
		a := state[c.MessageID]
		if a == nil {
			a = &acc{Message: m, u: Update{ID: m.ID, Links: m.Links, Phone: m.Phone}}
			state[c.MessageID] = a
			order = append(order, c.MessageID)
		}
		preview := c.Agent
		if !preview {
			switch {
			case !m.DeliveredAt.IsZero():
				preview = c.At.Before(m.DeliveredAt.Add(PreviewWindow))
			case !final && now.Sub(c.At) < DecideAfter:
				// The receipt may be on its way: wait for it to tell.
				c.held++
				held = append(held, c)
				continue
			}
		}
		a.touched = true
		if preview {
			a.u.Previews++
			add(m.CampaignID, report.KeyPreviews, 1)
			add(m.CampaignID, report.LinkKey(c.Link, report.LinkPreviews), 1)
			continue
		}
		a.u.Clicks++
		add(m.CampaignID, report.KeyClicks, 1)
		add(m.CampaignID, report.LinkKey(c.Link, report.LinkClicks), 1)
		add(m.CampaignID, report.TimelineKey(c.At, report.SeriesClicked), 1)
		if a.ClickedAt.IsZero() && a.u.ClickedAt.IsZero() {
			a.u.ClickedAt = c.At
			add(m.CampaignID, report.KeyClicked, 1)
		}
		if bit := uint16(1) << c.Link; a.u.Links&bit == 0 {
			a.u.Links |= bit
			add(m.CampaignID, report.LinkKey(c.Link, report.LinkUnique), 1)
		}
		if c.At.After(a.u.LastClick) {
			a.u.LastClick = c.At
		}
	}
	var out Changes
	seen := map[int64]bool{}
	var campaigns []int64
	for _, id := range order {
		a := state[id]
		if !a.touched {
			continue
		}
		out.Messages = append(out.Messages, a.u)
		if !seen[a.CampaignID] {
			seen[a.CampaignID] = true
			campaigns = append(campaigns, a.CampaignID)
		}
	}
	for k, n := range counts {
		k.N = n
		out.Counts = append(out.Counts, k)
	}
	sort.Slice(out.Counts, func(i, j int) bool {
		if out.Counts[i].CampaignID != out.Counts[j].CampaignID {
			return out.Counts[i].CampaignID < out.Counts[j].CampaignID
		}
		return out.Counts[i].Key < out.Counts[j].Key
	})
	return out, held, campaigns
}
