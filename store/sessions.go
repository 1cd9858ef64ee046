package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"arauto/internal/user"
)

// CreateSession records a sign-in under the hash of its session id, valid
// until expires, and forgets sessions that have expired.
func (s *Store) CreateSession(ctx context.Context, idHash string, userID int64, now, expires time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", toMS(now)); err != nil {
			return fmt.Errorf("store: prune sessions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
			idHash, userID, toMS(now), toMS(expires)); err != nil {
			return fmt.Errorf("store: create session: %w", err)
		}
		return nil
	})
}

// SessionUser returns the user of a live session, or ErrNotFound when the
// session was ended or has expired.
func (s *Store) SessionUser(ctx context.Context, idHash string, now time.Time) (*user.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userColumnsOf("u")+`
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires_at > ?`, idHash, toMS(now)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: session: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: session: %w", err)
	}
	return u, nil
}

// DeleteSession ends one session (signing out).
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", idHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user except the one whose
// hash is keep ("" ends them all).
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64, keep string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?", userID, keep); err != nil {
		return fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	return nil
}
