package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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

// fallbackWalk bounds the messages one sweep's timeout walk reads per
// campaign, so the writer is never held long.
const fallbackWalk = 5000

// fallbackCampaign is a WhatsApp campaign with a fallback, as the sweep
// reads it.
type fallbackCampaign struct {
	id, listID, first, last, companion, through int64
	name, subAccount, state                     string
	settings                                    fallback.Settings
	// walk is set for campaigns whose messages the timeout walk reads
	// (running, or completed within fallbackLinger).
	walk bool
}

// fallbackDue is a WhatsApp message that falls back now.
type fallbackDue struct {
	id, row int64
	phone   string
	reason  string
}

// SweepFallbacks queues, in one write transaction, the SMS of up to limit
// WhatsApp messages that fallback.Decide sends back, and returns how many
// it queued. It reads only what is due, never the whole outbox:
//   - the messages the fallback_due trigger queued when a status that
//     means "not reachable by WhatsApp" was applied (those still being
//     sent stay queued; those that do not fall back leave);
//   - each campaign's messages past its fallback_through cursor, in id
//     order, up to the first whose wait for a delivery is not over (the
//     ones after it were accepted later): the timeouts.
//
// Each message that falls back gets its row in fallbacks (keyed by the
// message: once, ever) and its SMS in the campaign's hidden companion
// (made on the first), queued, or suppressed when its number is on the
// suppression list; the counters move with them. A paused campaign's
// fallbacks wait for it to resume; a cancelled one's are dropped.
func (s *Store) SweepFallbacks(ctx context.Context, now time.Time, limit int) (int, error) {
	// The sweeper runs after every applied batch of reports: without a
	// campaign that has a fallback (the usual case) it has nothing to do,
	// and asking a reader costs the writer's queue nothing, where a write
	// transaction each time took a turn from sends and reports.
	var some bool
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM campaigns
		WHERE channel = 'whatsapp' AND fallback <> '' AND first_message_id > 0 AND state <> 'archived')`).Scan(&some); err != nil {
		return 0, fmt.Errorf("store: sweep fallbacks: %w", err)
	}
	if !some {
		return 0, nil
	}
	var total int
	err := s.tx(ctx, func(tx *sql.Tx) error {
		camps, err := fallbackCampaigns(ctx, tx, now)
		if err != nil {
			return err
		}
		if len(camps) == 0 {
			return nil
		}
		if err := s.lockMessageIDs(ctx, tx); err != nil {
			return err
		}
		dues, err := dueByStatus(ctx, tx, camps, now, limit)
		if err != nil {
			return err
		}
		room := limit
		for _, d := range dues {
			room -= len(d)
		}
		for _, c := range camps {
			if !c.walk || room <= 0 {
				continue
			}
			added, err := walkTimeouts(ctx, tx, c, now, dues, room)
			if err != nil {
				return fmt.Errorf("campaign %d: %w", c.id, err)
			}
			room -= added
		}
		for id, d := range dues {
			n, err := queueFallbacks(ctx, tx, camps[id], d, now)
			if err != nil {
				return fmt.Errorf("campaign %d: %w", id, err)
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

// fallbackCampaigns reads the WhatsApp campaigns with a fallback that may
// still have some: started and not archived.
func fallbackCampaigns(ctx context.Context, tx *sql.Tx, now time.Time) (map[int64]*fallbackCampaign, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.id, c.name, c.state, c.fallback, coalesce(c.list_id, 0), c.first_message_id, c.last_message_id,
			coalesce(f.id, 0), c.fallback_through, c.finished_at, c.sub_account
		FROM campaigns c LEFT JOIN campaigns f ON f.fallback_of = c.id
		WHERE c.channel = 'whatsapp' AND c.fallback <> '' AND c.first_message_id > 0 AND c.state <> 'archived'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]*fallbackCampaign{}
	linger := toMS(now.Add(-fallbackLinger))
	for rows.Next() {
		c := &fallbackCampaign{}
		var raw string
		var finished int64
		if err := rows.Scan(&c.id, &c.name, &c.state, &raw, &c.listID, &c.first, &c.last, &c.companion, &c.through, &finished, &c.subAccount); err != nil {
			return nil, err
		}
		if c.settings, err = fallback.Parse(raw); err != nil {
			return nil, fmt.Errorf("campaign %d: %w", c.id, err)
		}
		c.walk = c.state == "running" || (c.state == "completed" && finished >= linger)
		out[c.id] = c
	}
	return out, rows.Err()
}

// dueByStatus drains the fallback_due queue: the messages whose status
// says WhatsApp cannot reach them.
func dueByStatus(ctx context.Context, tx *sql.Tx, camps map[int64]*fallbackCampaign, now time.Time, limit int) (map[int64][]fallbackDue, error) {
	rows, err := tx.QueryContext(ctx, `SELECT d.message_id, d.campaign_id, m.row, m.phone, m.state, m.sent_code, m.delivered_code, m.read_at, m.submitted_at
		FROM fallback_due d JOIN messages m ON m.id = d.message_id ORDER BY d.message_id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	out := map[int64][]fallbackDue{}
	var done []int64
	for rows.Next() {
		var d fallbackDue
		var campaignID int64
		var m fallback.Message
		var read, submitted int64
		if err := rows.Scan(&d.id, &campaignID, &d.row, &d.phone, &m.State, &m.SentCode, &m.DeliveredCode, &read, &submitted); err != nil {
			rows.Close()
			return nil, err
		}
		m.Read, m.SubmittedAt = read != 0, fromMS(submitted)
		c := camps[campaignID]
		switch {
		case c != nil && c.state == "paused":
			continue // resumes with the campaign
		case c == nil || c.state == "cancelled" || c.state == "failed":
			done = append(done, d.id)
			continue
		case m.State == "queued" || m.State == "submitting":
			continue // its send is being settled
		}
		done = append(done, d.id)
		if reason, ok := fallback.Decide(m, c.settings.Wait, now); ok {
			d.reason = reason
			out[campaignID] = append(out[campaignID], d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, inChunks(done, func(args []any) error {
		_, err := tx.ExecContext(ctx, "DELETE FROM fallback_due WHERE message_id IN ("+placeholders(len(args))+")", args...)
		return err
	})
}

// walkTimeouts reads a campaign's messages past its cursor, in id order,
// adding to dues those whose wait for a delivery is over without one, and
// moves the cursor past every message judged. It stops at the first
// message not sent yet, or still within its wait, or once room messages
// were added; it returns how many it added.
func walkTimeouts(ctx context.Context, tx *sql.Tx, c *fallbackCampaign, now time.Time, dues map[int64][]fallbackDue, room int) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT m.id, m.row, m.phone, m.state, m.sent_code, m.delivered_code, m.read_at, m.submitted_at,
			EXISTS (SELECT 1 FROM fallbacks f WHERE f.message_id = m.id)
		FROM messages m NOT INDEXED WHERE m.id > ? AND m.id <= ? AND m.campaign_id = ? ORDER BY m.id LIMIT ?`,
		max(c.through, c.first-1), c.last, c.id, fallbackWalk)
	if err != nil {
		return 0, err
	}
	added := 0
	through := c.through
	queued := map[int64]bool{}
	for _, d := range dues[c.id] {
		queued[d.id] = true
	}
	for rows.Next() {
		var d fallbackDue
		var m fallback.Message
		var read, submitted int64
		var fell bool
		if err := rows.Scan(&d.id, &d.row, &d.phone, &m.State, &m.SentCode, &m.DeliveredCode, &read, &submitted, &fell); err != nil {
			rows.Close()
			return 0, err
		}
		m.Read, m.SubmittedAt = read != 0, fromMS(submitted)
		if m.State == "queued" || m.State == "submitting" || added >= room {
			break
		}
		reason, ok := fallback.Decide(m, c.settings.Wait, now)
		waiting := m.State == "accepted" && m.DeliveredCode == 0 && !m.Read && (m.SentCode == 0 || m.SentCode == 2) && !ok
		if waiting {
			break
		}
		if ok && !fell && !queued[d.id] {
			d.reason = reason
			dues[c.id] = append(dues[c.id], d)
			added++
		}
		through = d.id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if through != c.through {
		_, err = tx.ExecContext(ctx, "UPDATE campaigns SET fallback_through = ? WHERE id = ?", through, c.id)
	}
	return added, err
}

// queueFallbacks records each due message's fallback and queues its SMS
// in the campaign's companion, inside the sweep's transaction. A message
// that fell back already (a repeated status) is skipped.
func queueFallbacks(ctx context.Context, tx *sql.Tx, c *fallbackCampaign, dues []fallbackDue, now time.Time) (int, error) {
	if len(dues) == 0 {
		return 0, nil
	}
	var err error
	if c.companion == 0 {
		if c.companion, err = newCompanion(ctx, tx, c.id, c.name, c.subAccount, c.listID, c.settings.Text, now); err != nil {
			return 0, err
		}
	}
	exists, err := tx.PrepareContext(ctx, "SELECT count(*) FROM fallbacks WHERE message_id = ?")
	if err != nil {
		return 0, err
	}
	defer exists.Close()
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
	n := 0
	for _, d := range dues {
		var had int
		if err := exists.QueryRowContext(ctx, d.id).Scan(&had); err != nil {
			return 0, err
		}
		if had > 0 {
			continue
		}
		var smsID int64
		var state string
		if err := msg.QueryRowContext(ctx, c.companion, d.row, d.phone, d.phone, c.listID, d.row).Scan(&smsID, &state); err != nil {
			return 0, err
		}
		if _, err := link.ExecContext(ctx, d.id, c.id, smsID, d.reason, toMS(now)); err != nil {
			return 0, err
		}
		if firstID == 0 {
			firstID = smsID
		}
		lastID = smsID
		states[state]++
		reasons[d.reason]++
		n++
	}
	if n == 0 {
		return 0, nil
	}
	for st, k := range states {
		if err := bump(ctx, tx, c.companion, "", st, k); err != nil {
			return 0, err
		}
	}
	if err := bump(ctx, tx, c.id, "", report.KeyFallbacks, int64(n)); err != nil {
		return 0, err
	}
	for r, k := range reasons {
		if err := bump(ctx, tx, c.id, "", report.FallbackReasonKey(r), k); err != nil {
			return 0, err
		}
	}
	// The companion runs again whenever SMS wait (the dispatcher completes
	// it when its queue is empty), as transactional streams do.
	_, err = tx.ExecContext(ctx, `UPDATE campaigns SET last_message_id = ?,
		first_message_id = CASE WHEN first_message_id = 0 THEN ? ELSE first_message_id END,
		state = 'running', started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END, finished_at = 0, updated_at = ?
		WHERE id = ?`, lastID, firstID, toMS(now), toMS(now), c.companion)
	return n, err
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
	res, err := insertRow(ctx, tx, `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, message, state, created_at, updated_at,
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
