package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"arauto/internal/walibrary"
)

const libraryColumns = `id, namespace, element_name, language_code, header_kind, header_text, header_params, body_text, body_params,
	footer_text, buttons, status, coalesce(created_by, 0), created_at, updated_at`

func scanLibraryTemplate(row interface{ Scan(...any) error }) (*walibrary.Template, error) {
	var t walibrary.Template
	var headerParams, bodyParams, buttons, status string
	var created, updated int64
	if err := row.Scan(&t.ID, &t.Namespace, &t.ElementName, &t.LanguageCode, &t.HeaderKind, &t.HeaderText, &headerParams, &t.BodyText,
		&bodyParams, &t.FooterText, &buttons, &status, &t.CreatedBy, &created, &updated); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		raw  string
		into any
	}{{headerParams, &t.HeaderParams}, {bodyParams, &t.BodyParams}, {buttons, &t.Buttons}} {
		if err := json.Unmarshal([]byte(f.raw), f.into); err != nil {
			return nil, fmt.Errorf("library template %d: %w", t.ID, err)
		}
	}
	t.Status, t.CreatedAt, t.UpdatedAt = walibrary.Status(status), fromMS(created), fromMS(updated)
	return &t, nil
}

// jsonList stores a list as a JSON array ("[]" for none).
func jsonList[T any](v []T) string {
	if len(v) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// CreateLibraryTemplate stores a new template of the WhatsApp library and
// sets its ID and times. A template with the same namespace, element name
// and language is ErrConflict.
func (s *Store) CreateLibraryTemplate(ctx context.Context, t *walibrary.Template, at time.Time) error {
	res, err := insertRow(ctx, s.w, `INSERT INTO whatsapp_library (namespace, element_name, language_code, header_kind, header_text, header_params,
		body_text, body_params, footer_text, buttons, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.Namespace, t.ElementName, t.LanguageCode, t.HeaderKind, t.HeaderText, jsonList(t.HeaderParams), t.BodyText, jsonList(t.BodyParams),
		t.FooterText, jsonList(t.Buttons), string(t.Status), nullID(t.CreatedBy), toMS(at), toMS(at))
	if isUnique(err) {
		return fmt.Errorf("store: create library template %q: %w", t.ElementName, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create library template %q: %w", t.ElementName, err)
	}
	t.ID, _ = res.LastInsertId()
	t.CreatedAt, t.UpdatedAt = fromMS(toMS(at)), fromMS(toMS(at))
	return nil
}

// UpdateLibraryTemplate saves every field of a library template. It
// returns ErrNotFound for a template that is gone and ErrConflict when
// another has the same namespace, element name and language.
func (s *Store) UpdateLibraryTemplate(ctx context.Context, t *walibrary.Template, at time.Time) error {
	res, err := s.w.ExecContext(ctx, `UPDATE whatsapp_library SET namespace = ?, element_name = ?, language_code = ?, header_kind = ?,
		header_text = ?, header_params = ?, body_text = ?, body_params = ?, footer_text = ?, buttons = ?, status = ?, updated_at = ? WHERE id = ?`,
		t.Namespace, t.ElementName, t.LanguageCode, t.HeaderKind, t.HeaderText, jsonList(t.HeaderParams), t.BodyText, jsonList(t.BodyParams),
		t.FooterText, jsonList(t.Buttons), string(t.Status), toMS(at), t.ID)
	if isUnique(err) {
		return fmt.Errorf("store: update library template %d: %w", t.ID, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: update library template %d: %w", t.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: update library template %d: %w", t.ID, ErrNotFound)
	}
	t.UpdatedAt = fromMS(toMS(at))
	return nil
}

// DeleteLibraryTemplate removes a library template, or returns ErrNotFound.
// Campaigns keep the message they were given from it.
func (s *Store) DeleteLibraryTemplate(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM whatsapp_library WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete library template %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete library template %d: %w", id, ErrNotFound)
	}
	return nil
}

// LibraryTemplate returns one library template or ErrNotFound.
func (s *Store) LibraryTemplate(ctx context.Context, id int64) (*walibrary.Template, error) {
	t, err := scanLibraryTemplate(s.r.QueryRowContext(ctx, "SELECT "+libraryColumns+" FROM whatsapp_library WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: library template %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: library template %d: %w", id, err)
	}
	return t, nil
}

// LibraryTemplateByName returns the library template of a namespace,
// element name and language, or ErrNotFound.
func (s *Store) LibraryTemplateByName(ctx context.Context, namespace, elementName, languageCode string) (*walibrary.Template, error) {
	t, err := scanLibraryTemplate(s.r.QueryRowContext(ctx, "SELECT "+libraryColumns+
		" FROM whatsapp_library WHERE namespace = ? AND element_name = ? AND language_code = ?", namespace, elementName, languageCode))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: library template %q: %w", elementName, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: library template %q: %w", elementName, err)
	}
	return t, nil
}

// LibraryTemplates returns the library's templates by element name and
// language; only approved ones when approvedOnly.
func (s *Store) LibraryTemplates(ctx context.Context, approvedOnly bool) ([]*walibrary.Template, error) {
	q := "SELECT " + libraryColumns + " FROM whatsapp_library"
	if approvedOnly {
		q += " WHERE status = 'approved'"
	}
	rows, err := s.r.QueryContext(ctx, q+" ORDER BY element_name COLLATE NOCASE, language_code, id")
	if err != nil {
		return nil, fmt.Errorf("store: library templates: %w", err)
	}
	defer rows.Close()
	var out []*walibrary.Template
	for rows.Next() {
		t, err := scanLibraryTemplate(rows)
		if err != nil {
			return nil, fmt.Errorf("store: library templates: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: library templates: %w", err)
	}
	return out, nil
}
