package store

import (
	"context"
	"fmt"
	"strings"

	"arauto/internal/recipient"
)

// FirstRecipients returns a list's first recipients in file order, at most
// limit, without counting the list: the test-send choices and the WhatsApp
// preview show a few rows on pages that are reloaded while a campaign
// sends, where counting a million-row list on every load (Recipients)
// took most of the console's time.
func (s *Store) FirstRecipients(ctx context.Context, listID int64, limit int) ([]recipient.Recipient, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT row, phone, correlation_id, fields, suppressed FROM recipients WHERE list_id = ? ORDER BY row LIMIT ?", listID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: first recipients of list %d: %w", listID, err)
	}
	defer rows.Close()
	var out []recipient.Recipient
	for rows.Next() {
		var r recipient.Recipient
		var fields string
		if err := rows.Scan(&r.Row, &r.Phone, &r.CorrelationID, &fields, &r.Suppressed); err != nil {
			return nil, fmt.Errorf("store: first recipients of list %d: %w", listID, err)
		}
		if fields != "" {
			r.Fields = strings.Split(fields, recipient.FieldSeparator)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: first recipients of list %d: %w", listID, err)
	}
	return out, nil
}
