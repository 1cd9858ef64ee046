// Package storetest gives tests a fresh, migrated store that is removed
// when the test ends: SQLite in a temporary directory, or, when
// ARAUTO_TEST_DATABASE_URL names a PostgreSQL database
// (scripts/pg-throwaway sets it), a schema of its own in that database.
package storetest

import (
	"path/filepath"
	"testing"

	"arauto/store"
	"arauto/store/internal/pgtest"
)

// Postgres reports whether the tests run on PostgreSQL.
func Postgres() bool { return pgtest.Enabled() }

// SQLiteOnly skips t on PostgreSQL, saying why: what the test checks has
// no PostgreSQL counterpart, or is not ported yet. A verbose run lists
// every such test with its reason.
func SQLiteOnly(t testing.TB, why string) {
	t.Helper()
	pgtest.SQLiteOnly(t, why)
}

// New opens a fresh, migrated store for t.
func New(t testing.TB) *store.Store {
	t.Helper()
	if pgtest.Enabled() {
		s, _ := NewPostgres(t)
		return s
	}
	s, err := store.Open(filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// NewPostgres opens a store on a fresh PostgreSQL schema and returns it
// with the URL of that schema, so a test can open a second store on the
// same database (a second instance). It fails t unless
// ARAUTO_TEST_DATABASE_URL is set.
func NewPostgres(t testing.TB) (*store.Store, string) {
	t.Helper()
	u := pgtest.Schema(t)
	s, err := store.OpenPostgres(u)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, u
}

// PostgresSchema makes a fresh, empty schema in the test database and
// returns its URL, for a console process under test to open and migrate
// (ARAUTO_DATABASE_URL); it is dropped when t ends. It fails t unless
// ARAUTO_TEST_DATABASE_URL is set.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	return pgtest.Schema(t)
}
