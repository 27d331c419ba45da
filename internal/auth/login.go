package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"
)

// Login checks a user's password and opens a session, for a user who needs
// nothing more (no second factor, password not expired): see LoginSteps.
// The session ends at the earlier of an absolute deadline (SessionTTL after
// login, not extended by use) and the policy's idle timeout without a
// request. The returned ID is the cookie value; only its SHA-256 is stored.
func (s *Service) Login(ctx context.Context, name, password, remoteAddr string) (string, time.Time, error) {
	res, err := s.loginSteps(ctx, loginRequest{User: name, Password: password}, "", remoteAddr)
	if err != nil {
		return "", time.Time{}, err
	}
	if res.stage != stageDone {
		_ = s.Logout(ctx, res.id)
		return "", time.Time{}, &StepError{Stage: res.stage}
	}
	return res.id, res.expires, nil
}

// insertSession stores a session; stage is "" for a whole one, else the step
// of the login still to come (such a session opens no route).
func (s *Service) insertSession(ctx context.Context, id string, uid int64, now, exp time.Time, remote, stage string) error {
	ms := now.UnixMilli()
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	// Expired sessions are swept here, at a login, so no goroutine is needed.
	_, err = s.db.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen <= ?",
		ms, now.Add(-pol.longestIdle()).UnixMilli())
	if err != nil {
		return fmt.Errorf("sweep sessions: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at,
		remote_addr, stage) VALUES (?, ?, ?, ?, ?, ?, ?)`, hashSecret(id), uid, ms, ms, exp.UnixMilli(), remote, stage)
	if err != nil {
		return fmt.Errorf("store session: %w", err)
	}
	return nil
}

// Logout ends a session. Ending an unknown or ended session is not an error.
func (s *Service) Logout(ctx context.Context, sessionID string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM sessions WHERE id_hash = ?", hashSecret(sessionID)); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// checkPassword verifies name and password with lockout, for a login or for
// HTTP Basic. Unknown names cost an argon2id run too, so timing does not tell
// which names exist; a disabled user gets the same error as a wrong password.
func (s *Service) checkPassword(ctx context.Context, name, password, remote string, via Via) (userRow, error) {
	u, err := s.loadUser(ctx, name)
	if errors.Is(err, ErrNoUser) {
		_, _ = s.verify(ctx, s.dummy(), password)
		return u, s.failed(ctx, u, remote, via, "unknown_user")
	}
	if err != nil {
		return u, err
	}
	if until := time.UnixMilli(u.lockedUntil); until.After(s.now()) {
		loginCounter(via, "locked").Inc()
		return u, &LockedError{Until: until}
	}
	ok, err := s.verify(ctx, u.hash, password)
	if err != nil {
		return u, fmt.Errorf("verify password of %s: %w", name, err)
	}
	if !ok {
		return u, s.countFailure(ctx, u, remote, via, "bad_password")
	}
	if u.disabled {
		return u, s.failed(ctx, u, remote, via, "disabled")
	}
	return u, s.succeeded(ctx, u, password, remote, via)
}

func (s *Service) verify(ctx context.Context, encoded, password string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	ok, _, err := verifyPassword(encoded, password)
	return ok, err
}

// failed records a refused attempt that does not count toward a lockout.
func (s *Service) failed(ctx context.Context, u userRow, remote string, via Via, reason string) error {
	loginCounter(via, "failure").Inc()
	s.loginEvent(ctx, u, remote, "failure", reason)
	s.log.Info("login refused", "user", u.name, "remote", remote, "via", via, "reason", reason)
	return ErrBadCredentials
}

// countFailure counts a wrong password (or TOTP code) and locks the user at
// the threshold. The increment is one statement, so concurrent guesses cannot
// undercount. The failures since the last login are shown at the next one.
func (s *Service) countFailure(ctx context.Context, u userRow, remote string, via Via, reason string) error {
	var n int
	err := s.db.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1,
		failed_since_login = failed_since_login + 1 WHERE id = ? RETURNING failed_logins`, u.id).Scan(&n)
	if err != nil {
		return fmt.Errorf("count failed login of %s: %w", u.name, err)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	threshold, duration := pol.lockout()
	if n < threshold {
		return s.failed(ctx, u, remote, via, reason)
	}
	until := s.now().Add(duration)
	_, err = s.db.ExecContext(ctx, "UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?",
		until.UnixMilli(), u.id)
	if err != nil {
		return fmt.Errorf("lock user %s: %w", u.name, err)
	}
	loginCounter(via, "locked").Inc()
	s.loginEvent(ctx, u, remote, "locked", fmt.Sprintf("%d failed logins", n))
	s.log.Warn("user locked after failed logins", "user", u.name, "remote", remote, "failures", n, "until", until)
	return &LockedError{Until: until}
}

// succeeded resets the failure count (Basic) and upgrades a hash made with old parameters.
func (s *Service) succeeded(ctx context.Context, u userRow, password, remote string, via Via) error {
	// A login resets the count when its last step is done (recordLogin):
	// a right password followed by wrong TOTP codes must still lock.
	if via == ViaBasic {
		if _, err := s.db.ExecContext(ctx, "UPDATE users SET failed_logins = 0 WHERE id = ? AND failed_logins != 0",
			u.id); err != nil {
			return fmt.Errorf("reset failed logins of %s: %w", u.name, err)
		}
	}
	s.rehashIfOld(ctx, u, password)
	loginCounter(via, "success").Inc()
	// A Basic client (Grafana) re-verifies every cache period: auditing each
	// would bury the trail. Its failures and lockouts are audited. A login
	// is audited when its last step is done (or a step fails).
	return nil
}

func (s *Service) rehashIfOld(ctx context.Context, u userRow, password string) {
	p, _, _, err := decodeHash(u.hash)
	if err != nil || p == s.opts.Argon2 {
		return
	}
	h, err := s.hash(ctx, password)
	if err == nil {
		_, err = s.db.ExecContext(ctx, "UPDATE users SET password_hash = ? WHERE id = ?", h, u.id)
	}
	if err != nil {
		s.log.Warn("upgrade password hash", "user", u.name, "err", err)
	}
}

// secretBytes of randomness in session IDs and API tokens: 256 bits, so a
// plain SHA-256 is enough to store them (no guessing, no need for a slow KDF).
const secretBytes = 32

var secretEncoding = base64.RawURLEncoding

func newSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux ≥ 3.17 (Go 1.24+ panics instead)
	return secretEncoding.EncodeToString(b)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
