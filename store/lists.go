package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"arauto/internal/recipient"
)

const listColumns = `id, name, file_name, file_path, file_size, state, mapping, columns, phone_column, report,
	error_code, error_detail, rows_total, valid, invalid, duplicates, landlines, suppressed, inactive,
	carriers_checked_at, coalesce(created_by, 0), created_at, updated_at, kind`

func scanList(row interface{ Scan(...any) error }) (*recipient.List, error) {
	var l recipient.List
	var state, mapping, columns, report string
	var checked, created, updated int64
	err := row.Scan(&l.ID, &l.Name, &l.FileName, &l.FilePath, &l.FileSize, &state, &mapping, &columns, &l.PhoneColumn, &report,
		&l.ErrorCode, &l.ErrorDetail, &l.Rows, &l.Valid, &l.Invalid, &l.Duplicates, &l.Landlines, &l.Suppressed, &l.Inactive,
		&checked, &l.CreatedBy, &created, &updated, &l.Kind)
	if err != nil {
		return nil, err
	}
	l.State = recipient.ListState(state)
	if err := json.Unmarshal([]byte(mapping), &l.Mapping); err != nil {
		return nil, fmt.Errorf("list %d mapping: %w", l.ID, err)
	}
	if err := json.Unmarshal([]byte(report), &l.Report); err != nil {
		return nil, fmt.Errorf("list %d report: %w", l.ID, err)
	}
	if columns != "" {
		l.Columns = strings.Split(columns, recipient.FieldSeparator)
	}
	l.CarriersCheckedAt, l.CreatedAt, l.UpdatedAt = fromMS(checked), fromMS(created), fromMS(updated)
	return &l, nil
}

