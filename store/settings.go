package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Setting returns one stored setting or ErrNotFound.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: setting %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("store: setting %s: %w", key, err)
	}
	v, ok := s.seal.openValue(key, v)
	if !ok {
		return "", fmt.Errorf("store: setting %s sealed under another key: %w", key, ErrNotFound)
	}
	return v, nil
}

// Settings returns every stored setting.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT key, value FROM settings")
	if err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("store: settings: %w", err)
		}
		if v, ok := s.seal.openValue(k, v); ok {
			m[k] = v
		}
	}
	return m, rows.Err()
}

// SaveSettings writes several settings in one transaction; an empty value
// deletes the key so the environment default applies again.
func (s *Store) SaveSettings(ctx context.Context, kv map[string]string) error {
	now := toMS(time.Now())
	err := s.tx(ctx, func(tx *sql.Tx) error {
		for k, v := range kv {
			var err error
			if v == "" {
				_, err = tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ?", k)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
					ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, k, s.seal.sealValue(k, v), now)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save settings: %w", err)
	}
	return nil
}

// SettingOrCreate returns the setting, storing make() first if it is absent.
// It is how once-generated secrets (the webhook secret) are kept stable.
func (s *Store) SettingOrCreate(ctx context.Context, key string, make func() (string, error)) (string, error) {
	if v, err := s.Setting(ctx, key); err == nil {
		return v, nil
	} else if !errors.Is(err, ErrNotFound) {
		return "", err
	}
	v, err := make()
	if err != nil {
		return "", fmt.Errorf("store: create setting %s: %w", key, err)
	}
	if _, err := s.w.ExecContext(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", key, v, toMS(time.Now())); err != nil {
		return "", fmt.Errorf("store: create setting %s: %w", key, err)
	}
	var got string
	if err := s.w.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&got); err != nil {
		return "", fmt.Errorf("store: create setting %s: %w", key, err)
	}
	return got, nil
}
