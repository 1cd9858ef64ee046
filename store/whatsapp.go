package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"arauto/internal/message"
)

// SessionWindow is how long a WhatsApp session stays open after the
// recipient's last reply.
const SessionWindow = 24 * time.Hour

// SetCampaignWhatsApp stores the WhatsApp message of a draft campaign, with
// its summary as the campaign's message and the extraInfo.
func (s *Store) SetCampaignWhatsApp(ctx context.Context, id int64, w message.WhatsApp, extraInfo string, at time.Time) error {
	return s.draftUpdate(ctx, id, "set whatsapp message", "whatsapp = ?, message = ?, extra_info = ?, updated_at = ?",
		w.JSON(), nullText(w.Summary()), extraInfo, toMS(at))
}

// CampaignWhatsApp returns the WhatsApp message of a campaign; the zero
// message when none is written.
func (s *Store) CampaignWhatsApp(ctx context.Context, id int64) (message.WhatsApp, error) {
	var raw string
	err := s.r.QueryRowContext(ctx, "SELECT whatsapp FROM campaigns WHERE id = ?", id).Scan(&raw)
	if err == sql.ErrNoRows {
		return message.WhatsApp{}, fmt.Errorf("store: whatsapp message of campaign %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return message.WhatsApp{}, fmt.Errorf("store: whatsapp message of campaign %d: %w", id, err)
	}
	w, err := message.ParseWhatsApp(raw)
	if err != nil {
		return w, fmt.Errorf("store: whatsapp message of campaign %d: %w", id, err)
	}
	return w, nil
}

// MarkUnknown moves submitting messages to "unknown": the provider may or
// may not have them and cannot be asked, so they are never resent.
func (s *Store) MarkUnknown(ctx context.Context, campaignID int64, ids []int64, reason string) error {
	return s.moveAll(ctx, campaignID, ids, "submitting", "unknown", reason)
}

// CampaignChannels returns the channel of each campaign that exists.
func (s *Store) CampaignChannels(ctx context.Context, campaignIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(campaignIDs))
	if len(campaignIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(campaignIDs))
	for i, id := range campaignIDs {
		args[i] = id
	}
	rows, err := s.r.QueryContext(ctx, "SELECT id, channel FROM campaigns WHERE id IN (?"+strings.Repeat(",?", len(args)-1)+")", args...)
	if err != nil {
		return nil, fmt.Errorf("store: campaign channels: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var ch string
		if err := rows.Scan(&id, &ch); err != nil {
			return nil, fmt.Errorf("store: campaign channels: %w", err)
		}
		out[id] = ch
	}
	return out, rows.Err()
}

// OpenSessions reports which of the numbers have an open WhatsApp session:
// a WhatsApp reply received in the 24 hours before now.
func (s *Store) OpenSessions(ctx context.Context, phones []string, now time.Time) (map[string]bool, error) {
	out := map[string]bool{}
	const chunk = 500
	for len(phones) > 0 {
		n := min(chunk, len(phones))
		args := []any{toMS(now.Add(-SessionWindow))}
		for _, p := range phones[:n] {
			args = append(args, p)
		}
		phones = phones[n:]
		rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT phone FROM inbound WHERE channel = 'whatsapp' AND received_at >= ?
			AND phone IN (?`+strings.Repeat(",?", n-1)+")", args...)
		if err != nil {
			return nil, fmt.Errorf("store: open whatsapp sessions: %w", err)
		}
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: open whatsapp sessions: %w", err)
			}
			out[p] = true
		}
		if err := rows.Close(); err != nil {
			return nil, fmt.Errorf("store: open whatsapp sessions: %w", err)
		}
	}
	return out, nil
}

// SessionCount counts the recipients of a list (not suppressed) with an
// open WhatsApp session at now.
func (s *Store) SessionCount(ctx context.Context, listID int64, now time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM recipients r WHERE r.list_id = ? AND r.suppressed = 0
		AND EXISTS (SELECT 1 FROM inbound i WHERE i.phone = r.phone AND i.channel = 'whatsapp' AND i.received_at >= ?)`,
		listID, toMS(now.Add(-SessionWindow))).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: whatsapp sessions of list %d: %w", listID, err)
	}
	return n, nil
}

// SessionCountAlso counts the recipients of a list (not suppressed) whose
// number is among phones and who have no WhatsApp reply since 24 hours
// before now (SessionCount counts those): the sessions only the
// provider's list knows. The numbers travel as one JSON array, so the
// list is read once however many there are.
func (s *Store) SessionCountAlso(ctx context.Context, listID int64, now time.Time, phones []string) (int, error) {
	if len(phones) == 0 {
		return 0, nil
	}
	arr, err := json.Marshal(phones)
	if err != nil {
		return 0, fmt.Errorf("store: whatsapp sessions of list %d known to the provider: %w", listID, err)
	}
	var n int
	err = s.r.QueryRowContext(ctx, `SELECT count(*) FROM recipients r WHERE r.list_id = ? AND r.suppressed = 0
		AND r.phone IN (`+s.jsonArrayValues()+`)
		AND NOT EXISTS (SELECT 1 FROM inbound i WHERE i.phone = r.phone AND i.channel = 'whatsapp' AND i.received_at >= ?)`,
		listID, string(arr), toMS(now.Add(-SessionWindow))).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: whatsapp sessions of list %d known to the provider: %w", listID, err)
	}
	return n, nil
}
