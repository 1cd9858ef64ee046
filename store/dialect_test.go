package store

import "testing"

func TestRebindForPostgreSQL(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"none", "SELECT 1", "SELECT 1"},
		{"in order", "SELECT a FROM t WHERE b = ? AND c IN (?, ?)", "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)"},
		{"numbered reused", "SELECT ?1, substr(?1, length(?1) - 3) LIMIT ?2", "SELECT $1, substr($1, length($1) - 3) LIMIT $2"},
		{"bare after numbered", "VALUES (?, ?, ?6), (?, ?6)", "VALUES ($1, $2, $6), ($7, $6)"},
		{"string literal", "SELECT '?' || ? WHERE x LIKE 'a?b'", "SELECT '?' || $1 WHERE x ILIKE 'a?b'"},
		{"quoted name", `SELECT "a?" FROM t WHERE b = ?`, `SELECT "a?" FROM t WHERE b = $1`},
		{"comment", "SELECT ? -- is it? yes\n, ?", "SELECT $1 -- is it? yes\n, $2"},
		{"dollar body", "CREATE FUNCTION f() AS $$ SELECT '?' $$; SELECT ?", "CREATE FUNCTION f() AS $$ SELECT '?' $$; SELECT $1"},
		{"tagged dollar body", "DO $x$ BEGIN PERFORM ?; END $x$", "DO $x$ BEGIN PERFORM ?; END $x$"},
		{"positional already", "SELECT $1", "SELECT $1"},
		{"hints dropped", "SELECT id FROM messages NOT INDEXED WHERE id > ? UNION SELECT id FROM events INDEXED BY events_fresh",
			"SELECT id FROM messages WHERE id > $1 UNION SELECT id FROM events"},
		{"cross join with on", "FROM a CROSS JOIN b ON b.x = a.x", "FROM a JOIN b ON b.x = a.x"},
		{"ILIKE untouched", "WHERE a ILIKE ?", "WHERE a ILIKE $1"},
	}
	for _, tt := range tests {
		if got := rebind(tt.in); got != tt.want {
			t.Errorf("%s: rebind(%q)\n got %q\nwant %q", tt.name, tt.in, got, tt.want)
		}
		// The cached answer is the same.
		if got := rebind(tt.in); got != tt.want {
			t.Errorf("%s: cached rebind got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestLast4(t *testing.T) {
	for in, want := range map[string]string{"5511987654321": "4321", "4321": "4321", "21": "21", "": ""} {
		if got := last4(in); got != want {
			t.Errorf("last4(%q) got %q, want %q", in, got, want)
		}
	}
}
