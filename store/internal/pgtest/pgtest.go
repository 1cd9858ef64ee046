// Package pgtest gives store tests a PostgreSQL schema of their own when
// ARAUTO_TEST_DATABASE_URL names a database (scripts/pg-throwaway sets
// it): Schema creates a fresh schema and returns the URL that reaches it,
// and drops it when the test ends, so tests stay independent and may run
// in parallel. It does not import the store, so the store's own tests
// use it as storetest does.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the pgx driver, to make and drop schemas
)

// URLVariable names the PostgreSQL database the store tests use when set.
const URLVariable = "ARAUTO_TEST_DATABASE_URL"

// Enabled reports whether the tests run on PostgreSQL.
func Enabled() bool { return os.Getenv(URLVariable) != "" }

// SQLiteOnly skips t on PostgreSQL, saying why: what the test checks has
// no PostgreSQL counterpart, or is not ported yet. A verbose run lists
// every such test with its reason.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	if Enabled() {
		t.Skipf("SQLite only: %s", why)
	}
}

var (
	adminOnce sync.Once
	admin     *sql.DB
	adminErr  error
)

// Schema makes a fresh schema in the test database and returns the URL
// whose connections use it (search_path). Cleanups run last in, first
// out: register the store's Close after calling Schema, so the store is
// closed before its schema is dropped.
func Schema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(URLVariable)
	if base == "" {
		t.Fatalf("pgtest: %s is not set", URLVariable)
	}
	adminOnce.Do(func() { admin, adminErr = sql.Open("pgx", base) })
	if adminErr != nil {
		t.Fatalf("pgtest: %v", adminErr)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("pgtest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("pgtest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", URLVariable, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
