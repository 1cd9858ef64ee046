package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"arauto/internal/segment"
)

// dddRanges is the condition that keeps the contacts (alias c) whose
// number has one of the DDDs: each DDD is two ranges of numbers, the
// 13-digit mobiles (55 DD 9XXXX XXXX) and the 12-digit numbers some
// WhatsApp accounts still report.
func dddRanges(ddds []int) (string, []any) {
	if len(ddds) == 0 {
		return "0", nil
	}
	var or []string
	var args []any
	for _, d := range ddds {
		base := int64(5500+d) * 100_000_000
		or = append(or, "c.phone BETWEEN ? AND ?", "c.phone BETWEEN ? AND ?")
		args = append(args, base, base+99_999_999, base*10, base*10+999_999_999)
	}
	return "(" + strings.Join(or, " OR ") + ")", args
}

// segmentWhere compiles a filter into a condition on contacts (alias c).
// Field names and values are bound, never written into the SQL.
func segmentWhere(f segment.Filter, now time.Time) (string, []any) {
	if len(f.Rules) == 0 {
		return "true", nil
	}
	var parts []string
	var args []any
	join := " AND "
	if f.Match == segment.Any {
		join = " OR "
	}
	fieldRules, grouped := map[string]int{}, map[string]bool{}
	for _, r := range f.Rules {
		if r.Kind == segment.KindAttr {
			fieldRules[r.Field]++
		}
	}
	for _, r := range f.Rules {
		var cond string
		var a []any
		switch r.Kind {
		case segment.KindAttr:
			if fieldRules[r.Field] > 1 {
				// Several rules on one field: its value is read from the
				// contact once for all of them.
				if grouped[r.Field] {
					continue
				}
				grouped[r.Field] = true
				var conds []string
				for _, o := range f.Rules {
					if o.Kind == segment.KindAttr && o.Field == r.Field {
						c, oa := attrCond(o, "v", nil)
						if o.Not {
							c = "NOT " + c
						}
						conds = append(conds, c)
						a = append(a, oa...)
					}
				}
				parts = append(parts, "((SELECT "+strings.Join(conds, join)+" FROM (SELECT c.fold ->> ? AS v) AS f))")
				args = append(append(args, a...), `$."`+r.Field+`"`)
				continue
			}
			cond, a = attrCond(r, "(c.fold ->> ?)", []any{`$."` + r.Field + `"`})
		case segment.KindList:
			// A list's contacts carry its import's source id in sources
			// (",3,7,"): one scan of the row, where matching the list's
			// recipients would build a temporary index of a million rows
			// on every count. The subquery is constant: SQLite runs it once.
			cond = `coalesce(instr(c.sources, (SELECT ',' || id || ',' FROM contact_sources
				WHERE list_id = ? AND kind = 'import' ORDER BY id DESC LIMIT 1)) > 0, false)`
			a = []any{r.ListID()}
		case segment.KindDDD, segment.KindState:
			cond, a = dddRanges(r.DDDs())
		case segment.KindCarrier:
			vals := make([]string, len(r.Values))
			for i, v := range r.Values {
				vals[i] = strings.ToUpper(strings.TrimSpace(v))
			}
			cond, a = "upper(c.carrier) IN ("+placeholders(len(vals))+")", anySlice(vals)
		case segment.KindDelivered:
			cond, a = "c.last_delivered_at >= ?", []any{toMS(now.Add(-time.Duration(r.Days) * 24 * time.Hour))}
		case segment.KindReplied:
			cond, a = "c.last_replied_at >= ?", []any{toMS(now.Add(-time.Duration(r.Days) * 24 * time.Hour))}
		case segment.KindClicked:
			cond, a = "c.last_clicked_at >= ?", []any{toMS(now.Add(-time.Duration(r.Days) * 24 * time.Hour))}
		case segment.KindNeverMessaged:
			cond = "c.last_sent_at = 0"
		case segment.KindOptedOut:
			// Compared as numbers: no number turned into text on every row.
			cond = "c.phone IN (SELECT CAST(phone AS BIGINT) FROM suppressions)"
		default:
			cond = "false"
		}
		if r.Not {
			cond = "NOT " + cond
		}
		parts = append(parts, "("+cond+")")
		args = append(args, a...)
	}
	return "(" + strings.Join(parts, join) + ")", args
}

