package store

import (
	"context"
	"fmt"
	"time"
)

// Event kinds, as the webhook paths name them.
const (
	EventSMSStatus      = "sms-status"
	EventSMSMO          = "sms-mo"
	EventWhatsAppStatus = "whatsapp-status"
	EventWhatsAppMO     = "whatsapp-mo"
)

// RawEvent is a provider notification exactly as it arrived.
type RawEvent struct {
	ID         int64
	Kind       string
	Source     string // webhook or poll
	ReceivedAt time.Time
	Items      int // entries in the body
	Body       []byte
}

// AppendEvent stores one raw event durably and sets its ID.
func (s *Store) AppendEvent(ctx context.Context, e *RawEvent) error {
	if e.Source == "" {
		e.Source = "webhook"
	}
	res, err := s.w.ExecContext(ctx, "INSERT INTO events (kind, source, received_at, items, body) VALUES (?, ?, ?, ?, ?)",
		e.Kind, e.Source, ms2(e.ReceivedAt), e.Items, e.Body)
	if err != nil {
		return fmt.Errorf("store: append %s event: %w", e.Kind, err)
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

// EventCounts returns how many events of each kind are stored.
func (s *Store) EventCounts(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT kind, count(*) FROM events GROUP BY kind")
	if err != nil {
		return nil, fmt.Errorf("store: event counts: %w", err)
	}
	defer rows.Close()
	m := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("store: event counts: %w", err)
		}
		m[k] = n
	}
	return m, rows.Err()
}
