package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// IdemAnswer is the first answer to a request sent with an idempotency
// key, kept to be given again to a replay.
type IdemAnswer struct {
	Status      int
	ContentType string
	Location    string
	Body        []byte
}

// IdemRecord is what is stored under a key.
type IdemRecord struct {
	Fingerprint string
	// Done is false while the first request runs (or after a crash
	// interrupted it).
	Done      bool
	Answer    IdemAnswer
	CreatedAt time.Time
}

// ReserveIdempotencyKey claims key for the token's request with that
// fingerprint. When the key was claimed before it returns that record and
// false; otherwise a pending record is stored and it returns true. A
// pending claim of the same request made before staleBefore is taken over
// (its first request died mid-way, a crash): it is claimed again, from
// now, and true is returned, so the retry runs.
func (s *Store) ReserveIdempotencyKey(ctx context.Context, tokenID int64, key, fingerprint string, now, staleBefore time.Time) (IdemRecord, bool, error) {
	var rec IdemRecord
	var fresh bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		rec, err = idemRecord(ctx, tx, tokenID, key)
		if err == nil {
			if rec.Done || rec.Fingerprint != fingerprint || !rec.CreatedAt.Before(staleBefore) {
				return nil
			}
			fresh, rec.CreatedAt = true, now
			_, err = tx.ExecContext(ctx, "UPDATE api_idempotency SET created_at = ? WHERE token_id = ? AND key = ? AND state = 'pending'", toMS(now), tokenID, key)
			return err
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		fresh = true
		rec = IdemRecord{Fingerprint: fingerprint, CreatedAt: now}
		_, err = tx.ExecContext(ctx, "INSERT INTO api_idempotency (token_id, key, fingerprint, state, created_at) VALUES (?, ?, ?, 'pending', ?)",
			tokenID, key, fingerprint, toMS(now))
		return err
	})
	if err != nil {
		return rec, false, fmt.Errorf("store: reserve idempotency key: %w", err)
	}
	return rec, fresh, nil
}

const idemSelect = "SELECT fingerprint, state, status, content_type, location, body, created_at FROM api_idempotency WHERE token_id = ? AND key = ?"

// stmtRows runs a prepared statement where idemRecord expects a
// connection (the query is the statement's own).
type stmtRows struct{ st *sql.Stmt }

func (s stmtRows) QueryRowContext(ctx context.Context, _ string, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, args...)
}

func idemRecord(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, tokenID int64, key string) (IdemRecord, error) {
	var rec IdemRecord
	var state string
	var at int64
	err := q.QueryRowContext(ctx, idemSelect, tokenID, key).Scan(&rec.Fingerprint, &state, &rec.Answer.Status, &rec.Answer.ContentType, &rec.Answer.Location, &rec.Answer.Body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return rec, ErrNotFound
	}
	rec.Done, rec.CreatedAt = state == "done", fromMS(at)
	return rec, err
}

// CompleteIdempotencyKey stores the answer of the request that holds key.
func (s *Store) CompleteIdempotencyKey(ctx context.Context, tokenID int64, key string, a IdemAnswer) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE api_idempotency SET state = 'done', status = ?, content_type = ?, location = ?, body = ?
		WHERE token_id = ? AND key = ?`, a.Status, a.ContentType, a.Location, a.Body, tokenID, key); err != nil {
		return fmt.Errorf("store: complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey forgets a pending key whose request failed without
// an answer worth keeping (a server error), so a retry may run.
func (s *Store) ReleaseIdempotencyKey(ctx context.Context, tokenID int64, key string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM api_idempotency WHERE token_id = ? AND key = ? AND state = 'pending'", tokenID, key); err != nil {
		return fmt.Errorf("store: release idempotency key: %w", err)
	}
	return nil
}

// IdempotencyRecord returns what is stored under key, or ErrNotFound.
func (s *Store) IdempotencyRecord(ctx context.Context, tokenID int64, key string) (IdemRecord, error) {
	st, err := s.readStmt(ctx, idemSelect)
	if err != nil {
		return IdemRecord{}, fmt.Errorf("store: idempotency key: %w", err)
	}
	rec, err := idemRecord(ctx, stmtRows{st}, tokenID, key)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return rec, fmt.Errorf("store: idempotency key: %w", err)
	}
	return rec, err
}

// PruneIdempotencyKeys forgets keys older than before.
func (s *Store) PruneIdempotencyKeys(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(ctx, "DELETE FROM api_idempotency WHERE created_at < ?", toMS(before))
	if err != nil {
		return 0, fmt.Errorf("store: prune idempotency keys: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
