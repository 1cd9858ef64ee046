package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"arauto/internal/user"
)

// ErrLastAdmin is returned when a change would leave no active admin, which
// would lock everyone out of users and settings.
var ErrLastAdmin = errors.New("store: would leave no active admin")

const userColumns = `id, email, name, password_hash, role, lang, disabled, session_epoch, created_at, last_login_at, time_zone`

// userColumnsOf is userColumns qualified by a table alias, for joins.
func userColumnsOf(alias string) string {
	cols := strings.Split(userColumns, ", ")
	for i, c := range cols {
		cols[i] = alias + "." + c
	}
	return strings.Join(cols, ", ")
}

func scanUser(row interface{ Scan(...any) error }) (*user.User, error) {
	var u user.User
	var role string
	var created, lastLogin int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &role, &u.Lang, &u.Disabled, &u.SessionEpoch, &created, &lastLogin, &u.TimeZone); err != nil {
		return nil, err
	}
	u.Role = user.Role(role)
	u.CreatedAt, u.LastLoginAt = fromMS(created), fromMS(lastLogin)
	return &u, nil
}

// CountUsers returns how many users exist, disabled ones included.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count users: %w", err)
	}
	return n, nil
}

// CreateUser inserts u and sets its ID. A taken e-mail is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u *user.User) error {
	return s.insertUser(ctx, u, false)
}

// CreateFirstAdmin inserts u only if there are no users yet, so two browsers
// racing through the setup page cannot both become admin. It returns
// ErrConflict when someone was first.
func (s *Store) CreateFirstAdmin(ctx context.Context, u *user.User) error {
	u.Role = user.Admin
	return s.insertUser(ctx, u, true)
}

func (s *Store) insertUser(ctx context.Context, u *user.User, onlyFirst bool) error {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if u.Lang == "" {
		u.Lang = "pt-BR"
	}
	q := `INSERT INTO users (email, name, password_hash, role, lang, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`
	if onlyFirst {
		q = `INSERT INTO users (email, name, password_hash, role, lang, disabled, created_at)
			SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users)`
	}
	res, err := insertRow(ctx, s.w, q, u.Email, u.Name, u.PasswordHash, string(u.Role), u.Lang, u.Disabled, toMS(u.CreatedAt))
	if isUnique(err) {
		return fmt.Errorf("store: create user %s: %w", u.Email, ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: create user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: create first admin: users exist: %w", ErrConflict)
	}
	u.ID, _ = res.LastInsertId()
	u.SessionEpoch = 1
	return nil
}

// UserByID returns one user or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (*user.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: user %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail returns the user with that (case-insensitive) e-mail or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (*user.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", email))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: user by email: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: user by email: %w", err)
	}
	return u, nil
}

// ListUsers returns every user, by e-mail.
func (s *Store) ListUsers(ctx context.Context) ([]*user.User, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+userColumns+" FROM users ORDER BY email")
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var us []*user.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list users: %w", err)
		}
		us = append(us, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	return us, nil
}

// updateUser runs one UPDATE on user id inside a transaction and then checks
// that at least one active admin remains.
func (s *Store) updateUser(ctx context.Context, op string, id int64, q string, args ...any) error {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, append(args, id)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		var admins int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").Scan(&admins); err != nil {
			return err
		}
		if admins == 0 {
			return ErrLastAdmin
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: %s user %d: %w", op, id, err)
	}
	return nil
}

// SetUserRole changes a user's role.
func (s *Store) SetUserRole(ctx context.Context, id int64, r user.Role) error {
	return s.updateUser(ctx, "set role of", id, "UPDATE users SET role = ? WHERE id = ?", string(r))
}

// SetUserDisabled disables or re-enables a user; disabling ends their sessions.
func (s *Store) SetUserDisabled(ctx context.Context, id int64, disabled bool) error {
	return s.updateUser(ctx, "disable", id, "UPDATE users SET disabled = ?, session_epoch = session_epoch + 1 WHERE id = ?", disabled)
}

// SetUserPassword replaces a password hash and ends the user's other sessions.
// It returns the new session epoch so the caller can keep its own session.
func (s *Store) SetUserPassword(ctx context.Context, id int64, hash []byte) (int64, error) {
	if err := s.updateUser(ctx, "set password of", id, "UPDATE users SET password_hash = ?, session_epoch = session_epoch + 1 WHERE id = ?", hash); err != nil {
		return 0, err
	}
	var epoch int64
	if err := s.w.QueryRowContext(ctx, "SELECT session_epoch FROM users WHERE id = ?", id).Scan(&epoch); err != nil {
		return 0, fmt.Errorf("store: read session epoch: %w", err)
	}
	return epoch, nil
}

// SetUserLang stores the language a user chose.
func (s *Store) SetUserLang(ctx context.Context, id int64, lang string) error {
	return s.updateUser(ctx, "set language of", id, "UPDATE users SET lang = ? WHERE id = ?", lang)
}

// SetUserTimeZone stores the zone a user reads times in; "" returns them
// to the organisation's zone.
func (s *Store) SetUserTimeZone(ctx context.Context, id int64, zone string) error {
	return s.updateUser(ctx, "set time zone of", id, "UPDATE users SET time_zone = ? WHERE id = ?", zone)
}

// TouchLogin records a successful sign-in.
func (s *Store) TouchLogin(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.w.ExecContext(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", toMS(at), id); err != nil {
		return fmt.Errorf("store: touch login %d: %w", id, err)
	}
	return nil
}
