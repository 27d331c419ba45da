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

// sessionPrincipal validates a session ID: known, within both deadlines, user
// enabled. The role is read from the user row, so a role change applies at once.
func (s *Service) sessionPrincipal(ctx context.Context, id string) (Principal, error) {
	var uid, lastSeen, expires int64
	var disabled bool
	p := Principal{Via: ViaSession, csrf: csrfToken(id)}
	h := hashSecret(id)
	err := s.db.QueryRowContext(ctx, `SELECT s.user_id, s.last_seen, s.expires_at, u.name, u.role, u.disabled
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?`, h).
		Scan(&uid, &lastSeen, &expires, &p.User, &p.Role, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return p, rejected(ViaSession, "unknown", ErrSessionEnded)
	}
	if err != nil {
		return p, fmt.Errorf("load session: %w", err)
	}
	now := s.now()
	if now.UnixMilli() >= expires || now.Sub(time.UnixMilli(lastSeen)) >= s.opts.IdleTimeout {
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

// Role is what a user may do. Roles are ordered: each includes the ones below it.
type Role string

// The roles, lowest first.
const (
	// RoleSupervisor is the supervising authority's (监管) read-only access to
	// the cloud's data interface (/api/cloud/v1/...) and nothing else: it sits
	// below viewer, so every other route (pages, PromQL, incidents, the wall)
	// refuses it, while every other role also opens the cloud API.
	RoleSupervisor Role = "supervisor"
	RoleViewer     Role = "viewer"   // reads dashboards, queries, reports
	RoleOperator   Role = "operator" // also acknowledges incidents, silences, maintenance
	RoleAdmin      Role = "admin"    // also manages users, tokens, configuration, audit
)

// rank orders the roles; 0 is no valid role.
func (r Role) rank() int {
	switch r {
	case RoleSupervisor:
		return 1
	case RoleViewer:
		return 2
	case RoleOperator:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Allows reports whether r is at least min. An invalid role allows nothing.
func (r Role) Allows(min Role) bool {
	return r.rank() > 0 && min.rank() > 0 && r.rank() >= min.rank()
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// ParseRole parses a role name as written in the CLI, API and database.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q: want supervisor, viewer, operator or admin", s)
	}
	return r, nil
}

// Label is the role's name on Chinese pages.
func (r Role) Label() string {
	switch r {
	case RoleSupervisor:
		return "监管用户"
	case RoleViewer:
		return "只读用户"
	case RoleOperator:
		return "运维人员"
	case RoleAdmin:
		return "系统管理员"
	}
	return "未知角色"
}
