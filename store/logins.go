package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoginWaits returns until when the failures under pairKey and addrKey
// hold tries back (zero when none), and when pairKey last signed in
// (zero when never).
func (s *Store) LoginWaits(ctx context.Context, pairKey, addrKey string) (pairUntil, addrUntil, knownAt time.Time, err error) {
	var p, a, k sql.NullInt64
	err = s.r.QueryRowContext(ctx, `SELECT
		(SELECT until_at FROM login_failures WHERE key = ?),
		(SELECT until_at FROM login_failures WHERE key = ?),
		(SELECT at FROM login_known WHERE key = ?)`, pairKey, addrKey, pairKey).Scan(&p, &a, &k)
	if err != nil {
		return time.Time{}, time.Time{}, time.Time{}, fmt.Errorf("store: login waits: %w", err)
	}
	return fromMS(p.Int64), fromMS(a.Int64), fromMS(k.Int64), nil
}

// LoginFailure is one count a failed try adds to.
type LoginFailure struct {
	Key string
	// Until returns the earliest next try after the count-th failure.
	Until func(count int) time.Time
}

// RecordLoginFailures adds a failure at now to each count, starting a
// count again when its last failure is before forgetBefore, in one
// transaction. Counts stale since forgetBefore are pruned, and past
// maxRows the oldest go, so the table stays bounded.
func (s *Store) RecordLoginFailures(ctx context.Context, now, forgetBefore time.Time, maxRows int, fs ...LoginFailure) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for _, f := range fs {
			var n int
			if err := tx.QueryRowContext(ctx, `INSERT INTO login_failures (key, count, last_at, until_at) VALUES (?, 1, ?, 0)
				ON CONFLICT (key) DO UPDATE SET
					count = CASE WHEN login_failures.last_at < ? THEN 1 ELSE login_failures.count + 1 END,
					until_at = CASE WHEN login_failures.last_at < ? THEN 0 ELSE login_failures.until_at END,
					last_at = excluded.last_at
				RETURNING count`, f.Key, toMS(now), toMS(forgetBefore), toMS(forgetBefore)).Scan(&n); err != nil {
				return err
			}
			if until := f.Until(n); until.After(now) {
				if _, err := tx.ExecContext(ctx, "UPDATE login_failures SET until_at = ? WHERE key = ?", toMS(until), f.Key); err != nil {
					return err
				}
			}
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE last_at < ? AND until_at < ?", toMS(forgetBefore), toMS(now)); err != nil {
			return err
		}
		return capRows(ctx, tx, "login_failures", "last_at", maxRows)
	})
	if err != nil {
		return fmt.Errorf("store: record login failure: %w", err)
	}
	return nil
}

// RecordLoginSuccess clears pairKey's failures and remembers it signed in
// at now; sign-ins from before knownSince are forgotten, and past maxRows
// the oldest.
func (s *Store) RecordLoginSuccess(ctx context.Context, pairKey string, now, knownSince time.Time, maxRows int) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_failures WHERE key = ?", pairKey); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_known (key, at) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET at = excluded.at`, pairKey, toMS(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM login_known WHERE at < ?", toMS(knownSince)); err != nil {
			return err
		}
		return capRows(ctx, tx, "login_known", "at", maxRows)
	})
	if err != nil {
		return fmt.Errorf("store: record sign-in: %w", err)
	}
	return nil
}

// capRows deletes the rows of table with the oldest column values beyond
// the newest max. table and column are constants of this package.
func capRows(ctx context.Context, tx *sql.Tx, table, column string, max int) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		return err
	}
	if n <= max {
		return nil
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE key IN (SELECT key FROM "+table+" ORDER BY "+column+" LIMIT ?)", n-max)
	return err
}

// LoginRows returns how many failure counts and known sign-ins are kept,
// for tests of the bound.
func (s *Store) LoginRows(ctx context.Context) (failures, known int, err error) {
	err = s.r.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM login_failures), (SELECT count(*) FROM login_known)").Scan(&failures, &known)
	if err != nil {
		return 0, 0, fmt.Errorf("store: login rows: %w", err)
	}
	return failures, known, nil
}
