package retention

import (
	"arauto/internal/clicks"
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// Settings keys of the policy (days; blank keeps forever).
const (
	SettingRawEventsDays  = "retention.raw_events_days"
	SettingReplyTextsDays = "retention.reply_texts_days"
	SettingResultsDays    = "retention.results_days"
)

// DefaultRawEventsDays is how long applied raw events are kept when the
// setting was never saved: long enough to look into a disputed report.
const DefaultRawEventsDays = 30

// MinDays is the shortest age of reply texts and results: younger ones
// may still change (statuses arrive for three days).
const MinDays = 7

// MaxDays bounds every age (ten years).
const MaxDays = 3650

// Interval is how often Loop prunes.
const Interval = time.Hour

// Policy is how long each kind is kept; nil keeps forever.
type Policy struct {
	RawEventsDays, ReplyTextsDays, ResultsDays *int
}

// PolicyOf reads the policy from saved settings. A value that is not a
// number in range keeps forever (the Settings page refuses those).
func PolicyOf(saved map[string]string) Policy {
	p := Policy{
		RawEventsDays:  days(saved, SettingRawEventsDays, 0),
		ReplyTextsDays: days(saved, SettingReplyTextsDays, MinDays),
		ResultsDays:    days(saved, SettingResultsDays, MinDays),
	}
	if _, set := saved[SettingRawEventsDays]; !set {
		d := DefaultRawEventsDays
		p.RawEventsDays = &d
	}
	return p
}

func days(saved map[string]string, key string, least int) *int {
	n, err := ParseDays(saved[key], least)
	if err != nil {
		return nil
	}
	return n
}

// ParseDays reads an age typed in days: blank is forever (nil); otherwise
// a whole number from least to MaxDays.
func ParseDays(v string, least int) (*int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < least || n > MaxDays {
		return nil, fmt.Errorf("retention: %q is not a number of days from %d to %d", v, least, MaxDays)
	}
	return &n, nil
}

// Cutoffs are the moments before which each kind is pruned; the zero
// time keeps everything of its kind.
type Cutoffs struct {
	RawEvents, ReplyTexts, Results time.Time
}

// At returns the policy's cutoffs at now.
func (p Policy) At(now time.Time) Cutoffs {
	at := func(d *int) time.Time {
		if d == nil {
			return time.Time{}
		}
		return now.AddDate(0, 0, -*d)
	}
	return Cutoffs{RawEvents: at(p.RawEventsDays), ReplyTexts: at(p.ReplyTextsDays), Results: at(p.ResultsDays)}
}

// Usage is the database's size and what the cutoffs would free.
type Usage struct {
	// FileBytes is the database with its write-ahead log; FreeBytes the
	// pages inside it that hold nothing and new data reuses.
	FileBytes, FreeBytes int64
	// Shrinks says freed pages go back to the file system at each run
	// (incremental auto-vacuum); otherwise only Compact shrinks the file.
	Shrinks bool
	// RawEvents and RawEventBytes are the applied raw events the cutoff
	// would prune, and their stored (compressed) size.
	RawEvents, RawEventBytes int64
	// ReplyTexts counts the replies whose text would be cleared.
	ReplyTexts int64
	// Results counts the per-recipient rows of finished campaigns that
	// would go, over ResultCampaigns campaigns.
	Results         int64
	ResultCampaigns int
}

// Pruned says what a Run removed.
type Pruned struct {
	RawEvents, ReplyTexts, Results, FreedBytes int64
	// TrackedLinks counts the expired link sets of deleted campaigns
	// removed.
	TrackedLinks int64
	// Repacked counts the applied raw events kept, recompressed in larger
	// chunks.
	Repacked int64
}

// Store is what pruning needs.
type Store interface {
	Settings(ctx context.Context) (map[string]string, error)
	// PruneRawEvents deletes applied raw events received before cutoff.
	PruneRawEvents(ctx context.Context, before time.Time) (int64, error)
	// PruneReplyTexts clears the text, media and payload of replies
	// received before cutoff; the replies stay, counted and linked.
	PruneReplyTexts(ctx context.Context, before time.Time) (int64, error)
	// PruneResults deletes the per-recipient rows of campaigns finished
	// before cutoff, keeping their counters (and recording the figures
	// read from those rows, such as billed segments, as counters first).
	PruneResults(ctx context.Context, before time.Time) (int64, error)
	// PruneTrackedLinks removes the short links of deleted campaigns that
	// started before cutoff (expired: they no longer redirect).
	PruneTrackedLinks(ctx context.Context, before time.Time) (int64, error)
	// RepackRawEvents recompresses applied raw events in larger chunks
	// and says how many.
	RepackRawEvents(ctx context.Context) (int64, error)
	// ReclaimSpace gives free pages back to the file system where the
	// database allows it, and says how many bytes.
	ReclaimSpace(ctx context.Context) (int64, error)
}

// Run prunes what the saved policy says is too old at now.
func Run(ctx context.Context, st Store, now time.Time) (Pruned, error) {
	var p Pruned
	saved, err := st.Settings(ctx)
	if err != nil {
		return p, fmt.Errorf("retention: %w", err)
	}
	c := PolicyOf(saved).At(now)
	if !c.RawEvents.IsZero() {
		if p.RawEvents, err = st.PruneRawEvents(ctx, c.RawEvents); err != nil {
			return p, fmt.Errorf("retention: %w", err)
		}
	}
	if !c.ReplyTexts.IsZero() {
		if p.ReplyTexts, err = st.PruneReplyTexts(ctx, c.ReplyTexts); err != nil {
			return p, fmt.Errorf("retention: %w", err)
		}
	}
	if !c.Results.IsZero() {
		if p.Results, err = st.PruneResults(ctx, c.Results); err != nil {
			return p, fmt.Errorf("retention: %w", err)
		}
	}
	// Short links live their own lifetime (a setting of link tracking),
	// not the results': a link of a deleted campaign is kept until it
	// expires.
	expired := now.Add(-time.Duration(clicks.ExpiryDays(saved)) * 24 * time.Hour)
	if p.TrackedLinks, err = st.PruneTrackedLinks(ctx, expired); err != nil {
		return p, fmt.Errorf("retention: %w", err)
	}
	if p.Repacked, err = st.RepackRawEvents(ctx); err != nil {
		return p, fmt.Errorf("retention: %w", err)
	}
	if p.FreedBytes, err = st.ReclaimSpace(ctx); err != nil {
		return p, fmt.Errorf("retention: %w", err)
	}
	return p, nil
}

// Loop runs Run every Interval (and once at start) until ctx ends.
func Loop(ctx context.Context, st Store, log *slog.Logger) {
	t := time.NewTicker(Interval)
	defer t.Stop()
	for {
		p, err := Run(ctx, st, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("retention failed", "err", err)
		case p.RawEvents+p.ReplyTexts+p.Results+p.Repacked+p.TrackedLinks > 0:
			log.Info("retention pruned", "raw_events", p.RawEvents, "reply_texts", p.ReplyTexts, "results", p.Results, "tracked_links", p.TrackedLinks,
				"repacked_events", p.Repacked, "freed_bytes", p.FreedBytes)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
