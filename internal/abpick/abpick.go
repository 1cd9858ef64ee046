package abpick

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"arauto/internal/abtest"
)

// Test is where a campaign's test stands, as the Picker needs it.
type Test struct {
	Settings abtest.Settings
	Winner   int
}

// Store is what the Picker reads and writes.
type Store interface {
	// DueABTests lists the campaigns whose test's wait ended without a
	// winner.
	DueABTests(ctx context.Context, now time.Time) ([]int64, error)
	// ABTestOf returns a campaign's test.
	ABTestOf(ctx context.Context, campaignID int64) (Test, error)
	// VariantStats counts k variants' test messages (index 0 = A).
	VariantStats(ctx context.Context, campaignID int64, k int) ([]abtest.Stats, error)
	// ChooseWinner sets the winner once and releases the remainder; it
	// reports whether this call chose.
	ChooseWinner(ctx context.Context, campaignID int64, variant int, by, reason string, now time.Time) (bool, error)
}

// ReasonHand is the reason recorded for a winner a person chose.
const ReasonHand = "hand"

// Picker chooses winners.
type Picker struct {
	Store Store
	// Chosen is told each campaign whose winner was just chosen (wake the
	// dispatcher, refresh open pages); may be nil.
	Chosen func(campaignID int64)
	// Now is the clock (time.Now when nil); Every how often Run looks
	// (a minute when zero).
	Now   func() time.Time
	Every time.Duration
	Log   *slog.Logger
}

func (p *Picker) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Run picks due winners until ctx ends.
func (p *Picker) Run(ctx context.Context) error {
	every := p.Every
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := p.PickDue(ctx); err != nil && ctx.Err() == nil && p.Log != nil {
			p.Log.Error("abpick: pick due winners", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// PickDue chooses the winner of every test whose wait has ended, by its
// criterion, and returns how many it chose.
func (p *Picker) PickDue(ctx context.Context) (int, error) {
	ids, err := p.Store.DueABTests(ctx, p.now())
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		t, err := p.Store.ABTestOf(ctx, id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		stats, err := p.Store.VariantStats(ctx, id, t.Settings.Variants())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c := t.Settings.CriterionOf()
		best, _ := abtest.Winner(stats, c)
		chose, err := p.Store.ChooseWinner(ctx, id, best+1, "", c.Name, p.now())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if chose {
			n++
			if p.Chosen != nil {
				p.Chosen(id)
			}
			if p.Log != nil {
				p.Log.Info("abpick: winner chosen", "campaign_id", id, "variant", abtest.Name(best+1), "criterion", c.Name)
			}
		}
	}
	return n, errors.Join(errs...)
}

// ErrNoTest is a choice for a campaign without a running test (or a
// variant it lacks), or one whose winner was already chosen.
var ErrNoTest = errors.New("abpick: no running test to choose for")

// ChooseByHand makes variant (1 = A) the winner of a campaign's test on a
// person's word (by is their name), unless a winner exists already.
func (p *Picker) ChooseByHand(ctx context.Context, campaignID int64, variant int, by string) error {
	t, err := p.Store.ABTestOf(ctx, campaignID)
	if err != nil {
		return err
	}
	if !t.Settings.On() || variant < 1 || variant > t.Settings.Variants() || t.Winner != 0 {
		return ErrNoTest
	}
	chose, err := p.Store.ChooseWinner(ctx, campaignID, variant, by, ReasonHand, p.now())
	if err != nil {
		return fmt.Errorf("abpick: choose by hand: %w", err)
	}
	if !chose {
		return ErrNoTest
	}
	if p.Chosen != nil {
		p.Chosen(campaignID)
	}
	return nil
}
