package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reasons of the suppressions people add (the applier's are in delivery.go).
const (
	// SuppressManual: someone typed the number on the Suppression page.
	SuppressManual = "manual"
	// SuppressImport: the number came in a file uploaded to that page.
	SuppressImport = "import"
)

// Suppression is one number that must never receive messages.
type Suppression struct {
	// Phone is E.164 digits.
	Phone string
	// Reason is opt-out, blacklisted, opted-out, manual or import.
	Reason string
	// Note says more: the keyword, the status, who added it.
	Note      string
	CreatedAt time.Time
}

// SuppressionQuery selects and pages the suppression list, newest first.
type SuppressionQuery struct {
	// Search matches the number (digits typed any way) or else the note.
	Search string
	// Reason keeps one reason only; "" for all.
	Reason string
	// After is the cursor of the page to show: the previous page's Next.
	After string
	// Limit is the page size; default 50, at most 500.
	Limit int
}

// SuppressionPage is one page of the suppression list.
type SuppressionPage struct {
	Items []Suppression
	// Next is the cursor of the following (older) page; "" when last.
	Next string
	// Total is how many numbers match the query (all pages).
	Total int
}

// suppressionCursor encodes the position after s.
func suppressionCursor(s Suppression) string {
	return strconv.FormatInt(toMS(s.CreatedAt), 10) + "-" + s.Phone
}

func parseSuppressionCursor(c string) (int64, string, bool) {
	a, b, ok := strings.Cut(c, "-")
	if !ok {
		return 0, "", false
	}
	at, err := strconv.ParseInt(a, 10, 64)
	if err != nil || b == "" || digits(b) != b {
		return 0, "", false
	}
	return at, b, true
}

func suppressionWhere(q SuppressionQuery) ([]string, []any) {
	var where []string
	var args []any
	if q.Reason != "" {
		where, args = append(where, "reason = ?"), append(args, q.Reason)
	}
	if term := strings.TrimSpace(q.Search); term != "" {
		if d := phoneSearch(term); d != "" {
			where, args = append(where, `phone LIKE ? ESCAPE '\'`), append(args, "%"+d+"%")
		} else {
			where, args = append(where, `note LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(term)+"%")
		}
	}
	return where, args
}

// Suppressions lists the suppression list a page at a time, newest first
// (keyset paging on the date and number). An unreadable cursor starts over.
func (s *Store) Suppressions(ctx context.Context, q SuppressionQuery) (SuppressionPage, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	where, args := suppressionWhere(q)
	var page SuppressionPage
	count := "SELECT count(*) FROM suppressions"
	if len(where) > 0 {
		count += " WHERE " + strings.Join(where, " AND ")
	}
	if err := s.r.QueryRowContext(ctx, count, args...).Scan(&page.Total); err != nil {
		return SuppressionPage{}, fmt.Errorf("store: suppressions: %w", err)
	}
	if at, phone, ok := parseSuppressionCursor(q.After); ok {
		where = append(where, "(created_at < ? OR (created_at = ? AND phone < ?))")
		args = append(args, at, at, phone)
	}
	query := "SELECT phone, reason, note, created_at FROM suppressions"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY created_at DESC, phone DESC LIMIT ?"
	args = append(args, q.Limit+1)
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return SuppressionPage{}, fmt.Errorf("store: suppressions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sp, err := scanSuppression(rows)
		if err != nil {
			return SuppressionPage{}, fmt.Errorf("store: suppressions: %w", err)
		}
		page.Items = append(page.Items, sp)
	}
	if err := rows.Err(); err != nil {
		return SuppressionPage{}, fmt.Errorf("store: suppressions: %w", err)
	}
	if len(page.Items) > q.Limit {
		page.Items = page.Items[:q.Limit]
		page.Next = suppressionCursor(page.Items[q.Limit-1])
	}
	return page, nil
}

func scanSuppression(row interface{ Scan(...any) error }) (Suppression, error) {
	var sp Suppression
	var at int64
	err := row.Scan(&sp.Phone, &sp.Reason, &sp.Note, &at)
	sp.CreatedAt = fromMS(at)
	return sp, err
}

// SuppressionByPhone returns one number's suppression or ErrNotFound.
func (s *Store) SuppressionByPhone(ctx context.Context, phone string) (Suppression, error) {
	sp, err := scanSuppression(s.r.QueryRowContext(ctx, "SELECT phone, reason, note, created_at FROM suppressions WHERE phone = ?", digits(phone)))
	if err == sql.ErrNoRows {
		return Suppression{}, fmt.Errorf("store: suppression %s: %w", phone, ErrNotFound)
	}
	if err != nil {
		return Suppression{}, fmt.Errorf("store: suppression %s: %w", phone, err)
	}
	return sp, nil
}

// RemoveSuppression takes a number off the suppression list, or returns
// ErrNotFound when it was not on it.
func (s *Store) RemoveSuppression(ctx context.Context, phone string) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM suppressions WHERE phone = ?", digits(phone))
	if err != nil {
		return fmt.Errorf("store: unsuppress %s: %w", phone, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: unsuppress %s: %w", phone, ErrNotFound)
	}
	return nil
}

// AddSuppressions adds numbers (E.164 digits) in one transaction and
// returns how many were new; numbers already on the list keep their
// reason and date.
func (s *Store) AddSuppressions(ctx context.Context, phones []string, reason, note string) (added int, err error) {
	if len(phones) == 0 {
		return 0, nil
	}
	now := toMS(time.Now())
	err = s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "INSERT INTO suppressions (phone, reason, note, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, p := range phones {
			res, err := stmt.ExecContext(ctx, p, reason, note, now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: add suppressions: %w", err)
	}
	return added, nil
}

// EachSuppression walks the whole list, newest first, for export. fn must
// not use the store's write side for long: the read stays open meanwhile.
func (s *Store) EachSuppression(ctx context.Context, fn func(Suppression) error) error {
	rows, err := s.r.QueryContext(ctx, "SELECT phone, reason, note, created_at FROM suppressions ORDER BY created_at DESC, phone DESC")
	if err != nil {
		return fmt.Errorf("store: export suppressions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		sp, err := scanSuppression(rows)
		if err != nil {
			return fmt.Errorf("store: export suppressions: %w", err)
		}
		if err := fn(sp); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: export suppressions: %w", err)
	}
	return nil
}

// SuppressionReasons counts the list by reason.
func (s *Store) SuppressionReasons(ctx context.Context) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT reason, count(*) FROM suppressions GROUP BY reason")
	if err != nil {
		return nil, fmt.Errorf("store: suppression reasons: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var r string
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, fmt.Errorf("store: suppression reasons: %w", err)
		}
		out[r] = n
	}
	return out, rows.Err()
}
