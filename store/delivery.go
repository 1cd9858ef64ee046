package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/delivery"
)

// DueEvents returns up to limit stored events not applied yet: new ones in
// arrival order (those past the applier's cursor in the chunks, whole
// chunks at a time, then any left unapplied in the table by an older
// version), then deferred ones whose retry time is at or before now.
func (s *Store) DueEvents(ctx context.Context, limit int, now time.Time) ([]delivery.Event, error) {
	var cursor int64
	if err := s.r.QueryRowContext(ctx, "SELECT applied_through FROM event_cursor").Scan(&cursor); err != nil {
		return nil, fmt.Errorf("store: due events: %w", err)
	}
	out, err := freshEvents(ctx, s.r, cursor, limit)
	if err != nil {
		return nil, fmt.Errorf("store: due events: %w", err)
	}
	scan := func(q string, args ...any) error {
		rows, err := s.r.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e delivery.Event
			var at int64
			if err := rows.Scan(&e.ID, &e.Kind, &e.Source, &at, &e.Items, &e.Attempts, &e.Body); err != nil {
				return err
			}
			e.ReceivedAt = fromMS(at)
			out = append(out, e)
		}
		return rows.Err()
	}
	if len(out) < limit {
		if err := scan(`SELECT id, kind, source, received_at, items, attempts, body FROM events INDEXED BY events_fresh
		WHERE applied_at = 0 AND attempts = 0 ORDER BY id LIMIT ?`, limit-len(out)); err != nil {
			return nil, fmt.Errorf("store: due events: %w", err)
		}
	}
	if len(out) < limit {
		if err := scan(`SELECT id, kind, source, received_at, items, attempts, body FROM events INDEXED BY events_deferred
			WHERE applied_at = 0 AND attempts > 0 AND retry_at <= ? ORDER BY retry_at, id LIMIT ?`, toMS(now), limit-len(out)); err != nil {
			return nil, fmt.Errorf("store: due events: %w", err)
		}
	}
	return out, nil
}

// ApplyBatch runs fn in one write transaction, committing when it returns
// nil.
func (s *Store) ApplyBatch(ctx context.Context, fn func(delivery.Batch) error) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if s.pg {
			// Instances apply one batch at a time: the fold reads the
			// messages' states after the previous batch committed, so an
			// event two appliers both read is counted once.
			if _, err := tx.ExecContext(ctx, "SELECT 1 FROM event_cursor FOR UPDATE"); err != nil {
				return err
			}
		}
		return fn(applyTx{tx, s})
	})
	if err != nil {
		return fmt.Errorf("store: apply batch: %w", err)
	}
	return nil
}

// applyTx is one batch of the applier inside its transaction.
type applyTx struct {
	tx *sql.Tx
	s  *Store
}

const stateColumns = "id, campaign_id, phone, carrier, sent_code, sent_at, delivered_code, delivered_at, read_at, status_updated_at, unknown_at, segments, sercomtel_segments, time_ranks, state, provider_id, typeof(provider_id) = 'blob'"

// inChunks runs fn over list in slices small enough for one IN (...).
func inChunks[T any](list []T, fn func(args []any) error) error {
	const chunk = 500
	args := make([]any, 0, min(len(list), chunk))
	for len(list) > 0 {
		n := min(len(list), chunk)
		args = args[:0]
		for _, v := range list[:n] {
			args = append(args, v)
		}
		if err := fn(args); err != nil {
			return err
		}
		list = list[n:]
	}
	return nil
}

func placeholders(n int) string { return "?" + strings.Repeat(",?", n-1) }