// attrCond is a rule on a field as a condition on its folded value, the
// expression value (whose arguments lead), never NULL.
func attrCond(r segment.Rule, value string, valueArgs []any) (string, []any) {
	vals := r.Folded()
	var cond string
	var a []any
	switch r.Op {
	case segment.Equals:
		cond, a = value+" = ?", append(slices.Clip(valueArgs), vals[0])
	case segment.Contains:
		cond, a = "instr("+value+", ?) > 0", append(slices.Clip(valueArgs), vals[0])
	default:
		cond = value + " IN (" + placeholders(len(vals)) + ")"
		a = append(slices.Clip(valueArgs), anySlice(vals)...)
	}
	return "coalesce(" + cond + ", false)", a
}

func anySlice[T any](vs []T) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// CountSegment counts the contacts a filter selects now. A filter no index
// can answer (fields, lists, opt-outs, or rules joined by OR) reads every
// contact: the book is then counted in parts of consecutive rows, each on
// its own read connection and core, and the parts added up.
func (s *Store) CountSegment(ctx context.Context, f segment.Filter, now time.Time) (int64, error) {
	where, args := segmentWhere(f, now)
	parts := 1
	if scansBook(f) {
		parts = countParts
	}
	var last int64
	if parts > 1 {
		if err := s.r.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM contacts").Scan(&last); err != nil {
			return 0, fmt.Errorf("store: count segment: %w", err)
		}
		if last < minRowsPerPart*int64(parts) {
			parts = 1
		}
	}
	if parts == 1 {
		var n int64
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM contacts c WHERE "+where, args...).Scan(&n); err != nil {
			return 0, fmt.Errorf("store: count segment: %w", err)
		}
		return n, nil
	}
	counts := make([]int64, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for i := range parts {
		lo, hi := last*int64(i)/int64(parts), last*int64(i+1)/int64(parts)
		if i == parts-1 {
			hi = 1 << 62 // rows added meanwhile
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.r.QueryRowContext(ctx, "SELECT count(*) FROM contacts c WHERE c.id > ? AND c.id <= ? AND "+where,
				append([]any{lo, hi}, args...)...).Scan(&counts[i])
		}()
	}
	wg.Wait()
	var n int64
	for i := range parts {
		if errs[i] != nil {
			return 0, fmt.Errorf("store: count segment (part %d of %d): %w", i+1, parts, errs[i])
		}
		n += counts[i]
	}
	return n, nil
}

// countParts is how many parts a count that reads the whole book is split
// into: one per core.
var countParts = min(max(runtime.NumCPU(), 1), 4)

// minRowsPerPart keeps small books counted in one statement.
var minRowsPerPart int64 = 50_000

// scansBook tells whether counting a filter reads every contact: no rule
// narrows it through an index. Rules joined by AND are answered through
// the index of one of them (area code, state, carrier, dates) when they
// have one; a rule on a field, a list or the opt-outs has none, and rules
// joined by OR each need theirs.
func scansBook(f segment.Filter) bool {
	if len(f.Rules) == 0 {
		return false // count(*) reads the smallest index
	}
	indexed := 0
	for _, r := range f.Rules {
		switch r.Kind {
		case segment.KindDDD, segment.KindState, segment.KindCarrier, segment.KindDelivered, segment.KindReplied, segment.KindClicked:
			if !r.Not {
				indexed++
			}
		}
	}
	if f.Match == segment.Any {
		return indexed < len(f.Rules)
	}
	return indexed == 0
}

