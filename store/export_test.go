package store

import (
	"context"
	"database/sql"
)

// ExecForTest runs a statement on the writer, for tests that need to set
// up rows no public method writes.
func (s *Store) ExecForTest(ctx context.Context, q string, args ...any) error {
	_, err := s.w.ExecContext(ctx, q, args...)
	return err
}

// QueryRowForTest reads one row, for tests.
func (s *Store) QueryRowForTest(ctx context.Context, q string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, q, args...)
}

// CountInPartsForTest makes every count that reads the whole book split
// into parts, however small the book, until the test ends.
func CountInPartsForTest(t interface{ Cleanup(func()) }, parts int) {
	t.Cleanup(SetCountPartsForTest(parts, 1))
}

// SetCountPartsForTest sets how many parts a count that reads the whole
// book is split into, and from how many rows a part; it returns what puts
// them back.
func SetCountPartsForTest(parts int, minRows int64) (restore func()) {
	oldParts, oldMin := countParts, minRowsPerPart
	countParts, minRowsPerPart = parts, minRows
	return func() { countParts, minRowsPerPart = oldParts, oldMin }
}
