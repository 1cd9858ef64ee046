package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"arauto/internal/abtest"
	"arauto/internal/dispatch"
	"arauto/internal/message"
	"arauto/internal/recipient"
	"arauto/internal/report"
	"arauto/internal/schedule"
)

// outboxChunk is how many recipients one INSERT copies into the outbox, so
// starting a million-recipient campaign never holds the writer for long.
const outboxChunk = 100_000

// bump moves n messages of a campaign from one state's counter to another's.
func bump(ctx context.Context, tx *sql.Tx, campaignID int64, from, to string, n int64) error {
	if n == 0 {
		return nil
	}
	if from != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)
			ON CONFLICT (campaign_id, state) DO UPDATE SET n = campaign_counts.n - ?`, campaignID, from, -n, n); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, state) DO UPDATE SET n = campaign_counts.n + ?`, campaignID, to, n, n)
	return err
}

// DueCampaigns returns campaigns that are running, or scheduled.
func (s *Store) DueCampaigns(ctx context.Context, now time.Time) ([]dispatch.Campaign, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT c.id, c.alias, c.channel, c.state, coalesce(c.scheduled_at, 0), c.flash, c.extra_info,
			coalesce(c.message, ''), coalesce(l.columns, ''), c.schedule, c.whatsapp, c.replace_accents, c.sub_account, c.flow_id, c.template_id, c.template_name,
			c.api_stream, c.track_clicks, c.abtest
		FROM campaigns c LEFT JOIN lists l ON l.id = c.list_id
		WHERE c.state IN ('running', 'scheduled') ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("store: due campaigns: %w", err)
	}
	defer rows.Close()
	var out []dispatch.Campaign
	for rows.Next() {
		var c dispatch.Campaign
		var start int64
		var columns, schedule, ab string
		if err := rows.Scan(&c.ID, &c.Alias, &c.Channel, &c.State, &start, &c.Flash, &c.ExtraInfo, &c.Message, &columns, &schedule, &c.WhatsApp, &c.ReplaceAccents,
			&c.SubAccount, &c.FlowID, &c.TemplateID, &c.TemplateName, &c.Transactional, &c.TrackClicks, &ab); err != nil {
			return nil, fmt.Errorf("store: due campaigns: %w", err)
		}
		if ab != "" {
			set, err := abtest.Parse(ab)
			if err != nil {
				return nil, fmt.Errorf("store: campaign %d: %w", c.ID, err)
			}
			c.Variants = append([]string{c.Message}, set.Others...)
		}
		if c.Channel == message.ChannelWhatsApp {
			w, err := message.ParseWhatsApp(c.WhatsApp)
			if err != nil {
				return nil, fmt.Errorf("store: campaign %d: %w", c.ID, err)
			}
			c.SessionOnly = w.NeedsSession()
		}
		c.StartAt = fromMS(start)
		if columns != "" {
			c.Columns = strings.Split(columns, recipient.FieldSeparator)
		}
		if schedule != "" && schedule != "{}" {
			if err := json.Unmarshal([]byte(schedule), &c.Schedule); err != nil {
				return nil, fmt.Errorf("store: campaign %d schedule: %w", c.ID, err)
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// StartCampaign copies the campaign's recipients into the outbox, in
// chunks in row order (so ids follow rows: the first and last rows hold
// the campaign's first and last ids), and makes it running. Re-running it after a crash continues where
// the copy stopped.
func (s *Store) StartCampaign(ctx context.Context, id int64, now time.Time) error {
	var listID sql.NullInt64
	var state string
	if err := s.w.QueryRowContext(ctx, "SELECT list_id, state FROM campaigns WHERE id = ?", id).Scan(&listID, &state); err != nil {
		return fmt.Errorf("store: start campaign %d: %w", id, err)
	}
	if state != "scheduled" && state != "running" {
		return nil
	}
	if !listID.Valid {
		return s.PauseWithError(ctx, id, "no recipient list")
	}
	for {
		var n int64
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if err := s.lockMessageIDs(ctx, tx); err != nil {
				return err
			}
			// Where the copy stands, read under the lock: another
			// instance starting the same campaign continues it instead
			// of copying the same rows again.
			var after sql.NullInt64
			if err := tx.QueryRowContext(ctx, "SELECT max(row) FROM messages WHERE campaign_id = ?", id).Scan(&after); err != nil {
				return err
			}
			// The carrier a list's carrier check found comes along: SMPP
			// receipts name none, and without it a message to OI or
			// Sercomtel (no delivery report) would wait for one forever.
			res, err := tx.ExecContext(ctx, `INSERT INTO messages (campaign_id, row, phone, state, carrier)
				SELECT ?, r.row, r.phone,
					CASE WHEN EXISTS (SELECT 1 FROM suppressions x WHERE x.phone = r.phone) THEN 'suppressed' ELSE 'queued' END,
					r.carrier
				FROM recipients r WHERE r.list_id = ? AND r.row > ? ORDER BY r.row LIMIT ?`,
				id, listID.Int64, after.Int64, outboxChunk)
			if err != nil {
				return err
			}
			n, _ = res.RowsAffected()
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: start campaign %d: outbox: %w", id, err)
		}
		if n < outboxChunk {
			break
		}
	}
	if s.pg {
		// The planner needs to know the outbox just grew: without
		// statistics it took a large campaign for a few rows, and each
		// claim sorted the rest of it (110 ms a batch of 500 in a 100k
		// campaign, 11 ms once analyzed).
		if _, err := s.exec(ctx, "ANALYZE messages"); err != nil {
			return fmt.Errorf("store: start campaign %d: analyze: %w", id, err)
		}
	}
	// An A/B test splits the outbox before anything can be claimed.
	if err := s.assignVariants(ctx, id, now); err != nil {
		return fmt.Errorf("store: start campaign %d: a/b split: %w", id, err)
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		// Another instance starting the same campaign recounts after
		// this one, not beside it.
		if err := s.lockMessageIDs(ctx, tx); err != nil {
			return err
		}
		// Only the dispatch states are recounted; delivery counters
		// (prefixed keys) belong to the applier.
		if _, err := tx.ExecContext(ctx, "DELETE FROM campaign_counts WHERE campaign_id = ? AND instr(state, ':') = 0", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n)
			SELECT campaign_id, state, count(*) FROM messages WHERE campaign_id = ? GROUP BY campaign_id, state`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE campaigns SET state = 'running', last_error = '',
			started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END,
			first_message_id = coalesce((SELECT id FROM messages WHERE campaign_id = ? ORDER BY row LIMIT 1), 0),
			last_message_id = coalesce((SELECT id FROM messages WHERE campaign_id = ? ORDER BY row DESC LIMIT 1), 0),
			updated_at = ? WHERE id = ? AND state IN ('scheduled', 'running')`, toMS(now), id, id, toMS(now), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: start campaign %d: %w", id, err)
	}
	return nil
}

// Claim moves up to limit queued messages after the given id to
// submitting, but only while the campaign is running, and returns them
// with their fields and a flag for numbers suppressed since the start.
func (s *Store) Claim(ctx context.Context, campaignID, after int64, limit int, now time.Time) ([]dispatch.Message, error) {
	var out []dispatch.Message
	var listID int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var last int64
		var state string
		if err := tx.QueryRowContext(ctx, "SELECT state, last_message_id, coalesce(list_id, 0) FROM campaigns WHERE id = ?", campaignID).Scan(&state, &last, &listID); err != nil {
			return err
		}
		if state != "running" {
			return nil
		}
		q := `UPDATE messages SET state = 'submitting', claimed_at = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM messages NOT INDEXED WHERE id > ? AND id <= ? AND campaign_id = ? AND state = 'queued' ORDER BY id LIMIT ?)
			RETURNING id, row, phone, variant`
		if s.pg {
			q = pgClaim
		}
		rows, err := tx.QueryContext(ctx, q, toMS(now), after, last, campaignID, limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var m dispatch.Message
			var row int
			if err := rows.Scan(&m.ID, &row, &m.Phone, &m.Variant); err != nil {
				rows.Close()
				return err
			}
			m.CampaignID = campaignID
			m.Fields = []string{fmt.Sprint(row)} // replaced by the fields below
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return bump(ctx, tx, campaignID, "queued", "submitting", int64(len(out)))
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim messages of campaign %d: %w", campaignID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	// RETURNING gives no order guarantee.
	sortMessages(out)
	if err := s.fillFields(ctx, listID, out); err != nil {
		return nil, err
	}
	if err := s.flagSuppressed(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

func sortMessages(ms []dispatch.Message) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].ID < ms[j-1].ID; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// fillFields loads the recipients' fields for claimed messages with one
// range scan of the list (Fields holds the row number until then).
func (s *Store) fillFields(ctx context.Context, listID int64, ms []dispatch.Message) error {
	byRow := make(map[string]int, len(ms))
	lo, hi := -1, -1
	for i, m := range ms {
		byRow[m.Fields[0]] = i
		var row int
		fmt.Sscan(m.Fields[0], &row)
		if lo == -1 || row < lo {
			lo = row
		}
		if row > hi {
			hi = row
		}
		ms[i].Fields = nil
	}
	rows, err := s.r.QueryContext(ctx, "SELECT row, fields FROM recipients WHERE list_id = ? AND row BETWEEN ? AND ?", listID, lo, hi)
	if err != nil {
		return fmt.Errorf("store: fields of claimed messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row, fields string
		if err := rows.Scan(&row, &fields); err != nil {
			return fmt.Errorf("store: fields of claimed messages: %w", err)
		}
		if i, ok := byRow[row]; ok && fields != "" {
			ms[i].Fields = strings.Split(fields, recipient.FieldSeparator)
		}
	}
	return rows.Err()
}

// flagSuppressed marks messages whose number joined the suppression list
// after the outbox was made, or was erased on request (a list imported
// after the erasure brings the number back, flagged but not on the
// suppression list, which keeps only its hash).
func (s *Store) flagSuppressed(ctx context.Context, ms []dispatch.Message) error {
	if err := s.flagErased(ctx, ms); err != nil {
		return err
	}
	args := make([]any, len(ms))
	idx := make(map[string][]int, len(ms))
	for i, m := range ms {
		args[i] = m.Phone
		idx[m.Phone] = append(idx[m.Phone], i)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT phone FROM suppressions WHERE phone IN (?"+strings.Repeat(",?", len(ms)-1)+")", args...)
	if err != nil {
		return fmt.Errorf("store: suppressed among claimed: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return fmt.Errorf("store: suppressed among claimed: %w", err)
		}
		for _, i := range idx[p] {
			ms[i].Suppressed = true
		}
	}
	return rows.Err()
}

// move changes the state of the given messages that are in from, keeping
// the counters in step, and returns how many moved.
func (s *Store) move(ctx context.Context, tx *sql.Tx, campaignID int64, ids []int64, from, to, errText string) (int64, error) {
	stmt, err := tx.PrepareContext(ctx, "UPDATE messages SET state = ?, error = ? WHERE id = ? AND state = ?")
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	var moved int64
	for _, id := range ids {
		res, err := stmt.ExecContext(ctx, to, errText, id, from)
		if err != nil {
			return moved, err
		}
		n, _ := res.RowsAffected()
		moved += n
	}
	if err := bump(ctx, tx, campaignID, from, to, moved); err != nil {
		return moved, err
	}
	if to == "failed" {
		// Refused before the provider took them: counted by why, for the
		// report's failures.
		return moved, bump(ctx, tx, campaignID, "", report.RefusedKey(dispatch.RefusalKind(errText)), moved)
	}
	return moved, nil
}

// Accept records messages the provider accepted, with its ids and what
// each is billed (which the delivery fold counts once the carrier takes it).
func (s *Store) Accept(ctx context.Context, campaignID int64, acc []dispatch.Accepted, now time.Time) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE messages SET state = 'accepted', provider_id = ?, submitted_at = ?,
			segments = ?, sercomtel_segments = ? WHERE id = ? AND state = 'submitting'`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		var moved int64
		if s.pg {
			if moved, err = acceptBatch(ctx, tx, acc, now); err != nil {
				return err
			}
		}
		var link *sql.Stmt
		for _, a := range acc {
			if !s.pg {
				res, err := stmt.ExecContext(ctx, s.storedProviderID(a.ProviderID), toMS(now), a.Segments, a.SercomtelSegments, a.MessageID)
				if err != nil {
					return err
				}
				n, _ := res.RowsAffected()
				moved += n
			}
			for _, pid := range a.Links {
				if link == nil {
					if link, err = tx.PrepareContext(ctx, "INSERT INTO provider_links (provider_id, message_id) VALUES (?, ?) ON CONFLICT DO NOTHING"); err != nil {
						return err
					}
					defer link.Close()
				}
				if _, err := link.ExecContext(ctx, pid, a.MessageID); err != nil {
					return fmt.Errorf("link provider id %s: %w", pid, err)
				}
			}
		}
		if err := bump(ctx, tx, campaignID, "submitting", "accepted", moved); err != nil {
			return err
		}
		if err := touchSent(ctx, tx, acc); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "UPDATE campaigns SET sent_count = sent_count + ? WHERE id = ?", moved, campaignID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: accept messages of campaign %d: %w", campaignID, err)
	}
	return nil
}

// compactProviderID stores the provider's message id as its 16 bytes when
// it is a UUID (Wavy's ids are): a fifth of an outbox row, on the rows
// every send rewrites. Other ids are kept as text.
func compactProviderID(id string) any {
	if u, err := uuid.Parse(id); err == nil && len(id) == 36 {
		return u[:]
	}
	return id
}

// expandProviderID reads back what compactProviderID stored: a UUID's 16
// bytes (a blob) as its text, a text id as it is.
func expandProviderID(b []byte, blob bool) string {
	if blob && len(b) == 16 {
		if u, err := uuid.FromBytes(b); err == nil {
			return u.String()
		}
	}
	return string(b)
}

func (s *Store) moveAll(ctx context.Context, campaignID int64, ids []int64, from, to, errText string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		_, err := s.move(ctx, tx, campaignID, ids, from, to, errText)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: %s -> %s messages of campaign %d: %w", from, to, campaignID, err)
	}
	return nil
}

// Requeue puts submitting messages back in the queue.
func (s *Store) Requeue(ctx context.Context, campaignID int64, ids []int64) error {
	return s.moveAll(ctx, campaignID, ids, "submitting", "queued", "")
}

// Fail marks submitting messages failed with the reason.
func (s *Store) Fail(ctx context.Context, campaignID int64, ids []int64, reason string) error {
	return s.moveAll(ctx, campaignID, ids, "submitting", "failed", reason)
}

// Suppress marks submitting messages suppressed: they are never sent.
func (s *Store) Suppress(ctx context.Context, campaignID int64, ids []int64) error {
	return s.moveAll(ctx, campaignID, ids, "submitting", "suppressed", "")
}

// Submitting returns messages waiting for a verdict since before olderThan.
func (s *Store) Submitting(ctx context.Context, olderThan time.Time, limit int) ([]dispatch.Message, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, campaign_id, phone FROM messages INDEXED BY messages_submitting
		WHERE state = 'submitting' AND claimed_at < ? ORDER BY claimed_at, id LIMIT ?`, toMS(olderThan), limit)
	if err != nil {
		return nil, fmt.Errorf("store: submitting messages: %w", err)
	}
	defer rows.Close()
	var out []dispatch.Message
	for rows.Next() {
		var m dispatch.Message
		if err := rows.Scan(&m.ID, &m.CampaignID, &m.Phone); err != nil {
			return nil, fmt.Errorf("store: submitting messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// stateChange moves every message of a campaign in one state to another.
func (s *Store) stateChange(ctx context.Context, campaignID int64, from, to string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE messages SET state = ? WHERE campaign_id = ? AND state = ?", to, campaignID, from)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return bump(ctx, tx, campaignID, from, to, n)
	})
	if err != nil {
		return fmt.Errorf("store: %s messages of campaign %d: %w", to, campaignID, err)
	}
	return nil
}

// Expire marks a campaign's queued messages expired, and an A/B test's
// remainder still held.
func (s *Store) Expire(ctx context.Context, campaignID int64) error {
	if err := s.stateChange(ctx, campaignID, "held", "expired"); err != nil {
		return err
	}
	return s.stateChange(ctx, campaignID, "queued", "expired")
}

// Finish completes a running campaign with nothing queued or submitting.
func (s *Store) Finish(ctx context.Context, campaignID int64, now time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET state = 'completed', finished_at = ?, updated_at = ?
		WHERE id = ? AND state = 'running' AND coalesce((SELECT sum(n) FROM campaign_counts
			WHERE campaign_id = ? AND state IN ('queued', 'submitting', 'held')), 0) = 0`, toMS(now), toMS(now), campaignID, campaignID)
	if err != nil {
		return false, fmt.Errorf("store: finish campaign %d: %w", campaignID, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// PauseWithError pauses a campaign and records why, for its page.
func (s *Store) PauseWithError(ctx context.Context, campaignID int64, reason string) error {
	if _, err := s.w.ExecContext(ctx, "UPDATE campaigns SET state = 'paused', last_error = ?, updated_at = ? WHERE id = ? AND state IN ('running', 'scheduled')",
		reason, toMS(time.Now()), campaignID); err != nil {
		return fmt.Errorf("store: pause campaign %d: %w", campaignID, err)
	}
	return nil
}

// CancelCampaign stops a campaign for good: what is still queued is
// cancelled; batches in flight finish.
func (s *Store) CancelCampaign(ctx context.Context, campaignID int64) error {
	if _, err := s.w.ExecContext(ctx, "UPDATE campaigns SET state = 'cancelled', updated_at = ? WHERE id = ? AND state IN ('draft', 'scheduled', 'running', 'paused')",
		toMS(time.Now()), campaignID); err != nil {
		return fmt.Errorf("store: cancel campaign %d: %w", campaignID, err)
	}
	if err := s.stateChange(ctx, campaignID, "held", "cancelled"); err != nil {
		return err
	}
	return s.stateChange(ctx, campaignID, "queued", "cancelled")
}

// CampaignCounts returns the pre-aggregated message counts by dispatch
// state (queued, submitting, accepted, ...). The same table holds the
// delivery report's counters under prefixed keys ("r:sent", "code:104");
// those are in CampaignCounters and left out here.
func (s *Store) CampaignCounts(ctx context.Context, campaignID int64) (map[string]int64, error) {
	m, err := s.countsWhere(ctx, "instr(state, ':') = 0", campaignID)
	if err != nil {
		return nil, fmt.Errorf("store: counts of campaign %d: %w", campaignID, err)
	}
	return m, nil
}

// FigureCounters returns the counters a campaign's figures are made of
// (report.Summarize): the dispatch states and the delivery, failure-code,
// refusal, frequency-cap and billing counters, without the timeline, latency and carrier
// ones, so a page that follows a campaign live reads a few rows.
func (s *Store) FigureCounters(ctx context.Context, campaignID int64) (map[string]int64, error) {
	m, err := s.countsWhere(ctx, `(instr(state, ':') = 0
		OR (state >= 'r:' AND state < 'r;') OR (state >= 'code:' AND state < 'code;') OR (state >= 'refused:' AND state < 'refused;')
		OR (state >= 'cap:' AND state < 'cap;') OR (state >= 'fb:' AND state < 'fb;'))`, campaignID)
	if err == nil {
		err = s.fallbackCounters(ctx, campaignID, m)
	}
	if err != nil {
		return nil, fmt.Errorf("store: figure counters of campaign %d: %w", campaignID, err)
	}
	return m, nil
}

// countsWhere reads a campaign's counters whose keys match the condition
// (a constant SQL fragment over state).
func (s *Store) countsWhere(ctx context.Context, cond string, campaignID int64) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT state, n FROM campaign_counts WHERE campaign_id = ? AND "+cond, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int64{}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		m[st] = n
	}
	return m, rows.Err()
}

// SaveCampaignSchedule stores a campaign's schedule (as JSON) and its
// start, while the campaign can still be edited.
func (s *Store) SaveCampaignSchedule(ctx context.Context, id int64, sc schedule.Schedule, startAt time.Time) error {
	b, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("store: save schedule of campaign %d: %w", id, err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET schedule = ?, scheduled_at = ?, updated_at = ? WHERE id = ? AND state IN ('draft', 'scheduled')`,
		string(b), nullTime(startAt), toMS(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: save schedule of campaign %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: save schedule of campaign %d: %w", id, ErrConflict)
	}
	return nil
}

// CampaignSchedule returns a campaign's stored schedule.
func (s *Store) CampaignSchedule(ctx context.Context, id int64) (schedule.Schedule, error) {
	var raw string
	var sc schedule.Schedule
	if err := s.r.QueryRowContext(ctx, "SELECT schedule FROM campaigns WHERE id = ?", id).Scan(&raw); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return sc, fmt.Errorf("store: schedule of campaign %d: %w", id, ErrNotFound)
		}
		return sc, fmt.Errorf("store: schedule of campaign %d: %w", id, err)
	}
	if raw != "" && raw != "{}" {
		if err := json.Unmarshal([]byte(raw), &sc); err != nil {
			return sc, fmt.Errorf("store: schedule of campaign %d: %w", id, err)
		}
	}
	return sc, nil
}

// flagErased marks messages to numbers erased on request. It hashes the
// claimed numbers only when some number was ever erased.
func (s *Store) flagErased(ctx context.Context, ms []dispatch.Message) error {
	if s.erased.Load() == 0 {
		var some bool
		if err := s.r.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM erased_numbers)").Scan(&some); err != nil {
			return fmt.Errorf("store: erased among claimed: %w", err)
		}
		if some {
			s.erased.CompareAndSwap(0, 2)
		} else {
			s.erased.CompareAndSwap(0, 1)
		}
	}
	if s.erased.Load() != 2 {
		return nil
	}
	erased, err := s.ErasedNumbers(ctx)
	if err != nil {
		return fmt.Errorf("store: erased among claimed: %w", err)
	}
	for i := range ms {
		if !ms[i].Suppressed && erased.Has(ms[i].Phone) {
			ms[i].Suppressed = true
		}
	}
	return nil
}
