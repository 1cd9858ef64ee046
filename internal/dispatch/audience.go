package dispatch

import (
	"context"
	"strconv"
	"strings"
	"time"

	"arauto/internal/areacode"
	"arauto/internal/frequency"
	"arauto/internal/schedule"
)

// Areas says whose local window is open, for a campaign that sends in each
// recipient's own time (Schedule.LocalTime).
type Areas struct {
	// DDDs are the Brazilian area codes whose window is open in every zone
	// the DDD spans.
	DDDs []int
	// Others is set when the campaign's own zone is open: numbers without
	// a known DDD (other countries) follow it.
	Others bool
}

// key identifies a set of open areas, to notice when it changes.
func (a Areas) key() string {
	var b strings.Builder
	for _, d := range a.DDDs {
		b.WriteString(strconv.Itoa(d))
		b.WriteByte(',')
	}
	if a.Others {
		b.WriteByte('+')
	}
	return b.String()
}

// areas returns whose window is open at now: all is set when the window is
// open everywhere (a plain claim will do), none when it is open nowhere.
func (c Campaign) areas(now time.Time) (a Areas, all, none bool) {
	w := c.Schedule.Window
	if !c.Schedule.LocalTime || !w.Restricted() {
		return Areas{}, true, false
	}
	loc, err := schedule.LoadZone(c.Schedule.Zone)
	a.Others = err == nil && w.Open(now, loc)
	known := areacode.All()
	for _, ar := range known {
		if w.OpenIn(now, ar.Zones) {
			a.DDDs = append(a.DDDs, ar.DDD)
		}
	}
	all = a.Others && len(a.DDDs) == len(known)
	none = !a.Others && len(a.DDDs) == 0
	return a, all, none
}

// AreaClaimer is implemented by a Store that can claim only the messages
// of some areas, for campaigns sent in each recipient's own time. Without
// it such campaigns send only while every area is open.
type AreaClaimer interface {
	// ClaimAreas is Claim restricted to numbers of the open DDDs (and, when
	// Others is set, numbers outside Brazil's numbering plan).
	ClaimAreas(ctx context.Context, campaignID, after int64, limit int, now time.Time, a Areas) ([]Message, error)
}

// CapStore is implemented by a Store that knows what each number was sent
// recently, for the frequency cap.
type CapStore interface {
	// RecentSends counts, for each of phones, the messages on channel the
	// provider accepted since the given instant (numbers with none are
	// absent).
	RecentSends(ctx context.Context, channel string, phones []string, since time.Time) (map[string]int, error)
	// Cap marks submitting messages capped by the rule recorded as reason
	// (frequency.Rule.Reason): they are never sent.
	Cap(ctx context.Context, campaignID int64, ids []int64, reason string) error
}

// capped splits off the messages whose number reached the frequency cap
// and marks them so. On a lookup error every id is returned with it, so
// the batch can go back to the queue.
func (w *Worker) capped(ctx context.Context, c Campaign, msgs []Message, ids []int64) ([]Message, []int64, error) {
	cs, ok := w.store.(CapStore)
	if w.cfg.FrequencyCap == nil || !ok || len(msgs) == 0 || c.Transactional {
		return msgs, ids, nil
	}
	rule, err := w.cfg.FrequencyCap(ctx, c.Channel)
	if err != nil || !rule.Active() {
		return msgs, ids, err
	}
	phones := make([]string, len(msgs))
	for i, m := range msgs {
		phones[i] = m.Phone
	}
	sent, err := cs.RecentSends(ctx, c.Channel, phones, rule.Since(w.cfg.Now()))
	if err != nil {
		return msgs, ids, err
	}
	keep, keepIDs := msgs[:0:0], ids[:0:0]
	var capIDs []int64
	for _, m := range msgs {
		if rule.Capped(sent[m.Phone]) {
			capIDs = append(capIDs, m.ID)
			continue
		}
		keep, keepIDs = append(keep, m), append(keepIDs, m.ID)
	}
	if len(capIDs) > 0 {
		if err := cs.Cap(ctx, c.ID, capIDs, rule.Reason()); err != nil {
			w.log.Error("dispatch: mark capped", "campaign_id", c.ID, "err", err)
		}
		w.log.Info("dispatch: recipients over the frequency cap skipped", "campaign_id", c.ID, "messages", len(capIDs), "rule", rule.Reason())
	}
	return keep, keepIDs, nil
}

// CapRule is how the worker learns the frequency cap in force for a
// channel (an inactive Rule for none).
type CapRule func(ctx context.Context, channel string) (frequency.Rule, error)
