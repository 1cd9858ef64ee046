package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"arauto/internal/recipient"
)

// SaveListPreview keeps what inspecting a list's upload found, so the file
// is read once rather than on every visit to the mapping step.
func (s *Store) SaveListPreview(ctx context.Context, listID int64, p recipient.Preview) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: save list preview: %w", err)
	}
	res, err := s.w.ExecContext(ctx, "UPDATE lists SET preview = ? WHERE id = ?", string(b), listID)
	if err != nil {
		return fmt.Errorf("store: save list preview: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ListPreview returns the saved inspection of a list's upload; ok is false
// when none was saved.
func (s *Store) ListPreview(ctx context.Context, listID int64) (p recipient.Preview, ok bool, err error) {
	var raw string
	err = s.r.QueryRowContext(ctx, "SELECT preview FROM lists WHERE id = ?", listID).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return p, false, ErrNotFound
	case err != nil:
		return p, false, fmt.Errorf("store: list preview: %w", err)
	case raw == "":
		return p, false, nil
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return p, false, fmt.Errorf("store: list %d preview: %w", listID, err)
	}
	return p, true, nil
}
