package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"arauto/internal/recipient"
	"arauto/internal/segment"
)

// segmentFields is the expression that joins a contact's fields, in the
// order of columns, as the recipients table stores them.
func segmentFields(columns []string) (string, []any) {
	if len(columns) == 0 {
		return "''", nil
	}
	parts := make([]string, len(columns))
	args := make([]any, 0, 2*len(columns))
	for i, c := range columns {
		parts[i] = "coalesce(c.attrs ->> ?, '')"
		if i > 0 {
			// The separator is bound: PostgreSQL has no char().
			args = append(args, recipient.FieldSeparator)
		}
		args = append(args, `$."`+c+`"`)
	}
	return strings.Join(parts, " || ? || "), args
}

// EachSegmentRecipient streams the contacts a filter selects, in number
// order, as recipients: number, fields in the order of columns, carrier
// and whether the number is on the suppression list. The recipient passed
// to fn is reused.
func (s *Store) EachSegmentRecipient(ctx context.Context, f segment.Filter, columns []string, now time.Time, fn func(r *recipient.Recipient) error) error {
	where, wargs := segmentWhere(f, now)
	expr, fargs := segmentFields(columns)
	rows, err := s.r.QueryContext(ctx, "SELECT CAST(c.phone AS TEXT), "+expr+", c.carrier, CAST(c.phone AS TEXT) IN (SELECT phone FROM suppressions) FROM contacts c WHERE "+where+
		" ORDER BY c.phone", append(fargs, wargs...)...)
	if err != nil {
		return fmt.Errorf("store: contacts of a segment: %w", err)
	}
	defer rows.Close()
	var raw string
	r := recipient.Recipient{Fields: make([]string, 0, len(columns))}
	for rows.Next() {
		r.Row++
		if err := rows.Scan(&r.Phone, &raw, &r.Carrier, &r.Suppressed); err != nil {
			return fmt.Errorf("store: contacts of a segment: %w", err)
		}
		r.Fields = splitFields(r.Fields[:0], raw)
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: contacts of a segment: %w", err)
	}
	return nil
}

// LaunchSegment freezes the contacts a segment selects into a list of
// kind 'segment' (numbers in order, fields in the order of columns,
// suppressed numbers flagged), makes it the campaign's list and schedules
// the draft, all in one transaction: what the pre-flight counted is what
// the outbox will be made of, whatever happens to the contact book later.
func (s *Store) LaunchSegment(ctx context.Context, campaignID int64, sg *segment.Segment, columns []string, startAt time.Time, estimatedSegments int64, at time.Time) (int64, error) {
	where, wargs := segmentWhere(sg.Filter, at)
	expr, fargs := segmentFields(columns)
	var listID int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var state string
		if err := tx.QueryRowContext(ctx, "SELECT state FROM campaigns WHERE id = ?", campaignID).Scan(&state); err != nil {
			return err
		}
		if state != "draft" {
			return ErrConflict
		}
		res, err := insertRow(ctx, tx, `INSERT INTO lists (name, file_name, state, kind, segment_id, columns, created_at, updated_at)
			VALUES (?, '', 'ready', 'segment', ?, ?, ?, ?)`, sg.Name, sg.ID, strings.Join(columns, "\x1f"), toMS(at), toMS(at))
		if err != nil {
			return err
		}
		listID, _ = res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO recipients (list_id, row, phone, fields, suppressed)
			SELECT ?, row_number() OVER (ORDER BY c.phone) + 1, CAST(c.phone AS TEXT), `+expr+`,
				CASE WHEN CAST(c.phone AS TEXT) IN (SELECT phone FROM suppressions) THEN 1 ELSE 0 END
			FROM contacts c WHERE `+where+` ORDER BY c.phone`, append(append([]any{listID}, fargs...), wargs...)...); err != nil {
			return err
		}
		// Searchable by any form of a number, and found by conversations,
		// like an imported list.
		if _, err := tx.ExecContext(ctx, `INSERT INTO recipient_numbers (list_id, last4, row)
			SELECT list_id, substr(phone, length(phone) - 3), row FROM recipients WHERE list_id = ? ORDER BY 2, 3 ON CONFLICT DO NOTHING`, listID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE lists SET
			rows_total = (SELECT count(*) FROM recipients WHERE list_id = ?1),
			valid = (SELECT count(*) FROM recipients WHERE list_id = ?1),
			suppressed = (SELECT count(*) FROM recipients WHERE list_id = ?1 AND suppressed = 1)
			WHERE id = ?1`, listID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE campaigns SET list_id = ?, state = 'scheduled', updated_at = ?, estimated_segments = ?,
			scheduled_at = coalesce(?, scheduled_at) WHERE id = ? AND state = 'draft'`, listID, toMS(at), estimatedSegments, nullTime(startAt), campaignID)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: launch campaign %d to segment %d: %w", campaignID, sg.ID, err)
	}
	return listID, nil
}

// ThawSegment undoes the freeze of a draft campaign whose audience is a
// segment (it went back to draft): its frozen list is removed, and the next
// launch freezes the segment again.
func (s *Store) ThawSegment(ctx context.Context, campaignID int64) error {
	var listID sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT l.id FROM campaigns c JOIN lists l ON l.id = c.list_id
		WHERE c.id = ? AND c.state = 'draft' AND c.segment_id IS NOT NULL AND l.kind = 'segment'`, campaignID).Scan(&listID)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: thaw campaign %d: %w", campaignID, err)
	}
	if _, err := s.w.ExecContext(ctx, "UPDATE campaigns SET list_id = NULL WHERE id = ? AND state = 'draft'", campaignID); err != nil {
		return fmt.Errorf("store: thaw campaign %d: %w", campaignID, err)
	}
	if err := s.DeleteList(ctx, listID.Int64); err != nil {
		return fmt.Errorf("store: thaw campaign %d: %w", campaignID, err)
	}
	return nil
}

// recentOnChannel is the condition "this number (expression) had max or
// more messages on the channel accepted since": the frequency cap's count.
const recentOnChannel = `(SELECT count(*) FROM messages m JOIN campaigns cc ON cc.id = m.campaign_id
	WHERE m.phone = %s AND m.state = 'accepted' AND m.submitted_at >= ? AND cc.channel = ?) >= ?`

// CappedRecipients counts the recipients of a list (listID) or of a
// segment (f, when listID is 0) that the frequency cap would keep from a
// campaign now: max or more messages on the channel since the given
// instant. Suppressed numbers are not counted: they are not sent anyway.
func (s *Store) CappedRecipients(ctx context.Context, listID int64, f *segment.Filter, channel string, since time.Time, max int, now time.Time) (int, error) {
	var q string
	var args []any
	if listID != 0 {
		q = "SELECT count(*) FROM recipients r WHERE r.list_id = ? AND r.phone NOT IN (SELECT phone FROM suppressions) AND " +
			fmt.Sprintf(recentOnChannel, "r.phone")
		args = []any{listID, toMS(since), channel, max}
	} else {
		if f == nil {
			return 0, nil
		}
		where, wargs := segmentWhere(*f, now)
		q = "SELECT count(*) FROM contacts c WHERE " + where + " AND CAST(c.phone AS TEXT) NOT IN (SELECT phone FROM suppressions) AND " +
			fmt.Sprintf(recentOnChannel, "CAST(c.phone AS TEXT)")
		args = append(wargs, toMS(since), channel, max)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: capped recipients: %w", err)
	}
	return n, nil
}
