package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"arauto/internal/audit"
)

// AppendAudit appends one entry to the audit log and sets its ID.
func (s *Store) AppendAudit(ctx context.Context, e *audit.Entry) error {
	res, err := insertRow(ctx, s.w, `INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_kind, target_id, target_name, detail, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, toMS(e.At), e.Actor.Kind, e.Actor.ID, e.Actor.Name, string(e.Action),
		e.TargetKind, e.TargetID, e.TargetName, e.DetailJSON(), e.Actor.IP)
	if err != nil {
		return fmt.Errorf("store: append audit entry %s: %w", e.Action, err)
	}
	e.ID, _ = res.LastInsertId()
	return nil
}

func auditWhere(f audit.Filter) (string, []any) {
	var where []string
	var args []any
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, string(f.Action))
	}
	if a := strings.TrimSpace(f.Actor); a != "" {
		where, args = append(where, `actor_name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscaper.Replace(a)+"%")
	}
	if t := strings.TrimSpace(f.Target); t != "" {
		p := "%" + likeEscaper.Replace(t) + "%"
		where = append(where, `(target_name LIKE ? ESCAPE '\' OR target_kind || ':' || target_id LIKE ? ESCAPE '\')`)
		args = append(args, p, p)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, toMS(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, toMS(f.To))
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	if len(where) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// AuditEntries returns up to f.Limit entries matching f, newest first
// (keyset paging on the id: f.Before).
func (s *Store) AuditEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	var out []audit.Entry
	err := s.eachAudit(ctx, f, limit, func(e audit.Entry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// auditBatch is how many audit entries EachAudit reads per query.
const auditBatch = 5000

// EachAudit calls fn with every entry matching f, newest first, reading in
// batches so memory stays flat.
func (s *Store) EachAudit(ctx context.Context, f audit.Filter, fn func(audit.Entry) error) error {
	for {
		n := 0
		var last int64
		err := s.eachAudit(ctx, f, auditBatch, func(e audit.Entry) error {
			n++
			last = e.ID
			return fn(e)
		})
		if err != nil || n < auditBatch {
			return err
		}
		f.Before = last
	}
}

func (s *Store) eachAudit(ctx context.Context, f audit.Filter, limit int, fn func(audit.Entry) error) error {
	where, args := auditWhere(f)
	rows, err := s.r.QueryContext(ctx, `SELECT id, at, actor_kind, actor_id, actor_name, action, target_kind, target_id, target_name, detail, ip
		FROM audit_log`+where+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return fmt.Errorf("store: audit entries: %w", err)
	}
	var batch []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at int64
		var action, detail string
		if err := rows.Scan(&e.ID, &at, &e.Actor.Kind, &e.Actor.ID, &e.Actor.Name, &action, &e.TargetKind, &e.TargetID, &e.TargetName, &detail, &e.Actor.IP); err != nil {
			rows.Close()
			return fmt.Errorf("store: audit entries: %w", err)
		}
		e.At, e.Action = fromMS(at), audit.Action(action)
		if detail != "" {
			json.Unmarshal([]byte(detail), &e.Detail)
		}
		batch = append(batch, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: audit entries: %w", err)
	}
	// fn runs after the read is closed, so a slow writer (an export to a
	// slow client) never holds a read transaction open.
	for _, e := range batch {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}
