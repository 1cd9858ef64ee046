package contact

import (
	"context"
	"log/slog"
	"time"
)

// ActivityStore keeps the contact book's facts about messages (last sent,
// last delivered, the carrier): sends and reports note their messages, and
// FoldContactActivity folds up to limit of them into their contacts,
// saying how many it folded.
type ActivityStore interface {
	FoldContactActivity(ctx context.Context, limit int) (int, error)
}

// ActivityBatch is how many noted messages one fold takes: one
// transaction of a few milliseconds (tens on a loaded machine), the
// longest a send, a report or a webhook that comes meanwhile waits.
const ActivityBatch = 1024

// ActivityEvery is how often FoldActivity folds. The store folds only
// when no send, report or webhook waits for the writer, so while a
// campaign is busy its sends wait for their deliveries and both are
// folded in one rewrite of the contact; a segment counted meanwhile sees
// the contacts as they were before.
const ActivityEvery = 2 * time.Second

// FoldActivity folds what sends and reports noted into the contact book
// every `every` (ActivityEvery when zero), all that is due each time in
// batches of ActivityBatch, until ctx ends.
func FoldActivity(ctx context.Context, st ActivityStore, every time.Duration, log *slog.Logger) {
	if every <= 0 {
		every = ActivityEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for ctx.Err() == nil {
			n, err := st.FoldContactActivity(ctx, ActivityBatch)
			if err != nil {
				if ctx.Err() == nil {
					log.Error("folding contact activity failed", "err", err)
				}
				break
			}
			if n < ActivityBatch {
				break
			}
		}
	}
}
