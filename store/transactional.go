package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/recipient"
	"arauto/internal/transactional"
)

// Suppressed reports whether phone is on the suppression list.
func (s *Store) Suppressed(ctx context.Context, phone string) (bool, error) {
	var n int
	row, err := s.queryRow(ctx, "SELECT count(*) FROM suppressions WHERE phone = ?", digits(phone))
	if err == nil {
		err = row.Scan(&n)
	}
	if err != nil {
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
//
// Concurrent calls are group-committed, as webhook events are: each
// message is written inside a savepoint of a shared transaction (so one
// refused key undoes only its own message), and each call returns once
// the transaction holding its message is committed.
func (s *Store) EnqueueTransactional(ctx context.Context, e *transactional.Enqueue) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: transactional message: %w", err)
	}
	err := s.txns.commit.do(e)
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("store: transactional message: %w", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: transactional message: %w", err)
	}
	return nil
}

// txnGroupMax bounds the messages of one group commit.
const txnGroupMax = 256

// txnWriter is the store's group commit of transactional messages
// (groupcommit.go) and the statements it prepared on the writer
// connection.
type txnWriter struct {
	commit *groupCommit[*transactional.Enqueue]
	// stmts are prepared once on the writer connection and reused by
	// every transaction (preparing them each time cost more than the
	// inserts). Only the group commit's goroutine uses them; they stay
	// open for the store's life (one set, closed with the connection).
	stmts map[string]*sql.Stmt
}

// newTxnWriter returns the transactional group commit of s.
func newTxnWriter(s *Store) *txnWriter {
	w := &txnWriter{}
	w.commit = &groupCommit[*transactional.Enqueue]{max: txnGroupMax, write: func(batch []*transactional.Enqueue) []error {
		return s.writeTransactional(w, batch)
	}}
	return w
}

