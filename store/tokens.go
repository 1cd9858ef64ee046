package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"arauto/internal/apitoken"
	"arauto/internal/user"
)

const tokenColumns = `t.id, t.name, t.hint, t.role, t.owner_id, u.email, u.role, u.disabled, t.rate_per_minute,
	t.created_at, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at`

func scanToken(row interface{ Scan(...any) error }) (*apitoken.Token, error) {
	var t apitoken.Token
	var role, ownerRole string
	var created, expires, used, revoked int64
	if err := row.Scan(&t.ID, &t.Name, &t.Hint, &role, &t.OwnerID, &t.OwnerEmail, &ownerRole, &t.OwnerDisabled, &t.RatePerMinute,
		&created, &expires, &used, &t.LastUsedIP, &revoked); err != nil {
		return nil, err
	}
	t.Role, t.OwnerRole = user.Role(role), user.Role(ownerRole)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMS(created), fromMS(expires), fromMS(used), fromMS(revoked)
	return &t, nil
}

// CreateToken stores a token with the hash of its secret and sets its ID.
func (s *Store) CreateToken(ctx context.Context, t *apitoken.Token, hash string) error {
	res, err := insertRow(ctx, s.w, `INSERT INTO api_tokens (name, hint, secret_hash, role, owner_id, rate_per_minute, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.Name, t.Hint, hash, string(t.Role), t.OwnerID, t.RatePerMinute, toMS(t.CreatedAt), toMS(t.ExpiresAt))
	if err != nil {
		return fmt.Errorf("store: create token %q: %w", t.Name, err)
	}
	t.ID, _ = res.LastInsertId()
	return nil
}

// TokenByHash returns the token with that secret hash and its owner's
// state, or ErrNotFound.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*apitoken.Token, error) {
	row, err := s.queryRow(ctx, "SELECT "+tokenColumns+" FROM api_tokens t JOIN users u ON u.id = t.owner_id WHERE t.secret_hash = ?", hash)
	if err != nil {
		return nil, fmt.Errorf("store: token: %w", err)
	}
	t, err := scanToken(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: token: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: token: %w", err)
	}
	return t, nil
}

// TokenByID returns one token or ErrNotFound.
func (s *Store) TokenByID(ctx context.Context, id int64) (*apitoken.Token, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens t JOIN users u ON u.id = t.owner_id WHERE t.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: token %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: token %d: %w", id, err)
	}
	return t, nil
}

// Tokens returns every token, newest first.
func (s *Store) Tokens(ctx context.Context) ([]*apitoken.Token, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens t JOIN users u ON u.id = t.owner_id ORDER BY t.id DESC")
	if err != nil {
		return nil, fmt.Errorf("store: tokens: %w", err)
	}
	defer rows.Close()
	var out []*apitoken.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("store: tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes a token at at; revoking twice keeps the first time.
func (s *Store) RevokeToken(ctx context.Context, id int64, at time.Time) error {
	res, err := s.w.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END WHERE id = ?", toMS(at), id)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: revoke token %d: %w", id, ErrNotFound)
	}
	return nil
}

// TouchTokens records the latest use of each token, in one transaction.
func (s *Store) TouchTokens(ctx context.Context, uses []apitoken.Use) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE api_tokens SET last_used_at = max(last_used_at, ?), last_used_ip = ? WHERE id = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, u := range uses {
			if _, err := stmt.ExecContext(ctx, toMS(u.At), u.IP, u.TokenID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: record token use: %w", err)
	}
	return nil
}