// ContactFields returns the fields contacts have, by name.
func (s *Store) ContactFields(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT name FROM contact_fields ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("store: contact fields: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: contact fields: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Carriers returns the carriers contacts have, by name.
func (s *Store) Carriers(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT upper(carrier) FROM contacts INDEXED BY contacts_carrier WHERE carrier <> '' ORDER BY 1")
	if err != nil {
		return nil, fmt.Errorf("store: carriers: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("store: carriers: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func scanSegment(row interface{ Scan(...any) error }) (*segment.Segment, error) {
	var sg segment.Segment
	var filter string
	var by sql.NullInt64
	var created, updated int64
	if err := row.Scan(&sg.ID, &sg.Name, &filter, &by, &created, &updated); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(filter), &sg.Filter); err != nil {
		return nil, fmt.Errorf("segment %d filter: %w", sg.ID, err)
	}
	sg.CreatedBy, sg.CreatedAt, sg.UpdatedAt = by.Int64, fromMS(created), fromMS(updated)
	return &sg, nil
}

const segmentColumns = "id, name, filter, created_by, created_at, updated_at"

// SaveSegment creates the segment (ID 0) or updates it; a name another
// segment has is ErrConflict.
func (s *Store) SaveSegment(ctx context.Context, sg *segment.Segment) error {
	filter, err := json.Marshal(sg.Filter)
	if err != nil {
		return fmt.Errorf("store: save segment: %w", err)
	}
	now := time.Now().UTC()
	var res sql.Result
	if sg.ID == 0 {
		res, err = insertRow(ctx, s.w, "INSERT INTO segments (name, filter, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
			sg.Name, string(filter), nullInt(sg.CreatedBy), toMS(now), toMS(now))
	} else {
		res, err = s.w.ExecContext(ctx, "UPDATE segments SET name = ?, filter = ?, updated_at = ? WHERE id = ?", sg.Name, string(filter), toMS(now), sg.ID)
	}
	if isUnique(err) {
		return fmt.Errorf("store: save segment %q: %w", sg.Name, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: save segment: %w", err)
	}
	if sg.ID == 0 {
		sg.ID, _ = res.LastInsertId()
		sg.CreatedAt = now
	} else if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: save segment %d: %w", sg.ID, ErrNotFound)
	}
	sg.UpdatedAt = now
	return nil
}

// SegmentByID returns one segment or ErrNotFound.
func (s *Store) SegmentByID(ctx context.Context, id int64) (*segment.Segment, error) {
	sg, err := scanSegment(s.r.QueryRowContext(ctx, "SELECT "+segmentColumns+" FROM segments WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: segment %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: segment %d: %w", id, err)
	}
	return sg, nil
}

// Segments returns every segment by name.
func (s *Store) Segments(ctx context.Context) ([]*segment.Segment, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+segmentColumns+" FROM segments ORDER BY name COLLATE NOCASE")
	if err != nil {
		return nil, fmt.Errorf("store: segments: %w", err)
	}
	defer rows.Close()
	var out []*segment.Segment
	for rows.Next() {
		sg, err := scanSegment(rows)
		if err != nil {
			return nil, fmt.Errorf("store: segments: %w", err)
		}
		out = append(out, sg)
	}
	return out, rows.Err()
}

// DeleteSegment removes a segment. Campaigns that had it as audience
// keep their frozen list (or, as drafts, have no audience any more).
func (s *Store) DeleteSegment(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, "DELETE FROM segments WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete segment %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: delete segment %d: %w", id, ErrNotFound)
	}
	return nil
}

// KnownLists returns the ready lists people imported, by id, for checking
// segment rules.
func (s *Store) KnownLists(ctx context.Context) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT id, name FROM lists WHERE state = 'ready' AND kind = 'upload'")
	if err != nil {
		return nil, fmt.Errorf("store: known lists: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, fmt.Errorf("store: known lists: %w", err)
		}
		out[id] = name
	}
	return out, rows.Err()
}
