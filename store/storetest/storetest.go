// Package storetest gives tests a migrated SQLite database in a temporary
// directory that is removed when the test ends.
package storetest

import (
	"path/filepath"
	"testing"

	"arauto/store"
)

// New opens a fresh, migrated store for t.
func New(t testing.TB) *store.Store {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), store.FileName))
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
