package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/abpick"
	"arauto/internal/abtest"
	"arauto/internal/wavy"
)

// ABState is where a campaign's A/B test stands.
type ABState struct {
	Settings abtest.Settings
	// Assigned is true once the outbox is split (the test is running).
	Assigned bool
	// DecideAt is when the scheduler chooses (zero: by hand, or not started).
	DecideAt time.Time
	// Winner is the winning variant (1 = A), 0 while none.
	Winner    int
	DecidedAt time.Time
	// DecidedBy is the name of the person who chose ("" = the scheduler).
	DecidedBy string
	// Reason is the criterion the scheduler judged by, or "hand".
	Reason string
}

// CampaignABTest returns a campaign's A/B test (zero Settings for none).
func (s *Store) CampaignABTest(ctx context.Context, campaignID int64) (ABState, error) {
	var st ABState
	var raw string
	var assigned int
	var decideAt, decidedAt int64
	err := s.r.QueryRowContext(ctx, `SELECT abtest, ab_assigned, ab_decide_at, ab_winner, ab_decided_at, ab_decided_by, ab_reason
		FROM campaigns WHERE id = ?`, campaignID).Scan(&raw, &assigned, &decideAt, &st.Winner, &decidedAt, &st.DecidedBy, &st.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("store: a/b test of campaign %d: %w", campaignID, ErrNotFound)
	}
	if err != nil {
		return st, fmt.Errorf("store: a/b test of campaign %d: %w", campaignID, err)
	}
	if st.Settings, err = abtest.Parse(raw); err != nil {
		return st, fmt.Errorf("store: a/b test of campaign %d: %w", campaignID, err)
	}
	st.Assigned = assigned == 1
	if decideAt > 0 {
		st.DecideAt = fromMS(decideAt)
	}
	if decidedAt > 0 {
		st.DecidedAt = fromMS(decidedAt)
	}
	return st, nil
}

