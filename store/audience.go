package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/areacode"
	"arauto/internal/dispatch"
)

// areaPredicate is the SQL condition on a phone column (E.164 digits as
// text) that keeps the numbers of the open areas.
func areaPredicate(col string, a dispatch.Areas) string {
	quoted := func(ddds []int) string {
		parts := make([]string, len(ddds))
		for i, d := range ddds {
			parts[i] = "'" + strconv.Itoa(d) + "'"
		}
		return strings.Join(parts, ",")
	}
	var or []string
	if len(a.DDDs) > 0 {
		or = append(or, "(substr("+col+", 1, 2) = '55' AND substr("+col+", 3, 2) IN ("+quoted(a.DDDs)+"))")
	}
	if a.Others {
		var all []int
		for _, ar := range areacode.All() {
			all = append(all, ar.DDD)
		}
		or = append(or, "(substr("+col+", 1, 2) <> '55' OR substr("+col+", 3, 2) NOT IN ("+quoted(all)+"))")
	}
	if len(or) == 0 {
		return "0"
	}
	return "(" + strings.Join(or, " OR ") + ")"
}

// ClaimAreas is Claim for a campaign sent in each recipient's own time:
// it claims only the numbers of the areas whose window is open.
func (s *Store) ClaimAreas(ctx context.Context, campaignID, after int64, limit int, now time.Time, a dispatch.Areas) ([]dispatch.Message, error) {
	var out []dispatch.Message
	var listID int64
	pred := areaPredicate("phone", a)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var last int64
		var state string
		if err := tx.QueryRowContext(ctx, "SELECT state, last_message_id, coalesce(list_id, 0) FROM campaigns WHERE id = ?", campaignID).Scan(&state, &last, &listID); err != nil {
			return err
		}
		if state != "running" {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `UPDATE messages SET state = 'submitting', claimed_at = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM messages WHERE id > ? AND id <= ? AND campaign_id = ? AND state = 'queued' AND `+pred+` ORDER BY id LIMIT ?)
			RETURNING id, row, phone, variant`, toMS(now), after, last, campaignID, limit)
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
			m.Fields = []string{strconv.Itoa(row)} // replaced by fillFields
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return bump(ctx, tx, campaignID, "queued", "submitting", int64(len(out)))
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim open areas of campaign %d: %w", campaignID, err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	sortMessages(out)
	if err := s.fillFields(ctx, listID, out); err != nil {
		return nil, err
	}
	if err := s.flagSuppressed(ctx, out); err != nil {
		return nil, err
	}
	return out, nil
}

// RecentSends counts, for each number, the messages on channel the
// provider accepted since the given instant (the frequency cap's count).
func (s *Store) RecentSends(ctx context.Context, channel string, phones []string, since time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := inChunks(phones, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, `SELECT m.phone, count(*) FROM messages m JOIN campaigns c ON c.id = m.campaign_id
			WHERE m.phone IN (`+placeholders(len(args))+`) AND m.state = 'accepted' AND m.submitted_at >= ? AND c.channel = ?
			GROUP BY m.phone`, append(args, toMS(since), channel)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			var n int
			if err := rows.Scan(&p, &n); err != nil {
				return err
			}
			out[p] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: recent messages of %d numbers: %w", len(phones), err)
	}
	return out, nil
}

// CappedState is the message state of recipients the frequency cap kept
// from a campaign.
const CappedState = "capped"

// Cap marks submitting messages capped by the rule recorded as reason; the
// report counts them under the state and, per rule, under "cap:<reason>".
func (s *Store) Cap(ctx context.Context, campaignID int64, ids []int64, reason string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		n, err := s.move(ctx, tx, campaignID, ids, "submitting", CappedState, reason)
		if err != nil {
			return err
		}
		return bump(ctx, tx, campaignID, "", "cap:"+reason, n)
	})
	if err != nil {
		return fmt.Errorf("store: cap messages of campaign %d: %w", campaignID, err)
	}
	return nil
}
