package store

import (
	"context"
	"fmt"
	"time"

	"arauto/internal/delivery"
)

// What statuses do to the dispatcher's side of a message and to its
// campaign (delivery.Move, delivery.Pause), inside the applier's
// transaction.

// packRanks keeps the ranks of a message's three delivery times in one
// column (see migration 0120).
func packRanks(sent, delivered, read uint8) int64 {
	return int64(sent&3) | int64(delivered&3)<<2 | int64(read&3)<<4
}

func unpackRanks(v int64) (sent, delivered, read uint8) {
	return uint8(v & 3), uint8(v >> 2 & 3), uint8(v >> 4 & 3)
}

// campaignStates reads the state of the campaigns of the loaded messages.
func (a applyTx) campaignStates(ctx context.Context, states map[int64]*delivery.State) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, m := range states {
		if !seen[m.CampaignID] {
			seen[m.CampaignID] = true
			ids = append(ids, m.CampaignID)
		}
	}
	out := make(map[int64]string, len(ids))
	err := inChunks(ids, func(args []any) error {
		rows, err := a.tx.QueryContext(ctx, "SELECT id, state FROM campaigns WHERE id IN ("+placeholders(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var st string
			if err := rows.Scan(&id, &st); err != nil {
				return err
			}
			out[id] = st
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("load campaign states: %w", err)
	}
	return out, nil
}

// commitMoves writes the dispatcher-state changes and pauses the fold
// decided (their counter deltas travel with Changes.Counts). Each move
// names the state the fold read in this same transaction; a row found in
// another state means the picture is stale, and the whole batch is rolled
// back to be applied again.
func (a applyTx) commitMoves(ctx context.Context, moves []delivery.Move, pauses []delivery.Pause) error {
	if len(moves) > 0 {
		stmt, err := a.tx.PrepareContext(ctx, `UPDATE messages SET state = ?, error = '',
			provider_id = CASE WHEN ? <> '' THEN ? ELSE provider_id END,
			submitted_at = CASE WHEN ? = 'accepted' AND submitted_at = 0 THEN ? ELSE submitted_at END
			WHERE id = ? AND state = ?`)
		if err != nil {
			return fmt.Errorf("move messages: %w", err)
		}
		defer stmt.Close()
		sent := map[int64]int64{}
		for _, m := range moves {
			res, err := stmt.ExecContext(ctx, m.To, m.ProviderID, a.s.storedProviderID(m.ProviderID), m.To, toMS(m.At), m.MessageID, m.From)
			if err != nil {
				return fmt.Errorf("move message %d to %s: %w", m.MessageID, m.To, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return fmt.Errorf("move message %d from %s to %s: it is no longer %s", m.MessageID, m.From, m.To, m.From)
			}
			if m.To == "accepted" {
				sent[m.CampaignID]++
			}
			if m.From == "accepted" {
				sent[m.CampaignID]--
			}
		}
		for id, n := range sent {
			if n == 0 {
				continue
			}
			if _, err := a.tx.ExecContext(ctx, "UPDATE campaigns SET sent_count = sent_count + ? WHERE id = ?", n, id); err != nil {
				return fmt.Errorf("count sent messages of campaign %d: %w", id, err)
			}
		}
	}
	for _, p := range pauses {
		// A campaign completed before the statuses came opens again; one
		// paused already keeps the first reason it was given.
		if _, err := a.tx.ExecContext(ctx, `UPDATE campaigns SET state = 'paused', finished_at = 0, updated_at = ?,
			last_error = CASE WHEN state = 'paused' AND last_error <> '' THEN last_error ELSE ? END
			WHERE id = ? AND state IN ('running', 'completed', 'paused')`, toMS(time.Now()), p.Reason, p.CampaignID); err != nil {
			return fmt.Errorf("pause campaign %d: %w", p.CampaignID, err)
		}
	}
	return nil
}
