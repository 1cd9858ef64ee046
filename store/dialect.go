package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/mattn/go-sqlite3"
)

// The store speaks one SQL, written for SQLite with `?` placeholders, to
// two engines. For PostgreSQL, the connections the store opens go through
// pgConn, which rewrites each statement's placeholders to `$n` once per
// statement text (rebind, cached) and passes booleans as 0/1 (the schema
// keeps SQLite's integer flags). The few constructs that differ between
// the engines are chosen in Go beside each other (s.pg), never by
// rewriting SQL text beyond the placeholders.

// pgConnector opens pgx connections wrapped in pgConn.
type pgConnector struct{ inner driver.Connector }

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: cn.(*stdlib.Conn)}, nil
}

func (c pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a pgx connection that accepts the store's SQLite-style
// placeholders. Every other method is pgx's own.
type pgConn struct{ *stdlib.Conn }

func (c *pgConn) Prepare(q string) (driver.Stmt, error) { return c.Conn.Prepare(rebind(q)) }

func (c *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(q))
}

func (c *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(q), args)
}

func (c *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(q), args)
}

// CheckNamedValue passes booleans as integers: flags are INTEGER columns
// in both schemas, and SQLite's driver does the same.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		if b {
			nv.Value = int64(1)
		} else {
			nv.Value = int64(0)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}

// rebound caches rebind's answers by statement text. Statements built
// with a variable number of placeholders would grow it without end, so
// it stops caching new texts past rebindCacheMax (rebinding is cheap;
// the cache only saves repeating it for the hot statements).
var (
	rebound      sync.Map
	reboundCount int
	reboundMu    sync.Mutex
)

const rebindCacheMax = 4096

// rebind rewrites SQLite placeholders to PostgreSQL's: `?` becomes the
// next `$n`, `?N` becomes `$N` (SQLite numbers a bare `?` after the
// largest number used so far, and so does rebind). Placeholders inside
// string literals, quoted names, comments and dollar-quoted bodies are
// left alone.
func rebind(q string) string {
	if v, ok := rebound.Load(q); ok {
		return v.(string)
	}
	out := dropHints(rebindText(q))
	reboundMu.Lock()
	if reboundCount < rebindCacheMax {
		if _, loaded := rebound.LoadOrStore(q, out); !loaded {
			reboundCount++
		}
	}
	reboundMu.Unlock()
	return out
}

