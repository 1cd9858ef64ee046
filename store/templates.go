package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/message"
	"arauto/internal/recipient"
)

const templateColumns = `id, name, channel, body, flash, extra_info, coalesce(list_id, 0), coalesce(created_by, 0), created_at, updated_at`

func scanTemplate(row interface{ Scan(...any) error }) (*message.Template, error) {
	var t message.Template
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Name, &t.Channel, &t.Body, &t.Flash, &t.ExtraInfo, &t.ListID, &t.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	t.CreatedAt, t.UpdatedAt = fromMS(created), fromMS(updated)
	return &t, nil
}

// nullID stores 0 as NULL, for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateTemplate stores a new template and sets its ID and times. A name
// another template has (in any letter case) is ErrConflict.
func (s *Store) CreateTemplate(ctx context.Context, t *message.Template) error {
	now := time.Now().UTC()
	res, err := insertRow(ctx, s.w, `INSERT INTO templates (name, channel, body, flash, extra_info, list_id, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Name, t.Channel, t.Body, t.Flash, t.ExtraInfo, nullID(t.ListID), nullID(t.CreatedBy), toMS(now), toMS(now))
	if isUnique(err) {
		return fmt.Errorf("store: create template %q: %w", t.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create template %q: %w", t.Name, err)
	}
	t.ID, _ = res.LastInsertId()
	t.CreatedAt, t.UpdatedAt = fromMS(toMS(now)), fromMS(toMS(now))
	return nil
}

// TemplateByID returns one template or ErrNotFound.
func (s *Store) TemplateByID(ctx context.Context, id int64) (*message.Template, error) {
	t, err := scanTemplate(s.r.QueryRowContext(ctx, "SELECT "+templateColumns+" FROM templates WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: template %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: template %d: %w", id, err)
	}
	return t, nil
}

// Templates returns every template by name.
func (s *Store) Templates(ctx context.Context) ([]*message.Template, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+templateColumns+" FROM templates ORDER BY name COLLATE NOCASE, id")
	if err != nil {
		return nil, fmt.Errorf("store: templates: %w", err)
	}
	defer rows.Close()
	var out []*message.Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: templates: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: templates: %w", err)
	}
	return out, nil
}

// UpdateTemplate saves a template's name, body, options and preview list.
// It returns ErrNotFound for a template that is gone and ErrConflict for a
// name another template has.
func (s *Store) UpdateTemplate(ctx context.Context, t *message.Template) error {
	now := time.Now().UTC()
	res, err := s.w.ExecContext(ctx, `UPDATE templates SET name = ?, channel = ?, body = ?, flash = ?, extra_info = ?, list_id = ?, updated_at = ?
		WHERE id = ?`, t.Name, t.Channel, t.Body, t.Flash, t.ExtraInfo, nullID(t.ListID), toMS(now), t.ID)
	if isUnique(err) {
		return fmt.Errorf("store: update template %d: %w", t.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update template %d: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update template %d: %w", t.ID, ErrNotFound)
	}
	t.UpdatedAt = fromMS(toMS(now))
	return nil
}

// DeleteTemplate removes a template, or returns ErrNotFound.
func (s *Store) DeleteTemplate(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM templates WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete template %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete template %d: %w", id, ErrNotFound)
	}
	return nil
}

// splitFields appends the fields of a stored row to dst without
// allocating new strings: they share raw's memory.
func splitFields(dst []string, raw string) []string {
	if raw == "" {
		return dst
	}
	for {
		i := strings.Index(raw, recipient.FieldSeparator)
		if i < 0 {
			return append(dst, raw)
		}
		dst = append(dst, raw[:i])
		raw = raw[i+len(recipient.FieldSeparator):]
	}
}

// FirstRecipient returns the list's first recipient that would be sent to
// (suppressed ones skipped), for previews, or ErrNotFound.
func (s *Store) FirstRecipient(ctx context.Context, listID int64) (recipient.Recipient, error) {
	var r recipient.Recipient
	var fields string
	err := s.r.QueryRowContext(ctx, "SELECT row, phone, correlation_id, fields FROM recipients WHERE list_id = ? AND suppressed = 0 ORDER BY row LIMIT 1", listID).
		Scan(&r.Row, &r.Phone, &r.CorrelationID, &fields)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("store: first recipient of list %d: %w", listID, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: first recipient of list %d: %w", listID, err)
	}
	r.Fields = splitFields(nil, fields)
	return r, nil
}
