package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"arauto/internal/contact"
	"arauto/internal/recipient"
)

// CreateUploadedList stores a freshly uploaded list with what inspecting
// its file found, in one transaction, and sets its ID: waiting for its
// column mapping (state uploaded, or "") or, in state importing, with the
// mapping its import job uses. Either the whole list is stored or nothing.
func (s *Store) CreateUploadedList(ctx context.Context, l *recipient.List, p recipient.Preview) error {
	now := time.Now().UTC()
	l.CreatedAt, l.UpdatedAt = now, now
	if l.State == "" {
		l.State = recipient.ListUploaded
	}
	if l.State != recipient.ListUploaded && l.State != recipient.ListImporting {
		return fmt.Errorf("store: create uploaded list in state %q", l.State)
	}
	mapping, err := json.Marshal(l.Mapping)
	if err != nil {
		return fmt.Errorf("store: create uploaded list: %w", err)
	}
	preview, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("store: create uploaded list: %w", err)
	}
	var createdBy any
	if l.CreatedBy != 0 {
		createdBy = l.CreatedBy
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := insertRow(ctx, tx, `INSERT INTO lists (name, file_name, file_path, file_size, state, mapping, preview, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.Name, l.FileName, l.FilePath, l.FileSize, string(l.State), string(mapping), string(preview),
			createdBy, toMS(now), toMS(now))
		if err != nil {
			return err
		}
		l.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		l.ID = 0
		return fmt.Errorf("store: create uploaded list: %w", err)
	}
	return nil
}

// ConfirmListImport starts the import of a list whose column mapping was
// confirmed: it clears what an earlier attempt left (in steps), then, in
// one statement, records the legal basis its contacts are processed under
// and who imports it, and marks it importing with the mapping. A ready or
// missing list is ErrNotFound.
func (s *Store) ConfirmListImport(ctx context.Context, id int64, m recipient.Mapping, basis contact.LegalBasis, by int64) error {
	if err := s.clearListRows(ctx, id); err != nil {
		return fmt.Errorf("store: confirm import of list %d: %w", id, err)
	}
	mapping, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store: confirm import of list %d: %w", id, err)
	}
	res, err := s.exec(ctx, `UPDATE lists SET state = 'importing', mapping = ?, legal_basis = ?, imported_by = ?, error_code = '', error_detail = '',
		rows_total = 0, valid = 0, invalid = 0, duplicates = 0, landlines = 0, suppressed = 0, inactive = 0, updated_at = ?
		WHERE id = ? AND state != 'ready'`, string(mapping), string(basis), by, toMS(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: confirm import of list %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: confirm import of list %d: %w", id, ErrNotFound)
	}
	return nil
}
