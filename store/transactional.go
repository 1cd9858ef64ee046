package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/audit"
	"arauto/internal/recipient"
	"arauto/internal/transactional"
)

// Suppressed reports whether phone is on the suppression list.
func (s *Store) Suppressed(ctx context.Context, phone string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM suppressions WHERE phone = ?", digits(phone)).Scan(&n); err != nil {
		return false, fmt.Errorf("store: suppressed %s: %w", phone, err)
	}
	return n > 0, nil
}

// EnqueueTransactional writes one transactional message in one
// transaction: its stream's hidden list and campaign when new, the list
// row with its fields, the outbox row (queued, or suppressed), the
// campaign's counters and range, the public id, the kept idempotent
// answer and the audit entry. A key kept before is ErrConflict and nothing
// is written.
func (s *Store) EnqueueTransactional(ctx context.Context, e *transactional.Enqueue) error {
	now := toMS(e.Sent.CreatedAt)
	state := "queued"
	if e.Sent.Status == "suppressed" {
		state = "suppressed"
	}
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if e.Keep != nil {
			k := e.Keep
			if err := insertIdempotencyDone(ctx, tx, k.TokenID, k.Key, k.Fingerprint,
				IdemAnswer{Status: k.Status, ContentType: k.ContentType, Body: e.Answer}, e.Sent.CreatedAt); err != nil {
				return err
			}
		}
		campaignID, listID, err := stream(ctx, tx, e.Stream, now)
		if err != nil {
			return err
		}
		var row int64
		if err := tx.QueryRowContext(ctx, "SELECT coalesce(max(row), 0) + 1 FROM recipients WHERE list_id = ?", listID).Scan(&row); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO recipients (list_id, row, phone, correlation_id, fields) VALUES (?, ?, ?, ?, ?)",
			listID, row, e.Sent.Phone, e.Sent.CorrelationID, strings.Join(e.Fields, recipient.FieldSeparator)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "INSERT INTO messages (campaign_id, row, phone, state) VALUES (?, ?, ?, ?)", campaignID, row, e.Sent.Phone, state)
		if err != nil {
			return err
		}
		e.Sent.MessageID, _ = res.LastInsertId()
		// The stream runs again whenever a message arrives; the
		// dispatcher completes it when its queue is empty.
		if _, err := tx.ExecContext(ctx, `UPDATE campaigns SET last_message_id = ?,
				first_message_id = CASE WHEN first_message_id = 0 THEN ? ELSE first_message_id END,
				state = CASE WHEN state = 'paused' THEN state ELSE 'running' END,
				started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END, finished_at = 0, updated_at = ?
				WHERE id = ?`, e.Sent.MessageID, e.Sent.MessageID, now, now, campaignID); err != nil {
			return err
		}
		if err := bump(ctx, tx, campaignID, "", state, 1); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO api_messages (id, message_id, correlation_id, channel, token_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			e.Sent.ID, e.Sent.MessageID, e.Sent.CorrelationID, e.Sent.Channel, e.TokenID, now); err != nil {
			return err
		}
		if e.Audit != nil {
			return appendAuditTx(ctx, tx, e.Audit)
		}
		return nil
	})
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("store: transactional message: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: transactional message: %w", err)
	}
	return nil
}

