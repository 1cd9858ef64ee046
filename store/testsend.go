package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"arauto/internal/testsend"
)

// TestSeeds returns the user's test numbers, in their order.
func (s *Store) TestSeeds(ctx context.Context, userID int64) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT phone FROM test_seeds WHERE user_id = ? ORDER BY position`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: test numbers of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: test numbers of user %d: %w", userID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SaveTestSeeds replaces the user's test numbers.
func (s *Store) SaveTestSeeds(ctx context.Context, userID int64, phones []string) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM test_seeds WHERE user_id = ?`, userID); err != nil {
			return err
		}
		for i, p := range phones {
			if _, err := tx.ExecContext(ctx, `INSERT INTO test_seeds (user_id, position, phone) VALUES (?, ?, ?)`, userID, i, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save test numbers of user %d: %w", userID, err)
	}
	return nil
}

// CreateTestSends stores sends as submitting in one transaction and sets
// their ids.
func (s *Store) CreateTestSends(ctx context.Context, sends []*testsend.Send) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, sd := range sends {
			res, err := insertRow(ctx, tx, `INSERT INTO test_sends (campaign_id, user_id, channel, phone, text, state, segments, created_at)
				VALUES (?, ?, ?, ?, ?, 'submitting', ?, ?)`, sd.CampaignID, nullID(sd.UserID), sd.Channel, sd.Phone, sd.Text, sd.Segments, toMS(sd.CreatedAt))
			if err != nil {
				return err
			}
			sd.ID, _ = res.LastInsertId()
			sd.State = testsend.Submitting
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: create test sends: %w", err)
	}
	return nil
}

// SettleTestSends records results of test sends still submitting.
func (s *Store) SettleTestSends(ctx context.Context, results []testsend.Result, at time.Time) error {
	if len(results) == 0 {
		return nil
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range results {
			if _, err := tx.ExecContext(ctx, `UPDATE test_sends SET state = ?, provider_id = ?, error = ?, settled_at = ?
				WHERE id = ? AND state = 'submitting'`, r.State, r.ProviderID, r.Error, toMS(at), r.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: settle test sends: %w", err)
	}
	return nil
}

const testSendColumns = `id, campaign_id, coalesce(user_id, 0), channel, phone, text, state, provider_id, segments, error, created_at`

func scanTestSends(rows *sql.Rows) ([]testsend.Send, error) {
	defer rows.Close()
	var out []testsend.Send
	for rows.Next() {
		var sd testsend.Send
		var created int64
		if err := rows.Scan(&sd.ID, &sd.CampaignID, &sd.UserID, &sd.Channel, &sd.Phone, &sd.Text, &sd.State, &sd.ProviderID,
			&sd.Segments, &sd.Error, &created); err != nil {
			return nil, err
		}
		sd.CreatedAt = fromMS(created)
		out = append(out, sd)
	}
	return out, rows.Err()
}

// SubmittingTestSends returns up to limit test sends still submitting
// that were created before olderThan, oldest first.
func (s *Store) SubmittingTestSends(ctx context.Context, olderThan time.Time, limit int) ([]testsend.Send, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+testSendColumns+` FROM test_sends INDEXED BY test_sends_submitting
		WHERE state = 'submitting' AND created_at < ? ORDER BY created_at LIMIT ?`, toMS(olderThan), limit)
	if err != nil {
		return nil, fmt.Errorf("store: test sends submitting: %w", err)
	}
	out, err := scanTestSends(rows)
	if err != nil {
		return nil, fmt.Errorf("store: test sends submitting: %w", err)
	}
	return out, nil
}

// TestSends returns the campaign's latest test sends, newest first, and
// what all of them were billed (segments of the accepted ones).
func (s *Store) TestSends(ctx context.Context, campaignID int64, limit int) ([]testsend.Send, int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+testSendColumns+` FROM test_sends WHERE campaign_id = ? ORDER BY id DESC LIMIT ?`, campaignID, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("store: test sends of campaign %d: %w", campaignID, err)
	}
	out, err := scanTestSends(rows)
	if err != nil {
		return nil, 0, fmt.Errorf("store: test sends of campaign %d: %w", campaignID, err)
	}
	var billed int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(sum(segments), 0) FROM test_sends WHERE campaign_id = ? AND state = 'accepted'`, campaignID).
		Scan(&billed); err != nil {
		return nil, 0, fmt.Errorf("store: test sends of campaign %d: %w", campaignID, err)
	}
	return out, billed, nil
}
