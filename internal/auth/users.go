package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// User is one account as listed for administrators. It never carries the hash.
type User struct {
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	Disabled    bool      `json:"disabled"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	Created     time.Time `json:"created"`
}

// AddUser creates a user. There is no default account: the first admin is made
// by `swanwatch user add`.
func (s *Service) AddUser(ctx context.Context, name string, role Role, password string) error {
	if err := s.checkNew(name, role, password); err != nil {
		return err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	now := s.now().UnixMilli()
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)`, name, string(role), h, now, now)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("add user %s: %w", name, ErrUserExists)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	s.event(ctx, "user.add", name, "success", "role="+string(role))
	return nil
}

func (s *Service) checkNew(name string, role Role, password string) error {
	if err := CheckUserName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("add user %s: unknown role %q", name, role)
	}
	return CheckPassword(name, password)
}

// SetPassword replaces a user's password, clears a lockout and ends the user's
// sessions (whoever held them must log in with the new password).
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	if err := CheckPassword(name, password); err != nil {
		return err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	err = s.updateUser(ctx, name, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0,
		updated_at = ? WHERE name = ?`, h, s.now().UnixMilli(), name)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	s.event(ctx, "user.password", name, "success", "")
	return nil
}

// DisableUser blocks a user's logins, sessions and tokens. The row stays: audit
// entries keep pointing at a real account.
func (s *Service) DisableUser(ctx context.Context, name string) error {
	err := s.updateUser(ctx, name, "UPDATE users SET disabled = 1, updated_at = ? WHERE name = ?",
		s.now().UnixMilli(), name)
	if err != nil {
		return fmt.Errorf("disable user %s: %w", name, err)
	}
	s.event(ctx, "user.disable", name, "success", "")
	return nil
}

// updateUser runs one UPDATE of a user row, then ends the user's sessions and
// forgets cached Basic credentials, all in one transaction.
func (s *Service) updateUser(ctx context.Context, name, query string, args ...any) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrNoUser, err)
	}
	if _, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?)`,
		name); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	s.basic.clear()
	return nil
}

// ListUsers returns every user, by name.
func (s *Service) ListUsers(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT name, role, disabled, locked_until, created_at FROM users ORDER BY name")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		var u User
		var locked, created int64
		if err := rows.Scan(&u.Name, &u.Role, &u.Disabled, &locked, &created); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.Created = time.UnixMilli(created)
		if locked > s.now().UnixMilli() {
			u.LockedUntil = time.UnixMilli(locked)
		}
		users = append(users, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// userRow is what a login needs of a user.
type userRow struct {
	id          int64
	name        string
	role        Role
	hash        string
	disabled    bool
	lockedUntil int64
}

func (s *Service) loadUser(ctx context.Context, name string) (userRow, error) {
	u := userRow{name: name}
	err := s.db.QueryRowContext(ctx, `SELECT id, role, password_hash, disabled, locked_until
		FROM users WHERE name = ?`, name).Scan(&u.id, &u.role, &u.hash, &u.disabled, &u.lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNoUser
	}
	if err != nil {
		return u, fmt.Errorf("load user %s: %w", name, err)
	}
	return u, nil
}
