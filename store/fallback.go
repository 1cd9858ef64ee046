package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/delivery"
	"arauto/internal/fallback"
	"arauto/internal/report"
)

// CampaignFallback returns a campaign's SMS fallback (the zero Settings
// when it has none).
func (s *Store) CampaignFallback(ctx context.Context, campaignID int64) (fallback.Settings, error) {
	var raw string
	err := s.r.QueryRowContext(ctx, "SELECT fallback FROM campaigns WHERE id = ?", campaignID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return fallback.Settings{}, fmt.Errorf("store: fallback of campaign %d: %w", campaignID, ErrNotFound)
	}
	if err != nil {
		return fallback.Settings{}, fmt.Errorf("store: fallback of campaign %d: %w", campaignID, err)
	}
	f, err := fallback.Parse(raw)
	if err != nil {
		return f, fmt.Errorf("store: fallback of campaign %d: %w", campaignID, err)
	}
	return f, nil
}

// SetCampaignFallback stores a WhatsApp campaign's SMS fallback (the zero
// Settings removes it) while the campaign is a draft.
func (s *Store) SetCampaignFallback(ctx context.Context, campaignID int64, f fallback.Settings, now time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET fallback = ?, updated_at = ? WHERE id = ? AND channel = 'whatsapp' AND state = 'draft'`,
		f.Encode(), toMS(now), campaignID)
	if err != nil {
		return fmt.Errorf("store: set fallback of campaign %d: %w", campaignID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: set fallback of campaign %d: %w", campaignID, ErrConflict)
	}
	return nil
}

// fallbackLinger is how long after a campaign completes its messages are
// still judged: the longest wait, and the provider's status horizon for
// the last codes to arrive.
const fallbackLinger = fallback.MaxWait + delivery.StatusHorizon

// SweepFallbacks queues, in one write transaction, the SMS of up to limit
// WhatsApp messages that fallback.Decide sends back: running and completed
// WhatsApp campaigns with a fallback are read by their outbox range; each
// message that falls back gets its row in fallbacks (keyed by the
// message: once, ever) and its SMS in the campaign's hidden companion
// (made on the first), queued, or suppressed when its number is on the
// suppression list; the counters move with them.
func (s *Store) SweepFallbacks(ctx context.Context, now time.Time, limit int) (int, error) {
	var total int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.fallback, coalesce(c.list_id, 0), c.first_message_id, c.last_message_id,
				coalesce(f.id, 0), c.finished_at, c.sub_account
			FROM campaigns c LEFT JOIN campaigns f ON f.fallback_of = c.id
			WHERE c.channel = 'whatsapp' AND c.fallback <> '' AND c.state IN ('running', 'completed') AND c.first_message_id > 0
				AND (c.finished_at = 0 OR c.finished_at >= ?)`, toMS(now.Add(-fallbackLinger)))
		if err != nil {
			return err
		}
		type camp struct {
			id, listID, first, last, companion int64
			name, subAccount                   string
			settings                           fallback.Settings
		}
		var camps []camp
		for rows.Next() {
			var c camp
			var raw string
			var finished int64
			if err := rows.Scan(&c.id, &c.name, &raw, &c.listID, &c.first, &c.last, &c.companion, &finished, &c.subAccount); err != nil {
				rows.Close()
				return err
			}
			if c.settings, err = fallback.Parse(raw); err != nil {
				rows.Close()
				return fmt.Errorf("campaign %d: %w", c.id, err)
			}
			camps = append(camps, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range camps {
			if total >= limit {
				break
			}
			n, err := sweepCampaign(ctx, tx, c.id, c.name, c.subAccount, c.listID, c.first, c.last, c.companion, c.settings, now, limit-total)
			if err != nil {
				return fmt.Errorf("campaign %d: %w", c.id, err)
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: sweep fallbacks: %w", err)
	}
	return total, nil
}

func intList(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = fmt.Sprint(n)
	}
	return strings.Join(s, ",")
}

// sweepCampaign queues the fallbacks of one campaign inside the sweep's
// transaction.
func sweepCampaign(ctx context.Context, tx *sql.Tx, id int64, name, subAccount string, listID, first, last, companion int64,
	set fallback.Settings, now time.Time, limit int) (int, error) {
	// The codes are constants of internal/fallback, written into the
	// query as numbers; the decision itself is fallback.Decide's.
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.row, m.phone, m.state, m.sent_code, m.delivered_code, m.read_at, m.submitted_at
		FROM messages m NOT INDEXED
		WHERE m.id BETWEEN ? AND ? AND m.campaign_id = ? AND m.state = 'accepted'
			AND (m.sent_code IN (`+intList(fallback.SentCodes())+`) OR m.delivered_code IN (`+intList(fallback.DeliveredCodes())+`)
				OR (m.delivered_code = 0 AND m.read_at = 0 AND m.sent_code IN (0, 2) AND m.submitted_at > 0 AND m.submitted_at <= ?))
			AND NOT EXISTS (SELECT 1 FROM fallbacks f WHERE f.message_id = m.id)
		ORDER BY m.id LIMIT ?`, first, last, id, toMS(now.Add(-set.Wait)), limit)
	if err != nil {
		return 0, err
	}
	type due struct {
		id, row int64
		phone   string
		reason  string
	}
	var dues []due
	for rows.Next() {
		var d due
		var m fallback.Message
		var read, submitted int64
		if err := rows.Scan(&d.id, &d.row, &d.phone, &m.State, &m.SentCode, &m.DeliveredCode, &read, &submitted); err != nil {
			rows.Close()
			return 0, err
		}
		m.Read, m.SubmittedAt = read != 0, fromMS(submitted)
		reason, ok := fallback.Decide(m, set.Wait, now)
		if !ok {
			continue
		}
		d.reason = reason
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if len(dues) == 0 {
		return 0, nil
	}
	if companion == 0 {
		if companion, err = newCompanion(ctx, tx, id, name, subAccount, listID, set.Text, now); err != nil {
			return 0, err
		}
	}
	msg, err := tx.PrepareContext(ctx, `INSERT INTO messages (campaign_id, row, phone, state, carrier)
		VALUES (?, ?, ?, CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.phone = ?) THEN 'suppressed' ELSE 'queued' END,
			coalesce((SELECT carrier FROM recipients WHERE list_id = ? AND row = ?), ''))
		RETURNING id, state`)
	if err != nil {
		return 0, err
	}
	defer msg.Close()
	link, err := tx.PrepareContext(ctx, "INSERT INTO fallbacks (message_id, campaign_id, sms_message_id, reason, created_at) VALUES (?, ?, ?, ?, ?)")
	if err != nil {
		return 0, err
	}
	defer link.Close()
	states := map[string]int64{}
	reasons := map[string]int64{}
	var firstID, lastID int64
	for _, d := range dues {
		var smsID int64
		var state string
		if err := msg.QueryRowContext(ctx, companion, d.row, d.phone, d.phone, listID, d.row).Scan(&smsID, &state); err != nil {
			return 0, err
		}
		if _, err := link.ExecContext(ctx, d.id, id, smsID, d.reason, toMS(now)); err != nil {
			return 0, err
		}
		if firstID == 0 {
			firstID = smsID
		}
		lastID = smsID
		states[state]++
		reasons[d.reason]++
	}
	for st, n := range states {
		if err := bump(ctx, tx, companion, "", st, n); err != nil {
			return 0, err
		}
	}
	if err := bump(ctx, tx, id, "", report.KeyFallbacks, int64(len(dues))); err != nil {
		return 0, err
	}
	for r, n := range reasons {
		if err := bump(ctx, tx, id, "", report.FallbackReasonKey(r), n); err != nil {
			return 0, err
		}
	}
	// The companion runs again whenever SMS wait (the dispatcher completes
	// it when its queue is empty), as transactional streams do.
	_, err = tx.ExecContext(ctx, `UPDATE campaigns SET last_message_id = ?,
		first_message_id = CASE WHEN first_message_id = 0 THEN ? ELSE first_message_id END,
		state = 'running', started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END, finished_at = 0, updated_at = ?
		WHERE id = ?`, lastID, firstID, toMS(now), toMS(now), companion)
	return len(dues), err
}

// newCompanion makes the hidden SMS campaign that sends a WhatsApp
// campaign's fallbacks, over the same list.
func newCompanion(ctx context.Context, tx *sql.Tx, of int64, name, subAccount string, listID int64, text string, now time.Time) (int64, error) {
	// The Campaign API never saw it: its remote id is negative, as a
	// transactional stream's.
	var remote int64
	if err := tx.QueryRowContext(ctx, "SELECT min(0, coalesce(min(remote_id), 0)) - 1 FROM campaigns").Scan(&remote); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, message, state, created_at, updated_at,
			api_stream, fallback_of, sub_account)
		VALUES (?, ?, '', 'sms', ?, ?, 'running', ?, ?, 1, ?, ?)`, remote, name+" (SMS)", listID, text, toMS(now), toMS(now), of, subAccount)
	if err != nil {
		return 0, fmt.Errorf("fallback companion: %w", err)
	}
	return res.LastInsertId()
}