// stream returns the hidden campaign and list of a stream, making them
// the first time.
func stream(ctx context.Context, tx *sql.Tx, st transactional.Stream, now int64) (campaignID, listID int64, err error) {
	err = tx.QueryRowContext(ctx, "SELECT campaign_id, list_id FROM api_streams WHERE key = ?", st.Key).Scan(&campaignID, &listID)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return campaignID, listID, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO lists (name, file_name, state, columns, created_at, updated_at, api_stream)
		VALUES (?, '', 'ready', ?, ?, ?, 1)`, st.Name, strings.Join(st.Columns, recipient.FieldSeparator), now, now)
	if err != nil {
		return 0, 0, fmt.Errorf("stream list: %w", err)
	}
	listID, _ = res.LastInsertId()
	// The Campaign API never saw a stream: its remote id is negative, so
	// it can never clash with one the API gives.
	var remote int64
	if err := tx.QueryRowContext(ctx, "SELECT min(0, coalesce(min(remote_id), 0)) - 1 FROM campaigns").Scan(&remote); err != nil {
		return 0, 0, err
	}
	res, err = tx.ExecContext(ctx, `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, message, state, created_at, updated_at, whatsapp, api_stream)
		VALUES (?, ?, '', ?, ?, ?, 'running', ?, ?, ?, 1)`, remote, st.Name, st.Channel, listID, st.Message, now, now, st.WhatsApp)
	if err != nil {
		return 0, 0, fmt.Errorf("stream campaign: %w", err)
	}
	campaignID, _ = res.LastInsertId()
	if _, err := tx.ExecContext(ctx, "INSERT INTO api_streams (key, campaign_id, list_id, channel) VALUES (?, ?, ?, ?)", st.Key, campaignID, listID, st.Channel); err != nil {
		return 0, 0, fmt.Errorf("stream: %w", err)
	}
	return campaignID, listID, nil
}

func appendAuditTx(ctx context.Context, tx *sql.Tx, e *audit.Entry) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_kind, target_id, target_name, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, toMS(e.At), e.Actor.Kind, e.Actor.ID, e.Actor.Name, string(e.Action),
		e.TargetKind, e.TargetID, e.TargetName, e.DetailJSON(), e.Actor.IP)
	return err
}

// TransactionalMessage is a transactional message and its delivery as
// the API shows it.
type TransactionalMessage struct {
	ID            string
	CorrelationID string
	Channel       string
	CreatedAt     time.Time
	Status        MessageStatus
	Error         string
}

// TransactionalMessageByID returns one transactional message by its
// public id, or ErrNotFound.
func (s *Store) TransactionalMessageByID(ctx context.Context, id string) (TransactionalMessage, error) {
	var t TransactionalMessage
	var m = &t.Status
	var created, sent, deliv, read, upd, unk int64
	err := s.r.QueryRowContext(ctx, `SELECT a.id, a.correlation_id, a.channel, a.created_at, m.id, m.campaign_id, m.phone, m.state, m.carrier,
			m.sent_code, m.delivered_code, m.sent_at, m.delivered_at, m.read_at, m.status_updated_at, m.unknown_at, m.error
		FROM api_messages a JOIN messages m ON m.id = a.message_id WHERE a.id = ?`, id).
		Scan(&t.ID, &t.CorrelationID, &t.Channel, &created, &m.ID, &m.CampaignID, &m.Phone, &m.State, &m.Carrier,
			&m.SentCode, &m.DeliveredCode, &sent, &deliv, &read, &upd, &unk, &t.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("store: transactional message %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("store: transactional message %s: %w", id, err)
	}
	t.CreatedAt = fromMS(created)
	m.SentAt, m.DeliveredAt, m.ReadAt, m.StatusUpdatedAt, m.UnknownAt = fromMS(sent), fromMS(deliv), fromMS(read), fromMS(upd), fromMS(unk)
	return t, nil
}

// TransactionalRefs returns the public ids and correlation ids of the
// given outbox rows that are transactional messages.
func (s *Store) TransactionalRefs(ctx context.Context, messageIDs []int64) (map[int64][2]string, error) {
	out := map[int64][2]string{}
	err := inChunks(messageIDs, func(args []any) error {
		rows, err := s.r.QueryContext(ctx, "SELECT message_id, id, correlation_id FROM api_messages WHERE message_id IN ("+placeholders(len(args))+")", args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var mid int64
			var id, corr string
			if err := rows.Scan(&mid, &id, &corr); err != nil {
				return err
			}
			out[mid] = [2]string{id, corr}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: transactional refs: %w", err)
	}
	return out, nil
}

// IsStreamList reports whether a list is a transactional stream's hidden
// list.
func (s *Store) IsStreamList(ctx context.Context, id int64) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM lists WHERE id = ? AND api_stream = 1", id).Scan(&n); err != nil {
		return false, fmt.Errorf("store: list %d: %w", id, err)
	}
	return n > 0, nil
}

// TransactionalTotals counts the transactional messages stored and those
// the provider accepted (an accepted message keeps its provider id
// whatever its delivery became).
func (s *Store) TransactionalTotals(ctx context.Context) (stored, accepted int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(m.provider_id <> ''), 0) FROM api_messages a JOIN messages m ON m.id = a.message_id`).Scan(&stored, &accepted)
	if err != nil {
		return 0, 0, fmt.Errorf("store: transactional totals: %w", err)
	}
	return stored, accepted, nil
}