// SetCampaignABTest stores a draft SMS campaign's A/B test (the zero
// Settings removes it), with a fresh seed for its split.
func (s *Store) SetCampaignABTest(ctx context.Context, campaignID int64, set abtest.Settings, now time.Time) error {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return fmt.Errorf("store: a/b test seed: %w", err)
	}
	seed := int64(binary.BigEndian.Uint64(b[:]) >> 1)
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET abtest = ?, ab_seed = ?, updated_at = ? WHERE id = ? AND channel = 'sms' AND state = 'draft'`,
		set.Encode(), seed, toMS(now), campaignID)
	if err != nil {
		return fmt.Errorf("store: set a/b test of campaign %d: %w", campaignID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set a/b test of campaign %d: %w", campaignID, ErrConflict)
	}
	return nil
}

// assignVariants splits a started campaign's outbox for its A/B test, once:
// abtest.Split (seeded per campaign) over the queued rows gives the test
// rows their variant; every other queued row is held until a winner
// exists. One transaction, so a crash leaves the outbox either unsplit (the
// next start splits it) or split.
func (s *Store) assignVariants(ctx context.Context, id int64, now time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var raw string
		var seed int64
		var assigned int
		if err := tx.QueryRowContext(ctx, "SELECT abtest, ab_seed, ab_assigned FROM campaigns WHERE id = ?", id).Scan(&raw, &seed, &assigned); err != nil {
			return err
		}
		if raw == "" || assigned == 1 {
			return nil
		}
		set, err := abtest.Parse(raw)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT id FROM messages WHERE campaign_id = ? AND state = 'queued' ORDER BY id", id)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var m int64
			if err := rows.Scan(&m); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(ids) > 0 {
			as, err := abtest.Split(uint64(seed), ids, set.Share, set.Variants())
			if err != nil {
				return err
			}
			stmt, err := tx.PrepareContext(ctx, "UPDATE messages SET variant = ? WHERE id = ?")
			if err != nil {
				return err
			}
			for _, a := range as {
				if _, err := stmt.ExecContext(ctx, a.Variant+1, a.Row); err != nil {
					stmt.Close()
					return err
				}
			}
			stmt.Close()
			if _, err := tx.ExecContext(ctx, "UPDATE messages SET state = 'held' WHERE campaign_id = ? AND state = 'queued' AND variant = 0", id); err != nil {
				return err
			}
		}
		var decideAt int64
		if !set.Manual {
			decideAt = toMS(now.Add(set.Wait))
		}
		_, err = tx.ExecContext(ctx, "UPDATE campaigns SET ab_assigned = 1, ab_decide_at = ? WHERE id = ?", decideAt, id)
		return err
	})
}

// ErrNoTest is a winner chosen for a campaign without a running test, or a
// variant it does not have.
var ErrNoTest = errors.New("store: no such running a/b test or variant")

// ChooseWinner sets the winner of a campaign's A/B test and releases the
// held remainder to the dispatcher, in one transaction: the winner is set
// only while none is (a conditional UPDATE), so whoever chooses first wins
// and the remainder is released exactly once. by names the person ("" for
// the scheduler), reason the criterion or "hand". It reports whether this
// call chose.
func (s *Store) ChooseWinner(ctx context.Context, campaignID int64, variant int, by, reason string, now time.Time) (bool, error) {
	var chose bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var raw string
		if err := tx.QueryRowContext(ctx, "SELECT abtest FROM campaigns WHERE id = ?", campaignID).Scan(&raw); err != nil {
			return err
		}
		set, err := abtest.Parse(raw)
		if err != nil {
			return err
		}
		if !set.On() || variant < 1 || variant > set.Variants() {
			return ErrNoTest
		}
		res, err := tx.ExecContext(ctx, `UPDATE campaigns SET ab_winner = ?, ab_decided_at = ?, ab_decided_by = ?, ab_reason = ?, updated_at = ?
			WHERE id = ? AND ab_winner = 0 AND ab_assigned = 1 AND state IN ('running', 'paused')`,
			variant, toMS(now), by, reason, toMS(now), campaignID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		chose = true
		// The remainder carries the winner as -variant: the row itself says
		// which text it gets, whatever the dispatcher read before.
		res, err = tx.ExecContext(ctx, "UPDATE messages SET state = 'queued', variant = ? WHERE campaign_id = ? AND state = 'held'", -variant, campaignID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return bump(ctx, tx, campaignID, "held", "queued", n)
	})
	if err != nil {
		return false, fmt.Errorf("store: choose the winner of campaign %d: %w", campaignID, err)
	}
	return chose, nil
}

// DueABTests returns the campaigns whose test's wait has ended without a
// winner, running or paused.
func (s *Store) DueABTests(ctx context.Context, now time.Time) ([]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM campaigns INDEXED BY campaigns_ab_due
		WHERE ab_decide_at > 0 AND ab_winner = 0 AND ab_decide_at <= ? AND state IN ('running', 'paused') ORDER BY id`, toMS(now))
	if err != nil {
		return nil, fmt.Errorf("store: due a/b tests: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: due a/b tests: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// successCodes lists, as SQL, the codes of a phase that mean the message
// progressed (wavy.StatusCode.Success).
func successCodes(phase wavy.Phase) string {
	var cs []string
	for _, sc := range wavy.StatusCodes() {
		if sc.Phase == phase && sc.Success {
			cs = append(cs, strconv.Itoa(sc.Code))
		}
	}
	if len(cs) == 0 {
		return "-1"
	}
	return strings.Join(cs, ",")
}

// abDelivered is report.KeyDelivered's definition over a message's
// columns (internal/delivery's fold): a successful delivered code, after
// no sent code or a successful one.
var abDelivered = "m.delivered_code IN (" + successCodes(wavy.PhaseDelivered) + ") AND (m.sent_code = 0 OR m.sent_code IN (" + successCodes(wavy.PhaseSent) + "))"

// Remainder is the progress of an A/B test's remainder once released:
// its messages and those the provider accepted.
type Remainder struct {
	Released, Sent int64
}

// VariantStats counts each of k variants' test messages (index 0 = A):
// sent (the provider accepted them: report.Figures.Submitted), delivered
// to the handset (as report.KeyDelivered), clicked and replied to.
func (s *Store) VariantStats(ctx context.Context, campaignID int64, k int) ([]abtest.Stats, error) {
	out, _, err := s.ABFigures(ctx, campaignID, k)
	return out, err
}

// ABFigures is VariantStats with the released remainder's progress. It
// reads the test and remainder rows only (messages_variant).
func (s *Store) ABFigures(ctx context.Context, campaignID int64, k int) ([]abtest.Stats, Remainder, error) {
	out := make([]abtest.Stats, k)
	var rem Remainder
	rows, err := s.r.QueryContext(ctx, `SELECT m.variant, count(*),
			sum(m.state = 'accepted'),
			sum(m.state = 'accepted' AND `+abDelivered+`),
			sum(m.state = 'accepted' AND m.clicked_at > 0),
			sum(m.state = 'accepted' AND EXISTS (SELECT 1 FROM inbound i WHERE i.message_id = m.id))
		FROM messages m INDEXED BY messages_variant WHERE m.campaign_id = ? AND m.variant <> 0 GROUP BY m.variant`, campaignID)
	if err != nil {
		return nil, rem, fmt.Errorf("store: variant figures of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var n int64
		var st abtest.Stats
		if err := rows.Scan(&v, &n, &st.Sent, &st.Delivered, &st.Clicked, &st.Replied); err != nil {
			return nil, rem, fmt.Errorf("store: variant figures of campaign %d: %w", campaignID, err)
		}
		switch {
		case v < 0:
			rem.Released += n
			rem.Sent += st.Sent
		case v <= k:
			out[v-1] = st
		}
	}
	return out, rem, rows.Err()
}

// ABTestOf is CampaignABTest as internal/abpick reads it.
func (s *Store) ABTestOf(ctx context.Context, campaignID int64) (abpick.Test, error) {
	st, err := s.CampaignABTest(ctx, campaignID)
	return abpick.Test{Settings: st.Settings, Winner: st.Winner}, err
}
