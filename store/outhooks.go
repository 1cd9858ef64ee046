package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"arauto/internal/outhook"
)

// outhookSecretName is the additional data sealing receivers' secrets.
const outhookSecretName = "outhook.secret"

// sealSecret encrypts a receiver's signing secret like the Wavy token
// (kept in clear only when the store was never given a key: tests).
func (s *Store) sealSecret(v string) string {
	if s.seal == nil {
		return v
	}
	nonce := make([]byte, s.seal.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("store: crypto/rand failed: %v", err))
	}
	return sealedPrefix + base64.RawURLEncoding.EncodeToString(s.seal.aead.Seal(nonce, nonce, []byte(v), []byte(outhookSecretName)))
}

// CreateEndpoint stores a receiver with its secret and sets its ID.
func (s *Store) CreateEndpoint(ctx context.Context, e *outhook.Endpoint, createdBy int64) error {
	now := time.Now().UTC()
	res, err := insertRow(ctx, s.w, `INSERT INTO outhook_endpoints (url, description, events, secret, active, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.URL, e.Description, strings.Join(e.Events, ","), s.sealSecret(e.Secret), e.Active, nullInt(createdBy), toMS(now), toMS(now))
	if err != nil {
		return fmt.Errorf("store: create webhook receiver: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	e.CreatedAt = now
	return nil
}

// UpdateEndpoint changes a receiver's URL, description, events and whether
// it is active.
func (s *Store) UpdateEndpoint(ctx context.Context, e *outhook.Endpoint) error {
	res, err := s.w.ExecContext(ctx, "UPDATE outhook_endpoints SET url = ?, description = ?, events = ?, active = ?, updated_at = ? WHERE id = ?",
		e.URL, e.Description, strings.Join(e.Events, ","), e.Active, toMS(time.Now()), e.ID)
	if err != nil {
		return fmt.Errorf("store: update webhook receiver %d: %w", e.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update webhook receiver %d: %w", e.ID, ErrNotFound)
	}
	return nil
}

// RotateEndpointSecret replaces a receiver's signing secret.
func (s *Store) RotateEndpointSecret(ctx context.Context, id int64, secret string) error {
	res, err := s.w.ExecContext(ctx, "UPDATE outhook_endpoints SET secret = ?, updated_at = ? WHERE id = ?", s.sealSecret(secret), toMS(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: rotate webhook secret %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: rotate webhook secret %d: %w", id, ErrNotFound)
	}
	return nil
}

// DeleteEndpoint removes a receiver and its deliveries.
func (s *Store) DeleteEndpoint(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM outhook_endpoints WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete webhook receiver %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete webhook receiver %d: %w", id, ErrNotFound)
	}
	return nil
}

func (s *Store) scanEndpoints(rows *sql.Rows, withSecret bool) ([]outhook.Endpoint, error) {
	defer rows.Close()
	var out []outhook.Endpoint
	for rows.Next() {
		var e outhook.Endpoint
		var events, secret string
		var created int64
		if err := rows.Scan(&e.ID, &e.URL, &e.Description, &events, &secret, &e.Active, &created, &e.Pending, &e.Failed); err != nil {
			return nil, err
		}
		if events != "" {
			e.Events = strings.Split(events, ",")
		}
		e.CreatedAt = fromMS(created)
		if withSecret {
			var ok bool
			if e.Secret, ok = s.seal.openValue(outhookSecretName, secret); !ok {
				// Sealed under another key: deliveries would be unsigned.
				continue
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

const endpointColumns = `e.id, e.url, e.description, e.events, e.secret, e.active, e.created_at,
	(SELECT count(*) FROM outhook_deliveries d INDEXED BY outhook_deliveries_due WHERE d.endpoint_id = e.id AND d.state = 'pending'),
	(SELECT count(*) FROM outhook_deliveries d INDEXED BY outhook_deliveries_failed WHERE d.endpoint_id = e.id AND d.state = 'failed')`

// Endpoints returns every receiver (without secrets) with its pending and
// failed deliveries counted.
func (s *Store) Endpoints(ctx context.Context) ([]outhook.Endpoint, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+endpointColumns+" FROM outhook_endpoints e ORDER BY e.id")
	if err != nil {
		return nil, fmt.Errorf("store: webhook receivers: %w", err)
	}
	out, err := s.scanEndpoints(rows, false)
	if err != nil {
		return nil, fmt.Errorf("store: webhook receivers: %w", err)
	}
	return out, nil
}

// EndpointByID returns one receiver (without its secret) or ErrNotFound.
func (s *Store) EndpointByID(ctx context.Context, id int64) (outhook.Endpoint, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+endpointColumns+" FROM outhook_endpoints e WHERE e.id = ?", id)
	if err != nil {
		return outhook.Endpoint{}, fmt.Errorf("store: webhook receiver %d: %w", id, err)
	}
	out, err := s.scanEndpoints(rows, false)
	if err != nil {
		return outhook.Endpoint{}, fmt.Errorf("store: webhook receiver %d: %w", id, err)
	}
	if len(out) == 0 {
		return outhook.Endpoint{}, fmt.Errorf("store: webhook receiver %d: %w", id, ErrNotFound)
	}
	return out[0], nil
}

// ActiveEndpoints returns the active receivers with their secrets.
func (s *Store) ActiveEndpoints(ctx context.Context) ([]outhook.Endpoint, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT e.id, e.url, e.description, e.events, e.secret, e.active, e.created_at, 0, 0 FROM outhook_endpoints e WHERE e.active = 1 ORDER BY e.id")
	if err != nil {
		return nil, fmt.Errorf("store: active webhook receivers: %w", err)
	}
	out, err := s.scanEndpoints(rows, true)
	if err != nil {
		return nil, fmt.Errorf("store: active webhook receivers: %w", err)
	}
	return out, nil
}

// OutgoingFacts returns up to limit recorded facts, oldest first.
func (s *Store) OutgoingFacts(ctx context.Context, limit int) ([]outhook.Fact, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, kind, subject, data, at FROM outhook_facts ORDER BY id LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("store: outgoing facts: %w", err)
	}
	defer rows.Close()
	var out []outhook.Fact
	for rows.Next() {
		var f outhook.Fact
		var at int64
		if err := rows.Scan(&f.ID, &f.Kind, &f.Subject, &f.Data, &at); err != nil {
			return nil, fmt.Errorf("store: outgoing facts: %w", err)
		}
		f.At = fromMS(at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// FanOut stores deliveries and forgets the facts up to upTo, in one
// transaction.
func (s *Store) FanOut(ctx context.Context, upTo int64, ds []outhook.Delivery) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if len(ds) > 0 {
			stmt, err := tx.PrepareContext(ctx, `INSERT INTO outhook_deliveries (endpoint_id, event_id, event_type, order_key, body, state, next_at, created_at)
				VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)`)
			if err != nil {
				return err
			}
			defer stmt.Close()
			for _, d := range ds {
				if _, err := stmt.ExecContext(ctx, d.EndpointID, d.EventID, d.EventType, d.OrderKey, d.Body, toMS(d.NextAt), toMS(d.CreatedAt)); err != nil {
					return err
				}
			}
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM outhook_facts WHERE id <= ?", upTo)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: fan out webhook events: %w", err)
	}
	return nil
}

const deliveryColumns = `d.id, d.endpoint_id, d.event_id, d.event_type, d.order_key, d.body, d.state, d.attempts, d.next_at, d.created_at,
	d.last_at, d.last_status, d.last_body, d.last_error, d.last_ms`

func scanDeliveries(rows *sql.Rows) ([]outhook.Delivery, error) {
	defer rows.Close()
	var out []outhook.Delivery
	for rows.Next() {
		var d outhook.Delivery
		var next, created, last int64
		if err := rows.Scan(&d.ID, &d.EndpointID, &d.EventID, &d.EventType, &d.OrderKey, &d.Body, &d.State, &d.Attempts, &next, &created,
			&last, &d.LastStatus, &d.LastBody, &d.LastError, &d.LastMS); err != nil {
			return nil, err
		}
		d.NextAt, d.CreatedAt, d.LastAt = fromMS(next), fromMS(created), fromMS(last)
		out = append(out, d)
	}
	return out, rows.Err()
}

// DueDeliveries returns up to limit of a receiver's pending deliveries due
// at now, each the earliest pending delivery of its order key (so events
// of one subject go out in order).
func (s *Store) DueDeliveries(ctx context.Context, endpointID int64, now time.Time, limit int) ([]outhook.Delivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+deliveryColumns+` FROM outhook_deliveries d INDEXED BY outhook_deliveries_due
		WHERE d.endpoint_id = ? AND d.state = 'pending' AND d.next_at <= ?
		AND NOT EXISTS (SELECT 1 FROM outhook_deliveries p INDEXED BY outhook_deliveries_order
			WHERE p.endpoint_id = d.endpoint_id AND p.order_key = d.order_key AND p.state = 'pending' AND p.id < d.id)
		ORDER BY d.next_at, d.id LIMIT ?`, endpointID, toMS(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due webhook deliveries: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("store: due webhook deliveries: %w", err)
	}
	return out, nil
}

// RecordAttempts writes the outcomes of delivery attempts in one
// transaction.
func (s *Store) RecordAttempts(ctx context.Context, as []outhook.Attempt) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE outhook_deliveries SET state = ?, attempts = attempts + 1, next_at = ?,
			last_at = ?, last_status = ?, last_body = ?, last_error = ?, last_ms = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, a := range as {
			state, next := "pending", toMS(a.NextAt)
			switch {
			case a.Delivered:
				state, next = "delivered", 0
			case a.NextAt.IsZero():
				state = "failed"
			}
			if _, err := stmt.ExecContext(ctx, state, next, toMS(a.At), a.Status, a.Body, a.Error, a.Took.Milliseconds(), a.DeliveryID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record webhook attempts: %w", err)
	}
	return nil
}

// PruneDeliveries forgets finished deliveries created before before, in
// chunks, so a large log never holds the writer for long.
func (s *Store) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res, err := s.exec(ctx, `DELETE FROM outhook_deliveries WHERE id IN (SELECT id FROM outhook_deliveries INDEXED BY outhook_deliveries_age
			WHERE created_at < ? AND state <> 'pending' LIMIT 10000)`, toMS(before))
		if err != nil {
			return total, fmt.Errorf("store: prune webhook deliveries: %w", err)
		}
		n, _ := res.RowsAffected()
		total += n
		if n < 10000 {
			return total, nil
		}
	}
}

// DeliveryLog returns a receiver's latest deliveries, newest first, before
// the cursor (0 for the newest), optionally of one state.
func (s *Store) DeliveryLog(ctx context.Context, endpointID int64, state string, before int64, limit int) ([]outhook.Delivery, error) {
	q := `SELECT ` + deliveryColumns + ` FROM outhook_deliveries d INDEXED BY outhook_deliveries_log WHERE d.endpoint_id = ?`
	args := []any{endpointID}
	if state != "" {
		q, args = q+" AND d.state = ?", append(args, state)
	}
	if before > 0 {
		q, args = q+" AND d.id < ?", append(args, before)
	}
	rows, err := s.r.QueryContext(ctx, q+" ORDER BY d.id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: webhook delivery log: %w", err)
	}
	out, err := scanDeliveries(rows)
	if err != nil {
		return nil, fmt.Errorf("store: webhook delivery log: %w", err)
	}
	return out, nil
}

// RetryDelivery makes a failed or pending delivery due now again, with a
// fresh day of retries.
func (s *Store) RetryDelivery(ctx context.Context, endpointID, id int64, now time.Time) error {
	res, err := s.w.ExecContext(ctx, "UPDATE outhook_deliveries SET state = 'pending', next_at = ?, created_at = ? WHERE id = ? AND endpoint_id = ? AND state <> 'delivered'",
		toMS(now), toMS(now), id, endpointID)
	if err != nil {
		return fmt.Errorf("store: retry webhook delivery %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: retry webhook delivery %d: %w", id, ErrNotFound)
	}
	return nil
}
