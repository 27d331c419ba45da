package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TokenPrefix marks SwanWatch API tokens, so secret scanners and people
// recognise a leaked one.
const TokenPrefix = "swt_"

// Token is an API token as listed; the secret is shown only once, at creation.
type Token struct {
	User     string    `json:"user"`
	Name     string    `json:"name"`
	Created  time.Time `json:"created"`
	Expires  time.Time `json:"expires,omitzero"` // zero: never
	LastUsed time.Time `json:"last_used,omitzero"`
}

// CreateToken makes an API token for user, acting with the user's role. A ttl
// of zero or less makes a token that lasts until revoked. Only the token's
// SHA-256 is stored.
func (s *Service) CreateToken(ctx context.Context, user, tokenName string, ttl time.Duration) (string, error) {
	return s.createToken(ctx, user, tokenName, ttl, false)
}

func (s *Service) createToken(ctx context.Context, user, tokenName string, ttl time.Duration, screen bool) (string, error) {
	if err := CheckUserName(tokenName); err != nil {
		return "", fmt.Errorf("create token: name: %w", err)
	}
	u, err := s.loadUser(ctx, user)
	if err != nil {
		return "", fmt.Errorf("create token for %s: %w", user, err)
	}
	secret := TokenPrefix + newSecret()
	now := s.now()
	var exp int64
	if ttl > 0 {
		exp = now.Add(ttl).UnixMilli()
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, created_at, expires_at, screen)
		VALUES (?, ?, ?, ?, ?, ?)`, u.id, tokenName, hashSecret(secret), now.UnixMilli(), exp, screen)
	if err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") {
		return "", fmt.Errorf("create token %s for %s: %w", tokenName, user, ErrTokenExists)
	}
	if err != nil {
		return "", fmt.Errorf("create token %s for %s: %w", tokenName, user, err)
	}
	detail := "ttl=" + ttl.String()
	if screen {
		detail += " screen"
	}
	s.event(ctx, "token.create", user+"/"+tokenName, "success", detail)
	return secret, nil
}

// RevokeToken ends a user's active token of that name at once.
func (s *Service) RevokeToken(ctx context.Context, user, tokenName string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = ?
		WHERE revoked_at = 0 AND name = ? AND user_id = (SELECT id FROM users WHERE name = ?)`,
		s.now().UnixMilli(), tokenName, user)
	if err != nil {
		return fmt.Errorf("revoke token %s of %s: %w", tokenName, user, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("revoke token %s of %s: %w", tokenName, user, errors.Join(ErrNoToken, err))
	}
	s.event(ctx, "token.revoke", user+"/"+tokenName, "success", "")
	return nil
}

// ListTokens lists active tokens of user, or of everyone when user is empty.
func (s *Service) ListTokens(ctx context.Context, user string) ([]Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.name, t.name, t.created_at, t.expires_at, t.last_used
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.revoked_at = 0 AND (? = '' OR u.name = ?) ORDER BY u.name, t.name`, user, user)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	tokens := []Token{}
	for rows.Next() {
		var t Token
		var created, exp, used int64
		if err := rows.Scan(&t.User, &t.Name, &created, &exp, &used); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		t.Created, t.Expires, t.LastUsed = time.UnixMilli(created), unixMilliOrZero(exp), unixMilliOrZero(used)
		tokens = append(tokens, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return tokens, nil
}

func unixMilliOrZero(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// tokenRow is what validating a token reads of it and its user.
type tokenRow struct {
	id, expires, revoked, lastUsed int64
	user, name                     string
	role                           Role
	disabled, screen               bool
}

// loadToken finds a token by its secret's hash. Unknown is ErrBadCredentials.
func (s *Service) loadToken(ctx context.Context, secret string) (tokenRow, error) {
	var t tokenRow
	err := s.db.QueryRowContext(ctx, `SELECT t.id, t.expires_at, t.revoked_at, t.last_used, t.name, t.screen,
		u.name, u.role, u.disabled FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?`,
		hashSecret(secret)).Scan(&t.id, &t.expires, &t.revoked, &t.lastUsed, &t.name, &t.screen,
		&t.user, &t.role, &t.disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrBadCredentials
	}
	if err != nil {
		return t, fmt.Errorf("load token: %w", err)
	}
	return t, nil
}

// refusal says why a known token may not be used now ("" when it may).
func (t tokenRow) refusal(now time.Time) string {
	switch {
	case t.revoked != 0:
		return "revoked"
	case t.expires != 0 && now.UnixMilli() >= t.expires:
		return "expired"
	case t.disabled:
		return "disabled"
	}
	return ""
}

// validToken validates a token: known, not revoked or expired, user enabled.
// Failures are counted under via with their reason; the reason is returned
// for the audit trail. last_used is written at most once a minute.
func (s *Service) validToken(ctx context.Context, secret string, via Via) (tokenRow, string, error) {
	t, err := s.loadToken(ctx, secret)
	if errors.Is(err, ErrBadCredentials) {
		return t, "unknown", rejected(via, "unknown", err)
	}
	if err != nil {
		return t, "", err
	}
	now := s.now()
	if reason := t.refusal(now); reason != "" {
		return t, reason, rejected(via, reason, ErrBadCredentials)
	}
	if now.Sub(time.UnixMilli(t.lastUsed)) >= sessionTouchEvery {
		if _, err := s.db.ExecContext(ctx, "UPDATE api_tokens SET last_used = ? WHERE id = ?",
			now.UnixMilli(), t.id); err != nil {
			return t, "", fmt.Errorf("touch token: %w", err)
		}
	}
	return t, "", nil
}

// tokenPrincipal validates a bearer token; it acts with the user's current
// role. A screen token is refused here: it opens the wall only (screenBearer).
func (s *Service) tokenPrincipal(ctx context.Context, secret string) (Principal, error) {
	t, _, err := s.validToken(ctx, secret, ViaToken)
	if err != nil {
		return Principal{Via: ViaToken}, err
	}
	if t.screen {
		return Principal{Via: ViaScreen}, rejected(ViaScreen, "scope", ErrScreenScope)
	}
	return Principal{User: t.user, Role: t.role, Via: ViaToken}, nil
}