func rebindText(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(q) && q[j] != c {
				j++
			}
			b.WriteString(q[i:min(j+1, len(q))])
			i = j
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j - 1
		case c == '$' && i+1 < len(q) && (q[i+1] == '$' || isIdentStart(q[i+1])):
			// A dollar-quoted body ($$ ... $$ or $tag$ ... $tag$).
			k := i + 1
			for k < len(q) && q[k] != '$' && isIdentPart(q[k]) {
				k++
			}
			if k >= len(q) || q[k] != '$' {
				b.WriteByte(c)
				continue
			}
			tag := q[i : k+1]
			end := strings.Index(q[k+1:], tag)
			if end < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			stop := k + 1 + end + len(tag)
			b.WriteString(q[i:stop])
			i = stop - 1
		case c == '?':
			j := i + 1
			for j < len(q) && q[j] >= '0' && q[j] <= '9' {
				j++
			}
			if j > i+1 {
				num, _ := strconv.Atoi(q[i+1 : j])
				n = max(n, num)
				b.WriteString("$" + q[i+1:j])
				i = j - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// A few differences are words, translated with the placeholders: SQLite's
// planner hints (INDEXED BY name, NOT INDEXED) say which index a query
// must use, and PostgreSQL's planner takes none, so they are dropped; and
// SQLite's LIKE ignores case, which in PostgreSQL is ILIKE; and the
// store's CROSS JOINs all have an ON (SQLite's way of fixing the join
// order), which PostgreSQL spells JOIN. None of these words appears
// inside the store's literals.
var (
	sqliteHints = regexp.MustCompile(`\s+(?:NOT\s+INDEXED|INDEXED\s+BY\s+\w+)\b`)
	sqliteLike  = regexp.MustCompile(`\bLIKE\b`)
	// SQLite's CROSS JOIN ... ON is an inner join in a fixed order.
	sqliteCross = regexp.MustCompile(`\bCROSS JOIN\b`)
)

func dropHints(q string) string {
	if strings.Contains(q, "INDEXED") {
		q = sqliteHints.ReplaceAllString(q, "")
	}
	if strings.Contains(q, "CROSS JOIN") {
		q = sqliteCross.ReplaceAllString(q, "JOIN")
	}
	if strings.Contains(q, "LIKE") {
		q = sqliteLike.ReplaceAllString(q, "ILIKE")
	}
	return q
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentPart(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// openPostgresPool opens a pool of wrapped pgx connections to url;
// readOnly makes every transaction on it read-only, as SQLite's readers
// are query-only.
func openPostgresPool(url string, readOnly bool) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("store: parse database URL: %w", err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["timezone"] = "UTC"
	if readOnly {
		cfg.RuntimeParams["default_transaction_read_only"] = "on"
	}
	return sql.OpenDB(pgConnector{inner: stdlib.GetConnector(*cfg)}), nil
}

// queryer is a *sql.DB or a *sql.Tx.
type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

// insertResult is what insertRow returns: the id of the row it inserted
// and whether it inserted one.
type insertResult struct{ id, n int64 }

func (r insertResult) LastInsertId() (int64, error) { return r.id, nil }
func (r insertResult) RowsAffected() (int64, error) { return r.n, nil }

// insertRow runs an INSERT of at most one row into a table keyed by id
// with RETURNING id, which both engines know (pgx has no LastInsertId),
// and answers as Exec would: LastInsertId is the new row's id,
// RowsAffected 0 when the insert did nothing (ON CONFLICT DO NOTHING, an
// INSERT ... SELECT that found nothing).
func insertRow(ctx context.Context, ex queryer, q string, args ...any) (sql.Result, error) {
	rows, err := ex.QueryContext(ctx, q+" RETURNING id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var r insertResult
	for rows.Next() {
		if err := rows.Scan(&r.id); err != nil {
			return nil, err
		}
		r.n++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return r, rows.Close()
}

// isUnique reports whether err is a UNIQUE constraint failure (in
// PostgreSQL, any uniqueness failure).
func isUnique(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// isPrimaryKey reports whether err is a PRIMARY KEY constraint failure
// (in PostgreSQL, any uniqueness failure: its code does not tell them
// apart).
func isPrimaryKey(err error) bool {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// last4 is the last four characters of a phone number, the key of
// recipient_numbers (the whole number when shorter).
func last4(phone string) string {
	if len(phone) <= 4 {
		return phone
	}
	return phone[len(phone)-4:]
}

// noLimit is the LIMIT value that means no limit: -1 in SQLite, NULL in
// PostgreSQL.
func (s *Store) noLimit() any {
	if s.pg {
		return nil
	}
	return -1
}

// storedProviderID is the provider's message id as the outbox keeps it:
// SQLite packs a UUID into its 16 bytes (compactProviderID); PostgreSQL
// keeps the text (its provider_id is TEXT, which holds no raw bytes).
func (s *Store) storedProviderID(id string) any {
	if s.pg {
		return id
	}
	return compactProviderID(id)
}

// jsonArrayValues is a subquery of the values of a JSON array of strings
// given as one parameter.
func (s *Store) jsonArrayValues() string {
	if s.pg {
		return "SELECT json_array_elements_text(?::json)"
	}
	return "SELECT value FROM json_each(?)"
}

// pgClaim is Claim's statement in PostgreSQL (same arguments): instances
// claim the same campaign at once, and each skips the rows another is
// claiming instead of waiting for them (FOR UPDATE SKIP LOCKED); the lock
// also re-reads each row's state, so no message is claimed twice.
const pgClaim = `WITH picked AS (
		SELECT id FROM messages WHERE id > $2 AND id <= $3 AND campaign_id = $4 AND state = 'queued'
		ORDER BY id LIMIT $5 FOR UPDATE SKIP LOCKED)
	UPDATE messages m SET state = 'submitting', claimed_at = $1, attempts = m.attempts + 1
	FROM picked WHERE m.id = picked.id
	RETURNING m.id, m.row, m.phone, m.variant`

// messageIDsLock is the advisory lock every insert into messages takes in
// PostgreSQL, until its transaction ends.
const messageIDsLock = 1901

// lockMessageIDs makes the ids of the messages tx inserts consecutive in
// PostgreSQL: a campaign's outbox is walked by id (first_message_id ..
// last_message_id), and with several instances writing, another
// instance's insert would otherwise draw ids from the sequence in the
// middle of a chunk. In SQLite the one writer already does this.
func (s *Store) lockMessageIDs(ctx context.Context, tx *sql.Tx) error {
	if !s.pg {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(?)", messageIDsLock)
	return err
}

// randomSeed is an SQL expression of a random non-negative integer:
// SQLite's random() is a 64-bit integer, PostgreSQL's a fraction.
func (s *Store) randomSeed() string {
	if s.pg {
		return "floor(random() * 4611686018427387903)::bigint"
	}
	return "abs(random() / 2)"
}