// Load reads the delivery columns of the messages that exist and which
// replies are stored already, inside the transaction.
func (a applyTx) Load(ctx context.Context, messageIDs []int64, replyIDs []string) (delivery.Loaded, error) {
	l := delivery.Loaded{States: make(map[int64]*delivery.State, len(messageIDs)), SeenReplies: map[string]bool{}}
	err := inChunks(messageIDs, func(args []any) error {
		rows, err := a.tx.QueryContext(ctx, "SELECT "+stateColumns+" FROM messages WHERE id IN ("+placeholders(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m := &delivery.State{}
			var ranks int64
			var providerID []byte
			var compact bool
			if err := rows.Scan(&m.ID, &m.CampaignID, &m.Phone, &m.Carrier, &m.SentCode, &m.SentAt, &m.DeliveredCode,
				&m.DeliveredAt, &m.ReadAt, &m.UpdatedAt, &m.UnknownAt, &m.Segments, &m.SercomtelSegments, &ranks, &m.Dispatch,
				&providerID, &compact); err != nil {
				return err
			}
			m.ProviderID = expandProviderID(providerID, compact)
			m.SentRank, m.DeliveredRank, m.ReadRank = unpackRanks(ranks)
			l.States[m.ID] = m
		}
		return rows.Err()
	})
	if err != nil {
		return l, fmt.Errorf("load message states: %w", err)
	}
	if l.Campaigns, err = a.campaignStates(ctx, l.States); err != nil {
		return l, err
	}
	err = inChunks(replyIDs, func(args []any) error {
		rows, err := a.tx.QueryContext(ctx, "SELECT provider_id FROM inbound WHERE provider_id IN ("+placeholders(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			l.SeenReplies[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return l, fmt.Errorf("load stored replies: %w", err)
	}
	return l, nil
}

// Commit writes a batch's changes: replies, suppressions, message
// columns, counters, and what became of each event.
func (a applyTx) Commit(ctx context.Context, c delivery.Changes) error {
	if len(c.Replies) > 0 {
		stmt, err := a.tx.PrepareContext(ctx, `INSERT INTO inbound (channel, provider_id, phone, profile_name, kind, text,
			media_url, payload, received_at, campaign_id, message_id, opt_out, event_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (provider_id) DO NOTHING`)
		if err != nil {
			return fmt.Errorf("store replies: %w", err)
		}
		defer stmt.Close()
		for _, in := range c.Replies {
			if _, err := stmt.ExecContext(ctx, in.Channel, in.ProviderID, in.Phone, in.ProfileName, in.Kind, in.Text,
				in.MediaURL, in.Payload, toMS(in.ReceivedAt), nullID(in.CampaignID), nullID(in.MessageID), in.OptOut, in.EventID); err != nil {
				return fmt.Errorf("store reply %s: %w", in.ProviderID, err)
			}
		}
	}
	if len(c.Suppressions) > 0 {
		stmt, err := a.tx.PrepareContext(ctx, "INSERT INTO suppressions (phone, reason, note, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
		if err != nil {
			return fmt.Errorf("suppress: %w", err)
		}
		defer stmt.Close()
		for _, sp := range c.Suppressions {
			if _, err := stmt.ExecContext(ctx, sp.Phone, sp.Reason, sp.Note, toMS(sp.At)); err != nil {
				return fmt.Errorf("suppress %s: %w", sp.Phone, err)
			}
		}
	}
	if len(c.States) > 0 {
		stmt, err := a.tx.PrepareContext(ctx, `UPDATE messages SET carrier = ?, sent_code = ?, sent_at = ?, delivered_code = ?,
			delivered_at = ?, read_at = ?, status_updated_at = ?, time_ranks = ? WHERE id = ?`)
		if err != nil {
			return fmt.Errorf("write message states: %w", err)
		}
		defer stmt.Close()
		for _, m := range c.States {
			if _, err := stmt.ExecContext(ctx, m.Carrier, m.SentCode, m.SentAt, m.DeliveredCode, m.DeliveredAt, m.ReadAt, m.UpdatedAt,
				packRanks(m.SentRank, m.DeliveredRank, m.ReadRank), m.ID); err != nil {
				return fmt.Errorf("write message %d state: %w", m.ID, err)
			}
		}
	}
	if err := a.commitMoves(ctx, c.Moves, c.Pauses); err != nil {
		return err
	}
	if err := addCounts(ctx, a.tx, c.Counts); err != nil {
		return err
	}
	if err := markEvents(ctx, a.tx, c.Events); err != nil {
		return err
	}
	return touchContacts(ctx, a.tx, c)
}

// markEvents records what became of a batch's events. Chunked events past
// the cursor need no write when applied without a note: the cursor moves
// past them. The others (waiting, or with a note) are copied from their
// chunk into the table, where deferred events and notes live; events
// already in the table are updated there.
func markEvents(ctx context.Context, tx *sql.Tx, results []delivery.EventResult) error {
	var cursor int64
	if err := tx.QueryRowContext(ctx, "SELECT applied_through FROM event_cursor").Scan(&cursor); err != nil {
		return fmt.Errorf("mark events: %w", err)
	}
	done, err := tx.PrepareContext(ctx, "UPDATE events SET applied_at = ?, note = ? WHERE id = ?")
	if err != nil {
		return fmt.Errorf("mark events: %w", err)
	}
	defer done.Close()
	later, err := tx.PrepareContext(ctx, "UPDATE events SET attempts = attempts + 1, retry_at = ?, note = ? WHERE id = ?")
	if err != nil {
		return fmt.Errorf("mark events: %w", err)
	}
	defer later.Close()
	through := cursor
	for _, e := range results {
		if e.ID > cursor {
			through = max(through, e.ID)
			if e.Applied && e.Note == "" {
				continue
			}
			if err := copyOut(ctx, tx, e); err != nil {
				return fmt.Errorf("mark event %d: %w", e.ID, err)
			}
			continue
		}
		if e.Applied {
			_, err = done.ExecContext(ctx, toMS(e.AppliedAt), e.Note, e.ID)
		} else {
			_, err = later.ExecContext(ctx, toMS(e.RetryAt), e.Note, e.ID)
		}
		if err != nil {
			return fmt.Errorf("mark event %d: %w", e.ID, err)
		}
	}
	if through == cursor {
		return nil
	}
	now := time.Now()
	if _, err := tx.ExecContext(ctx, "UPDATE event_cursor SET applied_through = ?, updated_at = ?", through, toMS(now)); err != nil {
		return fmt.Errorf("move the event cursor: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE event_chunks SET applied_at = ?
		WHERE first_id > ? AND first_id <= ? AND first_id + n - 1 <= ? AND applied_at = 0`,
		toMS(now), cursor-eventGroupMax, through, through); err != nil {
		return fmt.Errorf("mark event chunks applied: %w", err)
	}
	return nil
}

// copyOut copies a chunked event into the table with what became of it.
func copyOut(ctx context.Context, tx *sql.Tx, r delivery.EventResult) error {
	e, err := chunkedEvent(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	attempts := 0
	if !r.Applied {
		attempts = 1
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO events (id, kind, source, received_at, items, body, applied_at, attempts, retry_at, note, chunked)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`, e.ID, e.Kind, e.Source, toMS(e.ReceivedAt), e.Items, e.Body,
		toMS(r.AppliedAt), attempts, toMS(r.RetryAt), r.Note)
	return err
}

// addCounts adds deltas to campaign_counts.
func addCounts(ctx context.Context, tx *sql.Tx, counts []delivery.Count) error {
	if len(counts) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, ?)
		ON CONFLICT (campaign_id, state) DO UPDATE SET n = campaign_counts.n + excluded.n`)
	if err != nil {
		return fmt.Errorf("add counters: %w", err)
	}
	defer stmt.Close()
	for _, k := range counts {
		if _, err := stmt.ExecContext(ctx, k.CampaignID, k.Key, k.N); err != nil {
			return fmt.Errorf("add counter %s of campaign %d: %w", k.Key, k.CampaignID, err)
		}
	}
	return nil
}

// CloseStale marks accepted messages submitted before cutoff that never
// got any status as unknown at now, and adds one per message to its
// campaign's counter. It returns how many it marked.
func (s *Store) CloseStale(ctx context.Context, cutoff, now time.Time, counter string) (int64, error) {
	var total int64
	for {
		var n int64
		err := s.tx(ctx, func(tx *sql.Tx) error {
			// Messages are submitted in about id order, so walking the
			// pending ones by id meets the old ones first.
			rows, err := tx.QueryContext(ctx, `UPDATE messages SET unknown_at = ? WHERE id IN (
					SELECT id FROM messages INDEXED BY messages_pending
					WHERE sent_code = 0 AND delivered_code = 0 AND unknown_at = 0
						AND state = 'accepted' AND submitted_at < ?
					ORDER BY id LIMIT 10000)
				RETURNING campaign_id`, toMS(now), toMS(cutoff))
			if err != nil {
				return err
			}
			byCampaign := map[int64]int64{}
			for rows.Next() {
				var c int64
				if err := rows.Scan(&c); err != nil {
					rows.Close()
					return err
				}
				byCampaign[c]++
				n++
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			counts := make([]delivery.Count, 0, len(byCampaign))
			for c, k := range byCampaign {
				counts = append(counts, delivery.Count{CampaignID: c, Key: counter, N: k})
			}
			return addCounts(ctx, tx, counts)
		})
		if err != nil {
			return total, fmt.Errorf("store: close status horizon: %w", err)
		}
		total += n
		if n < 10000 {
			return total, nil
		}
	}
}

// CampaignCounters returns every counter of a campaign: the dispatch
// states and the delivery report's prefixed keys ("r:sent", "code:104").
// A campaign that does not exist is ErrNotFound.
func (s *Store) CampaignCounters(ctx context.Context, id int64) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT cc.state, cc.n FROM campaigns c
		LEFT JOIN campaign_counts cc ON cc.campaign_id = c.id WHERE c.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("store: counters of campaign %d: %w", id, err)
	}
	defer rows.Close()
	counts := map[string]int64{}
	found := false
	for rows.Next() {
		var k sql.NullString
		var n sql.NullInt64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("store: counters of campaign %d: %w", id, err)
		}
		found = true
		if k.Valid {
			counts[k.String] = n.Int64
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: counters of campaign %d: %w", id, err)
	}
	if !found {
		return nil, fmt.Errorf("store: counters of campaign %d: %w", id, ErrNotFound)
	}
	if err := s.fallbackCounters(ctx, id, counts); err != nil {
		return nil, err
	}
	return counts, nil
}

// MessageStatus is a message's delivery columns as people read them.
type MessageStatus = delivery.Status

// MessageStatus returns one message's delivery columns.
func (s *Store) MessageStatus(ctx context.Context, id int64) (MessageStatus, error) {
	var m MessageStatus
	var sent, deliv, read, upd, unk int64
	err := s.r.QueryRowContext(ctx, `SELECT id, campaign_id, phone, state, carrier, sent_code, delivered_code,
		sent_at, delivered_at, read_at, status_updated_at, unknown_at FROM messages WHERE id = ?`, id).
		Scan(&m.ID, &m.CampaignID, &m.Phone, &m.State, &m.Carrier, &m.SentCode, &m.DeliveredCode, &sent, &deliv, &read, &upd, &unk)
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("store: message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("store: message %d: %w", id, err)
	}
	m.SentAt, m.DeliveredAt, m.ReadAt, m.StatusUpdatedAt, m.UnknownAt = fromMS(sent), fromMS(deliv), fromMS(read), fromMS(upd), fromMS(unk)
	return m, nil
}

// PendingEvents returns how many stored events are not applied yet, and
// how many of those wait for a retry.
func (s *Store) PendingEvents(ctx context.Context) (pending, deferred int64, err error) {
	var chunked, table int64
	err = s.r.QueryRowContext(ctx, `SELECT
		(SELECT coalesce(sum(min(n, first_id + n - 1 - cur.applied_through)), 0) FROM event_chunks, event_cursor cur
			WHERE first_id > cur.applied_through - ? AND first_id + n - 1 > cur.applied_through),
		(SELECT count(*) FROM events INDEXED BY events_fresh WHERE applied_at = 0 AND attempts = 0),
		(SELECT count(*) FROM events INDEXED BY events_deferred WHERE applied_at = 0 AND attempts > 0)`, eventGroupMax).Scan(&chunked, &table, &deferred)
	if err != nil {
		return 0, 0, fmt.Errorf("store: pending events: %w", err)
	}
	return chunked + table + deferred, deferred, nil
}

// LinkedMessages returns the messages the given provider ids are linked
// to (see Accept); ids linked to nothing are left out.
func (s *Store) LinkedMessages(ctx context.Context, providerIDs []string) (map[string]delivery.Link, error) {
	out := make(map[string]delivery.Link, len(providerIDs))
	err := inChunks(providerIDs, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, `SELECT l.provider_id, m.campaign_id, m.id FROM provider_links l
			JOIN messages m ON m.id = l.message_id WHERE l.provider_id IN (`+placeholders(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			var l delivery.Link
			if err := rows.Scan(&id, &l.CampaignID, &l.MessageID); err != nil {
				return err
			}
			out[id] = l
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: linked messages: %w", err)
	}
	return out, nil
}
