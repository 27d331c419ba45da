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
	// TOTPEnrolled: a code was verified (only administrators enrol).
	TOTPEnrolled bool      `json:"totp_enrolled"`
	LastLogin    time.Time `json:"last_login,omitzero"` // zero: never logged in
	// PasswordExpires is the last change plus the policy's maximum age;
	// MustChange asks for a new password at the next login before that
	// (first login, a reset, raised to an administrator).
	PasswordExpires time.Time `json:"password_expires"`
	MustChange      bool      `json:"must_change_password"`
}

// AddUser creates a user. There is no default account: the first
// administrators are made by `swanwatch user add` at the console. Through the
// API (ServeAddUser) the system administrator creates ordinary accounts only,
// and they must change the password it gave them at their first login.
func (s *Service) AddUser(ctx context.Context, name string, role Role, password string) error {
	return s.addUser(ctx, name, role, password, false)
}

func (s *Service) addUser(ctx context.Context, name string, role Role, password string, mustChange bool) error {
	if err := s.checkNew(ctx, name, role, password); err != nil {
		return err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	now := s.now().UnixMilli()
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at,
		password_changed_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		name, string(role), h, now, now, now, mustChange)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return fmt.Errorf("add user %s: %w", name, ErrUserExists)
	}
	if err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	s.event(ctx, "user.add", name, "success", "role="+string(role))
	return nil
}

func (s *Service) checkNew(ctx context.Context, name string, role Role, password string) error {
	if err := CheckUserName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("add user %s: unknown role %q", name, role)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	return pol.check(name, role, password)
}

// SetPassword replaces a user's password at the console (`swanwatch user
// password`, the demo): policy and history apply, a lockout is cleared and the
// user's sessions end (whoever held them must log in with the new password).
func (s *Service) SetPassword(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, false, "user.password")
}

// ResetPassword is SetPassword by an administrator through the API: the user
// must choose a new password at the next login, which only they then know.
func (s *Service) ResetPassword(ctx context.Context, name, password string) error {
	return s.setPassword(ctx, name, password, true, "user.password_reset")
}

func (s *Service) setPassword(ctx context.Context, name, password string, mustChange bool, action string) error {
	u, err := s.loadUser(ctx, name)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	h, err := s.newHash(ctx, u, password)
	if err != nil {
		return err
	}
	now := s.now().UnixMilli()
	err = s.updateUser(ctx, name, `UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = 0,
		updated_at = ?, password_changed_at = ?, must_change_password = ? WHERE name = ?`,
		h, now, now, mustChange, name)
	if err != nil {
		return fmt.Errorf("set password of %s: %w", name, err)
	}
	s.event(ctx, action, name, "success", "")
	return nil
}

// ChangePassword is a user changing their own password: the old one first.
// It ends the user's other sessions too (updateUser ends them all; the
// caller logs in again with the new password).
func (s *Service) ChangePassword(ctx context.Context, name, old, password string) error {
	u, err := s.loadUser(ctx, name)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", name, err)
	}
	ok, err := s.verify(ctx, u.hash, old)
	if err != nil {
		return fmt.Errorf("change password of %s: %w", name, err)
	}
	if !ok {
		s.event(ctx, "user.password_change", name, "failure", "wrong old password")
		return ErrBadCredentials
	}
	return s.setPassword(ctx, name, password, false, "user.password_change")
}

// newHash checks password against the policy and the user's last passwords
// and hashes it; the old hash is kept in the history, trimmed to the policy's
// length.
func (s *Service) newHash(ctx context.Context, u userRow, password string) (string, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return "", err
	}
	if err := pol.check(u.name, u.role, password); err != nil {
		return "", err
	}
	if err := s.checkHistory(ctx, u, password, pol.History); err != nil {
		return "", err
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return "", fmt.Errorf("set password of %s: %w", u.name, err)
	}
	if err := s.retire(ctx, u, pol.History); err != nil {
		return "", err
	}
	return h, nil
}

// ErrPasswordReused refuses one of the user's last Policy.History passwords.
var ErrPasswordReused = &PolicyError{Reason: "password is one of the last ones used",
	Message: "新密码不能与最近使用过的密码相同"}

// checkHistory compares password with the current hash and the n-1 before it.
func (s *Service) checkHistory(ctx context.Context, u userRow, password string, n int) error {
	hashes := []string{u.hash}
	rows, err := s.db.QueryContext(ctx, `SELECT password_hash FROM password_history WHERE user_id = ?
		ORDER BY retired_at DESC, rowid DESC LIMIT ?`, u.id, max(0, n-1))
	if err != nil {
		return fmt.Errorf("password history of %s: %w", u.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			return fmt.Errorf("password history of %s: %w", u.name, err)
		}
		hashes = append(hashes, h)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("password history of %s: %w", u.name, err)
	}
	for _, h := range hashes {
		if ok, err := s.verify(ctx, h, password); err == nil && ok {
			return ErrPasswordReused
		}
	}
	return nil
}

// retire moves the current hash into the history and keeps the newest n-1.
func (s *Service) retire(ctx context.Context, u userRow, n int) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO password_history (user_id, password_hash, retired_at)
		VALUES (?, ?, ?)`, u.id, u.hash, s.now().UnixMilli())
	if err == nil {
		_, err = s.db.ExecContext(ctx, `DELETE FROM password_history WHERE user_id = ? AND rowid NOT IN
			(SELECT rowid FROM password_history WHERE user_id = ? ORDER BY retired_at DESC, rowid DESC LIMIT ?)`,
			u.id, u.id, max(0, n-1))
	}
	if err != nil {
		return fmt.Errorf("password history of %s: %w", u.name, err)
	}
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
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name, role, disabled, locked_until, created_at, totp_enrolled,
		last_login_at, password_changed_at, must_change_password FROM users ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var users []User
	for rows.Next() {
		var u User
		var locked, created, last, changed int64
		if err := rows.Scan(&u.Name, &u.Role, &u.Disabled, &locked, &created, &u.TOTPEnrolled, &last, &changed,
			&u.MustChange); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.Created = time.UnixMilli(created)
		if last > 0 {
			u.LastLogin = time.UnixMilli(last)
		}
		u.PasswordExpires = time.UnixMilli(changed).Add(time.Duration(pol.MaxAgeDays) * 24 * time.Hour)
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
	changedAt   int64 // password_changed_at, unix ms
	mustChange  bool
	totpSecret  string // sealed (totp.go)
	totpOK      bool   // enrolled: a code was verified
	lastLogin   int64
	lastAddr    string
	failedSince int
}

func (s *Service) loadUser(ctx context.Context, name string) (userRow, error) {
	u := userRow{name: name}
	err := s.db.QueryRowContext(ctx, `SELECT id, role, password_hash, disabled, locked_until,
		password_changed_at, must_change_password, totp_secret, totp_enrolled, last_login_at, last_login_addr,
		failed_since_login FROM users WHERE name = ?`, name).Scan(&u.id, &u.role, &u.hash, &u.disabled,
		&u.lockedUntil, &u.changedAt, &u.mustChange, &u.totpSecret, &u.totpOK, &u.lastLogin, &u.lastAddr,
		&u.failedSince)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNoUser
	}
	if err != nil {
		return u, fmt.Errorf("load user %s: %w", name, err)
	}
	return u, nil
}
