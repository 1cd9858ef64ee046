package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"arauto/internal/contact"
)

// settingPepper is the key of the erased numbers' hashes. It lives in the
// database, not beside the session key: losing it would let erased numbers
// be messaged again.
const settingPepper = "privacy.pepper"

// pepper returns the installation's pepper, made on first use.
func (s *Store) pepper(ctx context.Context) ([]byte, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingPepper).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("store: make pepper: %w", err)
		}
		if _, err := s.w.ExecContext(ctx, "INSERT OR IGNORE INTO settings (key, value, updated_at) VALUES (?, ?, ?)", settingPepper, hex.EncodeToString(b), toMS(time.Now())); err != nil {
			return nil, fmt.Errorf("store: save pepper: %w", err)
		}
		err = s.w.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", settingPepper).Scan(&v)
	}
	if err != nil {
		return nil, fmt.Errorf("store: pepper: %w", err)
	}
	b, err := hex.DecodeString(v)
	if err != nil || len(b) < 16 {
		return nil, fmt.Errorf("store: pepper is damaged")
	}
	return b, nil
}

// ErasedNumbers returns the hashes of the numbers erased on request.
func (s *Store) ErasedNumbers(ctx context.Context) (*contact.Erased, error) {
	p, err := s.pepper(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, "SELECT hash FROM erased_numbers")
	if err != nil {
		return nil, fmt.Errorf("store: erased numbers: %w", err)
	}
	defer rows.Close()
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return nil, fmt.Errorf("store: erased numbers: %w", err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: erased numbers: %w", err)
	}
	return contact.NewErased(p, hashes), nil
}
