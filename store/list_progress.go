package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"arauto/internal/recipient"
)

// SetListProgress records how far the import of list id is, while it is
// importing.
func (s *Store) SetListProgress(ctx context.Context, id int64, p recipient.Progress) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: list %d progress: %w", id, err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "UPDATE lists SET import_progress = ? WHERE id = ? AND state = 'importing'", string(b), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: list %d progress: %w", id, err)
	}
	return nil
}

// ListProgress returns the recorded progress of list id while it is
// importing (zero figures before the first record); false when the list
// is not importing or does not exist.
func (s *Store) ListProgress(ctx context.Context, id int64) (recipient.Progress, bool, error) {
	var state, raw string
	var size int64
	err := s.r.QueryRowContext(ctx, "SELECT state, import_progress, file_size FROM lists WHERE id = ?", id).Scan(&state, &raw, &size)
	if errors.Is(err, sql.ErrNoRows) {
		return recipient.Progress{}, false, nil
	}
	if err != nil {
		return recipient.Progress{}, false, fmt.Errorf("store: list %d progress: %w", id, err)
	}
	if state != string(recipient.ListImporting) {
		return recipient.Progress{}, false, nil
	}
	p := recipient.Progress{TotalBytes: size}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return recipient.Progress{}, false, fmt.Errorf("store: list %d progress: %w", id, err)
		}
	}
	return p, true, nil
}