// fallbackCounters adds to m the counters of a campaign's fallback SMS
// (its companion's dispatch states and delivery facts) under the
// companion prefix, for report.Summarize.
func (s *Store) fallbackCounters(ctx context.Context, campaignID int64, m map[string]int64) error {
	rows, err := s.r.QueryContext(ctx, `SELECT cc.state, cc.n FROM campaigns f JOIN campaign_counts cc ON cc.campaign_id = f.id
		WHERE f.fallback_of = ? AND (instr(cc.state, ':') = 0 OR (cc.state >= 'r:' AND cc.state < 'r;'))`, campaignID)
	if err != nil {
		return fmt.Errorf("store: fallback counters of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return fmt.Errorf("store: fallback counters of campaign %d: %w", campaignID, err)
		}
		m[report.FallbackPrefix+st] = n
	}
	return rows.Err()
}

// FallbackResult is the SMS a recipient got instead of a WhatsApp
// message: why, and its result.
type FallbackResult struct {
	Reason string
	SMS    MessageRow
}

// Fallbacks returns the fallback SMS of the given WhatsApp messages, by
// WhatsApp message id.
func (s *Store) Fallbacks(ctx context.Context, messageIDs []int64) (map[int64]FallbackResult, error) {
	out := map[int64]FallbackResult{}
	err := inChunks(messageIDs, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, "SELECT "+messageRowColumns+`, f.message_id, f.reason
			FROM fallbacks f JOIN messages m ON m.id = f.sms_message_id WHERE f.message_id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var r FallbackResult
			if r.SMS, err = scanMessageRow(rows, &id, &r.Reason); err != nil {
				return err
			}
			out[id] = r
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: fallbacks: %w", err)
	}
	return out, nil
}

// attachFallbacks fills the rows' Fallback with one query.
func (s *Store) attachFallbacks(ctx context.Context, rows []MessageRow) error {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	fbs, err := s.Fallbacks(ctx, ids)
	if err != nil {
		return err
	}
	for i := range rows {
		if fb, ok := fbs[rows[i].ID]; ok {
			rows[i].Fallback = &fb
		}
	}
	return nil
}
