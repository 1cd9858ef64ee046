package store

import (
	"context"
	"fmt"
	"time"

	"arauto/internal/breaker"
)

// BreakerWatched returns those of ids that are running and were never
// paused by the circuit breaker.
func (s *Store) BreakerWatched(ctx context.Context, ids []int64) ([]breaker.Watched, error) {
	var out []breaker.Watched
	err := inChunks(ids, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, `SELECT id FROM campaigns WHERE state = 'running' AND breaker_tripped_at = 0
			AND first_message_id > 0 AND id IN (`+placeholders(len(args))+`)`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w breaker.Watched
			if err := rows.Scan(&w.ID); err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: campaigns the breaker watches: %w", err)
	}
	return out, nil
}

// BreakerWindow counts over the campaign's first window messages (its
// message ids are consecutive from first_message_id, so this reads at
// most window rows by primary key, and their replies by index): how many
// exist, how many the provider refused with one of blockedCodes, their
// opt-out replies, and the texts of their other replies.
func (s *Store) BreakerWindow(ctx context.Context, campaignID int64, window int, blockedCodes []int) (breaker.Window, error) {
	var w breaker.Window
	var first int64
	if err := s.r.QueryRowContext(ctx, `SELECT first_message_id FROM campaigns WHERE id = ?`, campaignID).Scan(&first); err != nil {
		return w, fmt.Errorf("store: breaker window of campaign %d: %w", campaignID, err)
	}
	args := []any{campaignID, first, first + int64(window)}
	codes := make([]any, 0, len(blockedCodes))
	for _, c := range blockedCodes {
		codes = append(codes, c)
	}
	in := "0"
	if len(codes) > 0 {
		in = placeholders(len(codes))
	}
	err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(sent_code IN (`+in+`)), 0) FROM messages
		WHERE campaign_id = ? AND id >= ? AND id < ?`, append(codes, args...)...).Scan(&w.Messages, &w.Blocked)
	if err != nil {
		return w, fmt.Errorf("store: breaker window of campaign %d: %w", campaignID, err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT opt_out, text FROM inbound
		WHERE campaign_id = ? AND message_id >= ? AND message_id < ?`, args...)
	if err != nil {
		return w, fmt.Errorf("store: breaker replies of campaign %d: %w", campaignID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var optOut bool
		var text string
		if err := rows.Scan(&optOut, &text); err != nil {
			return w, fmt.Errorf("store: breaker replies of campaign %d: %w", campaignID, err)
		}
		if optOut {
			w.OptOuts++
		} else if text != "" {
			w.Replies = append(w.Replies, text)
		}
	}
	if err := rows.Err(); err != nil {
		return w, fmt.Errorf("store: breaker replies of campaign %d: %w", campaignID, err)
	}
	return w, nil
}

// TripBreaker pauses a running campaign that the breaker never paused,
// keeping reason as its last error; false when it was not running or was
// tripped before.
func (s *Store) TripBreaker(ctx context.Context, campaignID int64, reason string, at time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE campaigns SET state = 'paused', last_error = ?, breaker_tripped_at = ?, updated_at = ?
		WHERE id = ? AND state = 'running' AND breaker_tripped_at = 0`, reason, toMS(at), toMS(at), campaignID)
	if err != nil {
		return false, fmt.Errorf("store: trip the breaker of campaign %d: %w", campaignID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
