package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// Via says how a request proved who it is.
type Via string

// The ways of authenticating.
const (
	ViaSession  Via = "session"  // the swanwatch_session cookie
	ViaToken    Via = "token"    // Authorization: Bearer swt_...
	ViaBasic    Via = "basic"    // Authorization: Basic (curl -u, Grafana)
	ViaPassword Via = "password" // the login form or API, before a session exists
	ViaLink     Via = "link"     // a signed link in a message (one incident), on an open route
	ViaGateway  Via = "gateway"  // an SMS or voice gateway's callback, with its shared token
	viaNone     Via = "none"
)

// Principal is the authenticated user of a request.
type Principal struct {
	User string `json:"user"`
	Role Role   `json:"role"`
	Via  Via    `json:"via"`
	csrf string // for a session: the token state-changing requests must echo
}

type principalKey struct{}

type slotKey struct{}

// PrincipalFrom returns the principal the auth middleware put in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// WithPrincipal returns ctx carrying p, for code that acts on a user's behalf
// outside a request (and for tests of handlers behind the middleware).
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// TrackPrincipal lets a middleware that wraps auth from the outside (the audit
// log) learn who the request turned out to be: context values only flow inward,
// so the auth middleware and the login handler also write the principal into
// this slot. The returned func reads it after the inner handler ran.
func TrackPrincipal(ctx context.Context) (context.Context, func() (Principal, bool)) {
	var slot atomic.Pointer[Principal]
	get := func() (Principal, bool) {
		if p := slot.Load(); p != nil {
			return *p, true
		}
		return Principal{}, false
	}
	return context.WithValue(ctx, slotKey{}, &slot), get
}

// Vouch names who acted on an open route whose credential is its own (a
// signed link, a gateway's token): the audit trail records p for the request.
// Only such handlers call it, after checking that credential.
func Vouch(ctx context.Context, p Principal) { track(ctx, p) }

// track stores p in the slot of an outer TrackPrincipal, if any. It runs as soon
// as a request is authenticated, so a request then refused (role, CSRF) is still
// attributed to its user in the audit trail.
func track(ctx context.Context, p Principal) {
	if slot, ok := ctx.Value(slotKey{}).(*atomic.Pointer[Principal]); ok {
		slot.Store(&p)
	}
}

// csrfToken derives a session's CSRF token: one-way, so it can sit in a
// script-readable cookie without revealing the session ID.
func csrfToken(sessionID string) string {
	sum := sha256.Sum256([]byte("swanwatch-csrf\x00" + sessionID))
	return secretEncoding.EncodeToString(sum[:])
}

// sessionTouchEvery limits last_seen writes to one a minute per session.
const sessionTouchEvery = time.Minute

// sessionPrincipal validates a session ID: known, whole (not a login halfway
// through its steps), within both deadlines (the idle one by the user's role),
// user enabled. The role is read from the user row, so a role change applies
// at once.
func (s *Service) sessionPrincipal(ctx context.Context, id string) (Principal, error) {
	var uid, lastSeen, expires int64
	var disabled bool
	var stage string
	p := Principal{Via: ViaSession, csrf: csrfToken(id)}
	h := hashSecret(id)
	err := s.db.QueryRowContext(ctx, `SELECT s.user_id, s.last_seen, s.expires_at, s.stage, u.name, u.role,
		u.disabled FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, h).
		Scan(&uid, &lastSeen, &expires, &stage, &p.User, &p.Role, &disabled)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && stage != stageDone) {
		return p, rejected(ViaSession, "unknown", ErrSessionEnded)
	}
	if err != nil {
		return p, fmt.Errorf("load session: %w", err)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return p, err
	}
	now := s.now()
	if now.UnixMilli() >= expires || now.Sub(time.UnixMilli(lastSeen)) >= pol.idle(p.Role) {
		_ = s.Logout(ctx, id)
		return p, rejected(ViaSession, "expired", ErrSessionEnded)
	}
	if disabled {
		return p, rejected(ViaSession, "disabled", ErrSessionEnded)
	}
	if now.Sub(time.UnixMilli(lastSeen)) >= sessionTouchEvery {
		if _, err := s.db.ExecContext(ctx, "UPDATE sessions SET last_seen = ? WHERE id_hash = ?",
			now.UnixMilli(), h); err != nil {
			return p, fmt.Errorf("touch session: %w", err)
		}
	}
	return p, nil
}

// rejected counts a refused credential and returns err.
func rejected(via Via, reason string, err error) error {
	rejectCounter(via, reason).Inc()
	return err
}