// txnSQL are the statements of one transactional message.
var txnSQL = map[string]string{
	"savepoint": "SAVEPOINT txn",
	"rollback":  "ROLLBACK TO txn",
	"release":   "RELEASE txn",
	"idem": `INSERT INTO api_idempotency (token_id, key, fingerprint, state, status, content_type, location, body, created_at)
		VALUES (?, ?, ?, 'done', ?, ?, '', ?, ?)`,
	"stream":    "SELECT campaign_id, list_id FROM api_streams WHERE key = ?",
	"row":       "SELECT coalesce(max(row), 0) + 1 FROM recipients WHERE list_id = ?",
	"recipient": "INSERT INTO recipients (list_id, row, phone, correlation_id, fields) VALUES (?, ?, ?, ?, ?)",
	// A contact's conversation finds its messages by the last four digits
	// of the list rows (recipient_numbers), as for imported lists.
	"number":  "INSERT INTO recipient_numbers (list_id, last4, row) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
	"message": "INSERT INTO messages (campaign_id, row, phone, state) VALUES (?, ?, ?, ?) RETURNING id",
	// The stream runs again whenever a message arrives; the dispatcher
	// completes it when its queue is empty.
	"campaign": `UPDATE campaigns SET last_message_id = ?,
		first_message_id = CASE WHEN first_message_id = 0 THEN ? ELSE first_message_id END,
		state = CASE WHEN state = 'paused' THEN state ELSE 'running' END,
		started_at = CASE WHEN started_at = 0 THEN ? ELSE started_at END, finished_at = 0, updated_at = ?
		WHERE id = ?`,
	"count": `INSERT INTO campaign_counts (campaign_id, state, n) VALUES (?, ?, 1)
		ON CONFLICT (campaign_id, state) DO UPDATE SET n = campaign_counts.n + 1`,
	"api": "INSERT INTO api_messages (id, message_id, correlation_id, channel, token_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
	"audit": `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_kind, target_id, target_name, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
}

// prepared returns the writer's statements, preparing them the first
// time.
func (w *txnWriter) prepared(db *sql.DB) (map[string]*sql.Stmt, error) {
	if w.stmts != nil {
		return w.stmts, nil
	}
	m := make(map[string]*sql.Stmt, len(txnSQL))
	for k, q := range txnSQL {
		st, err := db.Prepare(q)
		if err != nil {
			for _, p := range m {
				p.Close()
			}
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		m[k] = st
	}
	w.stmts = m
	return m, nil
}

// writeTransactional writes a group of messages in one transaction (its
// turn at the gate taken as every transaction's), each in a savepoint, and
// returns each one's outcome.
func (s *Store) writeTransactional(w *txnWriter, batch []*transactional.Enqueue) []error {
	ctx := context.Background()
	errs := make([]error, len(batch))
	stmts, err := w.prepared(s.w)
	if err == nil {
		err = s.tx(ctx, func(tx *sql.Tx) error {
			q := func(name string) *sql.Stmt { return tx.StmtContext(ctx, stmts[name]) }
			if err := s.lockMessageIDs(ctx, tx); err != nil {
				return err
			}
			for i, r := range batch {
				if _, err := q("savepoint").ExecContext(ctx); err != nil {
					return err
				}
				if errs[i] = enqueueOne(ctx, tx, q, r); errs[i] != nil {
					if _, err := q("rollback").ExecContext(ctx); err != nil {
						return err
					}
				}
				if _, err := q("release").ExecContext(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// enqueueOne writes one message inside tx with the writer's statements.
func enqueueOne(ctx context.Context, tx *sql.Tx, q func(string) *sql.Stmt, e *transactional.Enqueue) error {
	now := toMS(e.Sent.CreatedAt)
	state := "queued"
	if e.Sent.Status == "suppressed" {
		state = "suppressed"
	}
	if k := e.Keep; k != nil {
		_, err := q("idem").ExecContext(ctx, k.TokenID, k.Key, k.Fingerprint, k.Status, k.ContentType, e.Answer, now)
		if isUnique(err) || isPrimaryKey(err) {
			return ErrConflict
		}
		if err != nil {
			return err
		}
	}
	var campaignID, listID int64
	err := q("stream").QueryRowContext(ctx, e.Stream.Key).Scan(&campaignID, &listID)
	if errors.Is(err, sql.ErrNoRows) {
		campaignID, listID, err = newStream(ctx, tx, e.Stream, now)
	}
	if err != nil {
		return err
	}
	var row int64
	if err := q("row").QueryRowContext(ctx, listID).Scan(&row); err != nil {
		return err
	}
	if _, err := q("recipient").ExecContext(ctx, listID, row, e.Sent.Phone, e.Sent.CorrelationID, strings.Join(e.Fields, recipient.FieldSeparator)); err != nil {
		return err
	}
	if _, err := q("number").ExecContext(ctx, listID, last4(e.Sent.Phone), row); err != nil {
		return fmt.Errorf("number index: %w", err)
	}
	if err := q("message").QueryRowContext(ctx, campaignID, row, e.Sent.Phone, state).Scan(&e.Sent.MessageID); err != nil {
		return err
	}
	if _, err := q("campaign").ExecContext(ctx, e.Sent.MessageID, e.Sent.MessageID, now, now, campaignID); err != nil {
		return err
	}
	if _, err := q("count").ExecContext(ctx, campaignID, state); err != nil {
		return err
	}
	if _, err := q("api").ExecContext(ctx, e.Sent.ID, e.Sent.MessageID, e.Sent.CorrelationID, e.Sent.Channel, e.TokenID, now); err != nil {
		return err
	}
	if a := e.Audit; a != nil {
		_, err := q("audit").ExecContext(ctx, toMS(a.At), a.Actor.Kind, a.Actor.ID, a.Actor.Name, string(a.Action),
			a.TargetKind, a.TargetID, a.TargetName, a.DetailJSON(), a.Actor.IP)
		return err
	}
	return nil
}

// newStream makes the hidden list and campaign of a stream.
func newStream(ctx context.Context, tx *sql.Tx, st transactional.Stream, now int64) (campaignID, listID int64, err error) {
	res, err := insertRow(ctx, tx, `INSERT INTO lists (name, file_name, state, columns, created_at, updated_at, api_stream)
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
	res, err = insertRow(ctx, tx, `INSERT INTO campaigns (remote_id, name, alias, channel, list_id, message, state, created_at, updated_at, whatsapp, api_stream)
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