// CreateList stores a freshly uploaded list and sets its ID.
func (s *Store) CreateList(ctx context.Context, l *recipient.List) error {
	now := time.Now().UTC()
	l.CreatedAt, l.UpdatedAt = now, now
	if l.State == "" {
		l.State = recipient.ListUploaded
	}
	mapping, err := json.Marshal(l.Mapping)
	if err != nil {
		return fmt.Errorf("store: create list: %w", err)
	}
	var createdBy any
	if l.CreatedBy != 0 {
		createdBy = l.CreatedBy
	}
	res, err := insertRow(ctx, s.w, `INSERT INTO lists (name, file_name, file_path, file_size, state, mapping, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, l.Name, l.FileName, l.FilePath, l.FileSize, string(l.State), string(mapping), createdBy, toMS(now), toMS(now))
	if err != nil {
		return fmt.Errorf("store: create list: %w", err)
	}
	l.ID, _ = res.LastInsertId()
	return nil
}

// ListByID returns one list or ErrNotFound.
func (s *Store) ListByID(ctx context.Context, id int64) (*recipient.List, error) {
	l, err := scanList(s.r.QueryRowContext(ctx, "SELECT "+listColumns+" FROM lists WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: list %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: list %d: %w", id, err)
	}
	return l, nil
}

// Lists returns every list, newest first, optionally only those in state.
func (s *Store) Lists(ctx context.Context, state recipient.ListState) ([]*recipient.List, error) {
	// Lists frozen from a segment at a campaign's launch belong to that
	// campaign, and transactional streams' lists (api_stream) are hidden:
	// neither is offered anywhere lists are.
	q, args := "SELECT "+listColumns+" FROM lists WHERE kind = 'upload' AND api_stream = 0 ORDER BY id DESC", []any{}
	if state != "" {
		q, args = "SELECT "+listColumns+" FROM lists WHERE kind = 'upload' AND api_stream = 0 AND state = ? ORDER BY id DESC", []any{string(state)}
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: lists: %w", err)
	}
	defer rows.Close()
	var out []*recipient.List
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("store: lists: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// clearListRows removes what a previous import attempt left. It deletes in
// chunks so a million-row list does not hold the writer for seconds.
func (s *Store) clearListRows(ctx context.Context, id int64) error {
	for _, table := range []string{"recipients", "rejected_rows", "recipient_numbers"} {
		for {
			res, err := s.w.ExecContext(ctx, "DELETE FROM "+table+" WHERE list_id = ? AND row IN (SELECT row FROM "+table+" WHERE list_id = ? LIMIT 50000)", id, id)
			if err != nil {
				return fmt.Errorf("clear %s: %w", table, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				break
			}
		}
	}
	return nil
}

// StartListImport clears anything an earlier attempt left and marks the
// list importing with the mapping to use.
func (s *Store) StartListImport(ctx context.Context, id int64, m recipient.Mapping) error {
	if err := s.clearListRows(ctx, id); err != nil {
		return fmt.Errorf("store: start import of list %d: %w", id, err)
	}
	mapping, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("store: start import of list %d: %w", id, err)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE lists SET state = 'importing', mapping = ?, error_code = '', error_detail = '', import_progress = '',
		rows_total = 0, valid = 0, invalid = 0, duplicates = 0, landlines = 0, suppressed = 0, inactive = 0, updated_at = ?
		WHERE id = ? AND state != 'ready'`, string(mapping), toMS(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: start import of list %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: start import of list %d: %w", id, ErrNotFound)
	}
	return nil
}

// FinishListImport records the report and makes the list ready. The
// uploaded file is no longer needed (the caller removes it).
func (s *Store) FinishListImport(ctx context.Context, id int64, r recipient.Report) error {
	return s.FinishListImportIndexed(ctx, id, r, nil)
}

// numbersPerStatement is how many entries of a list's number index one
// statement writes (as one JSON array: one bound value, not three a row).
const numbersPerStatement = 20_000

// FinishListImportIndexed is FinishListImport for an import that gathered
// its rows' number index as it went (nil, or incomplete, reads the rows
// instead): the entries are written in order without reading the list's
// rows back and sorting them.
func (s *Store) FinishListImportIndexed(ctx context.Context, id int64, r recipient.Report, numbers *recipient.NumberIndex) error {
	report, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("store: finish import of list %d: %w", id, err)
	}
	var entries []uint64
	complete := false
	if numbers != nil {
		entries, complete = numbers.Entries()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		// The numbers' last four digits, sorted, in one pass: the list is
		// searchable by any form of a number from the moment it is ready.
		if !complete {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recipient_numbers (list_id, last4, row)
				SELECT list_id, substr(phone, length(phone) - 3), row FROM recipients WHERE list_id = ? ORDER BY 2, 3 ON CONFLICT DO NOTHING`, id); err != nil {
				return err
			}
		}
		var b []byte
		for rest := entries; complete && len(rest) > 0; {
			n := min(len(rest), numbersPerStatement)
			b = append(b[:0], '[')
			for i, e := range rest[:n] {
				if i > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendUint(b, e, 10)
			}
			b = append(b, ']')
			q := `INSERT OR IGNORE INTO recipient_numbers (list_id, last4, row)
				SELECT ?, printf('%04d', value >> 32), value & 4294967295 FROM json_each(?)`
			if s.pg {
				q = `INSERT INTO recipient_numbers (list_id, last4, row)
					SELECT ?, lpad((v.e::bigint >> 32)::text, 4, '0'), v.e::bigint & 4294967295
					FROM json_array_elements_text(?::json) AS v(e) ON CONFLICT DO NOTHING`
			}
			if _, err := tx.ExecContext(ctx, q, id, string(b)); err != nil {
				return err
			}
			rest = rest[n:]
		}
		_, err := tx.ExecContext(ctx, `UPDATE lists SET state = 'ready', report = ?, columns = ?, phone_column = ?, file_path = '',
		rows_total = ?, valid = ?, invalid = ?, duplicates = ?, landlines = ?, suppressed = ?, updated_at = ? WHERE id = ?`,
			string(report), strings.Join(r.Columns, recipient.FieldSeparator), r.PhoneColumn,
			r.Rows, r.Valid, r.Invalid, r.Duplicates, r.Landlines, r.Suppressed, toMS(time.Now()), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: finish import of list %d: %w", id, err)
	}
	return nil
}

// FailListImport removes whatever was imported and marks the list failed
// with the reason, so no partial list is ever used.
func (s *Store) FailListImport(ctx context.Context, id int64, code, detail string) error {
	if err := s.clearListRows(ctx, id); err != nil {
		return fmt.Errorf("store: fail import of list %d: %w", id, err)
	}
	_, err := s.w.ExecContext(ctx, `UPDATE lists SET state = 'failed', error_code = ?, error_detail = ?,
		rows_total = 0, valid = 0, invalid = 0, duplicates = 0, landlines = 0, suppressed = 0, updated_at = ? WHERE id = ?`,
		code, detail, toMS(time.Now()), id)
	if err != nil {
		return fmt.Errorf("store: fail import of list %d: %w", id, err)
	}
	return nil
}

// DeleteList removes a list with its recipients.
func (s *Store) DeleteList(ctx context.Context, id int64) error {
	if err := s.clearListRows(ctx, id); err != nil {
		return fmt.Errorf("store: delete list %d: %w", id, err)
	}
	res, err := s.w.ExecContext(ctx, "DELETE FROM lists WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete list %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete list %d: %w", id, ErrNotFound)
	}
	return nil
}

// recipientsPerStatement is how many recipients one INSERT carries: the
// round trip through database/sql costs more than SQLite's work per row.
const recipientsPerStatement = 200

// DeleteAbandonedUploads deletes the lists still waiting for their column
// mapping ("uploaded") since before, and returns their uploaded files for
// the caller to remove. A list whose mapping started meanwhile is left
// alone: only the 'uploaded' state is deleted, in one statement (through
// the write gate, as every prune).
func (s *Store) DeleteAbandonedUploads(ctx context.Context, before time.Time) ([]string, error) {
	var paths []string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "DELETE FROM lists WHERE state = 'uploaded' AND updated_at < ? RETURNING file_path", toMS(before))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				return err
			}
			if p != "" {
				paths = append(paths, p)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: delete abandoned uploads: %w", err)
	}
	return paths, nil
}

// AddRecipients appends one batch of a list's recipients in one
// transaction; the importer calls it as its Sink.
func (s *Store) AddRecipients(ctx context.Context, listID int64, batch []recipient.Recipient) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		args := make([]any, 0, recipientsPerStatement*6)
		var b strings.Builder
		for rest := batch; len(rest) > 0; {
			n := min(len(rest), recipientsPerStatement)
			stmt := stmts[n]
			if stmt == nil {
				q := "INSERT INTO recipients (list_id, row, phone, correlation_id, fields, suppressed) VALUES (?, ?, ?, ?, ?, ?)" +
					strings.Repeat(", (?, ?, ?, ?, ?, ?)", n-1)
				var err error
				if stmt, err = tx.PrepareContext(ctx, q); err != nil {
					return err
				}
				stmts[n] = stmt
			}
			args = args[:0]
			for i := range rest[:n] {
				r := &rest[i]
				b.Reset()
				for j, f := range r.Fields {
					if j > 0 {
						b.WriteString(recipient.FieldSeparator)
					}
					b.WriteString(f)
				}
				args = append(args, listID, r.Row, r.Phone, r.CorrelationID, b.String(), r.Suppressed)
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add %d recipients to list %d: %w", len(batch), listID, err)
	}
	return nil
}

// AddRejectedRows stores rows the import refused, for the download.
func (s *Store) AddRejectedRows(ctx context.Context, listID int64, rows []recipient.RejectedRow) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO rejected_rows (list_id, row, value, reason) VALUES (?, ?, ?, ?)
			ON CONFLICT (list_id, row) DO UPDATE SET value = excluded.value, reason = excluded.reason`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, listID, r.Row, r.Phone, string(r.Reason)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: add rejected rows to list %d: %w", listID, err)
	}
	return nil
}

// EachRejectedRow streams a list's rejected rows in row order.
func (s *Store) EachRejectedRow(ctx context.Context, listID int64, fn func(recipient.RejectedRow) error) error {
	rows, err := s.r.QueryContext(ctx, "SELECT row, value, reason FROM rejected_rows WHERE list_id = ? ORDER BY row", listID)
	if err != nil {
		return fmt.Errorf("store: rejected rows of list %d: %w", listID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r recipient.RejectedRow
		var reason string
		if err := rows.Scan(&r.Row, &r.Phone, &reason); err != nil {
			return fmt.Errorf("store: rejected rows of list %d: %w", listID, err)
		}
		r.Reason = recipient.Reason(reason)
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// RecipientPage is one page of a list's recipients.
type RecipientPage struct {
	Recipients []recipient.Recipient
	Inactive   []bool // parallel to Recipients: the carrier says the number is inactive
	Carriers   []string
	Total      int // matching the search
}

// Recipients returns a page of a list's recipients in file order. A search
// that is a number (recipient.ParseNumberSearch: the whole number, without
// 55 or the DDD, formatted, or its last four digits or more) finds the
// numbers ending with it through the index of their last four digits; an
// area prefix ("5511") the numbers starting with it; fewer digits match
// anywhere in the number; other text matches the personalisation fields.
func (s *Store) Recipients(ctx context.Context, listID int64, search string, offset, limit int) (RecipientPage, error) {
	where, args := "list_id = ?", []any{listID}
	if search = strings.TrimSpace(search); search != "" {
		switch n, ok := recipient.ParseNumberSearch(search); {
		case ok && n.Suffix():
			where = `list_id = ? AND row IN (SELECT row FROM recipient_numbers WHERE list_id = ? AND last4 = ?)
				AND substr(phone, length(phone) - ? + 1) = ?`
			args = append(args, listID, n.Digits[len(n.Digits)-4:], len(n.Digits), n.Digits)
		case ok && n.AreaPrefix:
			where += " AND phone >= ? AND phone < ?"
			args = append(args, n.Digits, n.Digits+":")
		case ok:
			where += " AND phone LIKE ?"
			args = append(args, "%"+n.Digits+"%")
		default:
			like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(search) + "%"
			where += " AND (fields LIKE ? ESCAPE '\\' OR correlation_id LIKE ? ESCAPE '\\')"
			args = append(args, like, like)
		}
	}
	var page RecipientPage
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM recipients WHERE "+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("store: count recipients of list %d: %w", listID, err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT row, phone, correlation_id, fields, suppressed, carrier, inactive FROM recipients WHERE "+where+" ORDER BY row LIMIT ? OFFSET ?",
		append(args, limit, offset)...)
	if err != nil {
		return page, fmt.Errorf("store: recipients of list %d: %w", listID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r recipient.Recipient
		var fields, carrier string
		var inactive bool
		if err := rows.Scan(&r.Row, &r.Phone, &r.CorrelationID, &fields, &r.Suppressed, &carrier, &inactive); err != nil {
			return page, fmt.Errorf("store: recipients of list %d: %w", listID, err)
		}
		if fields != "" {
			r.Fields = strings.Split(fields, recipient.FieldSeparator)
		}
		page.Recipients = append(page.Recipients, r)
		page.Carriers = append(page.Carriers, carrier)
		page.Inactive = append(page.Inactive, inactive)
	}
	return page, rows.Err()
}

// SuppressedPhones returns every suppressed number, for flagging at import.
func (s *Store) SuppressedPhones(ctx context.Context) (map[string]struct{}, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT phone FROM suppressions")
	if err != nil {
		return nil, fmt.Errorf("store: suppressed phones: %w", err)
	}
	defer rows.Close()
	m := map[string]struct{}{}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, fmt.Errorf("store: suppressed phones: %w", err)
		}
		m[p] = struct{}{}
	}
	return m, rows.Err()
}

// PhoneRef is one recipient's number with the row that identifies it.
type PhoneRef struct {
	Row   int
	Phone string
}

// EachPhoneBatch walks a list's numbers in row order, size at a time.
func (s *Store) EachPhoneBatch(ctx context.Context, listID int64, size int, fn func([]PhoneRef) error) error {
	after := -1
	for {
		rows, err := s.r.QueryContext(ctx, "SELECT row, phone FROM recipients WHERE list_id = ? AND row > ? ORDER BY row LIMIT ?", listID, after, size)
		if err != nil {
			return fmt.Errorf("store: phones of list %d: %w", listID, err)
		}
		var batch []PhoneRef
		for rows.Next() {
			var p PhoneRef
			if err := rows.Scan(&p.Row, &p.Phone); err != nil {
				rows.Close()
				return fmt.Errorf("store: phones of list %d: %w", listID, err)
			}
			batch = append(batch, p)
		}
		rows.Close()
		if len(batch) == 0 {
			return nil
		}
		if err := fn(batch); err != nil {
			return err
		}
		after = batch[len(batch)-1].Row
	}
}

// CarrierResult is what the carrier lookup said of one recipient.
type CarrierResult struct {
	Row      int
	Carrier  string
	Inactive bool
}

// SetCarriers records carrier lookups for a list's recipients.
func (s *Store) SetCarriers(ctx context.Context, listID int64, results []CarrierResult) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE recipients SET carrier = ?, inactive = ? WHERE list_id = ? AND row = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		// The contact book keeps the latest carrier a lookup named.
		book, err := tx.PrepareContext(ctx, "UPDATE contacts SET carrier = ? WHERE phone = (SELECT CAST(phone AS BIGINT) FROM recipients WHERE list_id = ? AND row = ?)")
		if err != nil {
			return err
		}
		defer book.Close()
		for _, r := range results {
			if _, err := stmt.ExecContext(ctx, r.Carrier, r.Inactive, listID, r.Row); err != nil {
				return err
			}
			if r.Carrier != "" {
				if _, err := book.ExecContext(ctx, r.Carrier, listID, r.Row); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: set carriers of list %d: %w", listID, err)
	}
	return nil
}

// FinishCarrierCheck counts the inactive numbers and records when the
// check ran.
func (s *Store) FinishCarrierCheck(ctx context.Context, listID int64, at time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE lists SET carriers_checked_at = ?,
		inactive = (SELECT count(*) FROM recipients WHERE list_id = ? AND inactive = 1) WHERE id = ?`, toMS(at), listID, listID)
	if err != nil {
		return fmt.Errorf("store: finish carrier check of list %d: %w", listID, err)
	}
	return nil
}

// ListInUse reports whether a scheduled, running or paused campaign sends
// to the list, which must then not be deleted.
func (s *Store) ListInUse(ctx context.Context, listID int64) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM campaigns WHERE list_id = ? AND state IN ('scheduled', 'running', 'paused')", listID).Scan(&n); err != nil {
		return false, fmt.Errorf("store: is list %d in use: %w", listID, err)
	}
	return n > 0, nil
}

// EachRecipient streams every recipient of a list, in row order, with
// its personalisation fields (in the order of the list's Columns), its
// carrier as the carrier check found it ("" before one), and in
// Suppressed whether its number is on the suppression list now: what the
// dispatcher checks when the campaign starts (the import-time flag misses
// numbers suppressed since, and keeps those removed since). The
// Recipient and its Fields slice are reused between calls, so fn must not
// keep them (the strings in them it may keep). An error from fn stops the
// walk and is returned as it is.
func (s *Store) EachRecipient(ctx context.Context, listID int64, fn func(r *recipient.Recipient) error) error {
	// IN builds the suppression set once per query: ~10% over reading the
	// import-time flag, where a correlated EXISTS per row cost ~50%.
	rows, err := s.r.QueryContext(ctx, `SELECT r.row, r.phone, r.fields, r.carrier, r.phone IN (SELECT phone FROM suppressions)
		FROM recipients r WHERE r.list_id = ? ORDER BY r.row`, listID)
	if err != nil {
		return fmt.Errorf("store: recipients of list %d: %w", listID, err)
	}
	defer rows.Close()
	var raw string
	r := recipient.Recipient{Fields: make([]string, 0, 16)}
	for rows.Next() {
		if err := rows.Scan(&r.Row, &r.Phone, &raw, &r.Carrier, &r.Suppressed); err != nil {
			return fmt.Errorf("store: recipients of list %d: %w", listID, err)
		}
		r.Fields = splitFields(r.Fields[:0], raw)
		if err := fn(&r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: recipients of list %d: %w", listID, err)
	}
	return nil
}
