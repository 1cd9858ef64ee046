package store

import (
	"io/fs"
	"slices"
	"testing"
)

// The PostgreSQL migrations are the SQLite ones' twins: the same numbers
// and names, so a database of either engine at version N has the same
// tables.
func TestMigrationsInStep(t *testing.T) {
	names := func(dir string) []string {
		t.Helper()
		entries, err := fs.ReadDir(migrationFS, dir)
		if err != nil {
			t.Fatalf("read %s: %v", dir, err)
		}
		var out []string
		for _, e := range entries {
			out = append(out, e.Name())
		}
		return out
	}
	sqlite, pg := names("migrations"), names("migrations_pg")
	for _, n := range sqlite {
		if !slices.Contains(pg, n) {
			t.Errorf("migrations_pg lacks %s (every SQLite migration needs its PostgreSQL twin)", n)
		}
	}
	for _, n := range pg {
		if !slices.Contains(sqlite, n) {
			t.Errorf("migrations lacks %s (every PostgreSQL migration needs its SQLite twin)", n)
		}
	}
}
