package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"arauto/internal/contact"
)

// SetListConsent records, before a list is imported, the legal basis its
// contacts are processed under and who imports it.
func (s *Store) SetListConsent(ctx context.Context, listID int64, basis contact.LegalBasis, userID int64) error {
	res, err := s.w.ExecContext(ctx, "UPDATE lists SET legal_basis = ?, imported_by = ? WHERE id = ?", string(basis), userID, listID)
	if err != nil {
		return fmt.Errorf("store: consent of list %d: %w", listID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: consent of list %d: %w", listID, ErrNotFound)
	}
	return nil
}

// StartContactImport returns the contact source of a list's import: the
// record of the file, the legal basis and the user, made on the first
// attempt and reused when an interrupted import starts again. The list's
// columns become known contact fields.
func (s *Store) StartContactImport(ctx context.Context, listID int64, columns []string) (int64, error) {
	var id int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id FROM contact_sources WHERE list_id = ? AND kind = 'import' ORDER BY id DESC LIMIT 1", listID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			res, ierr := tx.ExecContext(ctx, `INSERT INTO contact_sources (kind, basis, list_id, list_name, file_name, user_id, user_email, created_at)
				SELECT 'import', CASE WHEN l.legal_basis = '' THEN 'consent' ELSE l.legal_basis END, l.id, l.name, l.file_name,
					coalesce(u.id, 0), coalesce(u.email, ''), ?
				FROM lists l LEFT JOIN users u ON u.id = CASE WHEN l.imported_by <> 0 THEN l.imported_by ELSE l.created_by END
				WHERE l.id = ?`, toMS(time.Now()), listID)
			if ierr != nil {
				return ierr
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
			id, _ = res.LastInsertId()
		} else if err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, "INSERT OR IGNORE INTO contact_fields (name, first_seen) VALUES (?, ?)")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, c := range columns {
			if _, err := stmt.ExecContext(ctx, c, toMS(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: start contact import of list %d: %w", listID, err)
	}
	return id, nil
}

// contactsPerStatement is how many contacts one INSERT carries: fewer
// round trips through database/sql, well under SQLite's 32766 variables.
const contactsPerStatement = 400

// UpsertContacts creates or updates the contacts of a chunk of imported
// rows in one transaction: fields merge (a non-empty value replaces the
// old one, which the history keeps), the source is added to the contact's
// sources and becomes its consent. The chunk is written in number order,
// so each page of the table is touched once per chunk; recs is sorted in
// place. Numbers appear at most once per chunk.
func (s *Store) UpsertContacts(ctx context.Context, sourceID int64, recs []contact.Record) error {
	if len(recs) == 0 {
		return nil
	}
	slices.SortFunc(recs, func(a, b contact.Record) int {
		switch {
		case a.Phone < b.Phone:
			return -1
		case a.Phone > b.Phone:
			return 1
		}
		return 0
	})
	total := len(recs)
	now := toMS(time.Now())
	src := "," + strconv.FormatInt(sourceID, 10) + ","
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		args := make([]any, 0, contactsPerStatement*6)
		for len(recs) > 0 {
			n := min(len(recs), contactsPerStatement)
			stmt := stmts[n]
			if stmt == nil {
				var err error
				if stmt, err = tx.PrepareContext(ctx, upsertContactsSQL(n, src, sourceID)); err != nil {
					return err
				}
				stmts[n] = stmt
			}
			args = args[:0]
			for _, r := range recs[:n] {
				args = append(args, r.Phone, r.Attrs, r.Fold, r.NameKey, r.Row, now)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			recs = recs[n:]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: upsert %d contacts: %w", total, err)
	}
	return nil
}

// upsertContactsSQL is the statement for n contacts of one source.
func upsertContactsSQL(n int, src string, sourceID int64) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO contacts (phone, attrs, fold, name_key, consent_row, created_at, updated_at, sources, consent_source) VALUES `)
	tail := ", '" + src + "', " + strconv.FormatInt(sourceID, 10) + ")"
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, jsonb(?), ?, ?, ?, ?6")
		b.WriteString(tail)
	}
	b.WriteString(` ON CONFLICT (phone) DO UPDATE SET
		attrs = json_patch(attrs, excluded.attrs),
		fold = jsonb_patch(fold, excluded.fold),
		name_key = CASE WHEN excluded.name_key <> '' THEN excluded.name_key ELSE name_key END,
		sources = CASE WHEN instr(sources, excluded.sources) THEN sources ELSE sources || substr(excluded.sources, 2) END,
		consent_source = excluded.consent_source,
		consent_row = excluded.consent_row,
		updated_at = excluded.updated_at`)
	return b.String()
}
