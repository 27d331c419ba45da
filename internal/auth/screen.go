package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"
)

// Screen tokens open the video wall (大屏) and nothing else. The wall runs
// unattended for weeks and must never show a login prompt, so a screen logs
// in once with a long-lived token in its URL (GET /wall/login) and then holds
// it in the swanwatch_screen cookie. Because that URL ends up in kiosk
// configurations and browser history, the token is worth as little as
// possible: it acts as a viewer, only for GET /wall/..., and is refused by
// every other route whichever way it is presented.
const (
	ScreenCookie = "swanwatch_screen"
	// ScreenAccount owns every screen token: a viewer whose password nobody
	// knows. Disabling it turns every screen off at once.
	ScreenAccount = "swanwatch-screens"
	// screenUserPrefix names a screen as a principal ("screen:大屏1"); the
	// colon is not allowed in user names, so it never collides with a user.
	screenUserPrefix = "screen:"
	wallPrefix       = "/wall"
)

// ViaScreen is a screen token, from the swanwatch_screen cookie or a bearer
// header on a wall request.
const ViaScreen Via = "screen"

var (
	// ErrScreenScope refuses a screen token outside GET /wall/....
	ErrScreenScope = errors.New("a screen token opens only the video wall (GET /wall/...)")
	// errScreenRefused is a wall request whose screen cookie no longer holds
	// (unknown, revoked, expired, not a screen token): the page gets a Chinese
	// 401 without a Basic challenge, so the browser shows no password dialog.
	errScreenRefused = fmt.Errorf("screen token refused: %w", ErrBadCredentials)
)

// CreateScreenToken makes a screen token named name (e.g. 大屏1) that lasts
// until revoked. The secret is returned once; only its SHA-256 is stored.
func (s *Service) CreateScreenToken(ctx context.Context, name string) (string, error) {
	if err := s.ensureScreenAccount(ctx); err != nil {
		return "", fmt.Errorf("create screen token %s: %w", name, err)
	}
	return s.createToken(ctx, ScreenAccount, name, 0, true)
}

// RevokeScreenToken ends a screen token; the screen is refused at its next
// request and its next heartbeat (ScreenStillValid).
func (s *Service) RevokeScreenToken(ctx context.Context, name string) error {
	return s.RevokeToken(ctx, ScreenAccount, name)
}

// ensureScreenAccount creates ScreenAccount as a viewer with a random password
// that is thrown away, so password logins to it fail like any wrong password.
func (s *Service) ensureScreenAccount(ctx context.Context) error {
	u, err := s.loadUser(ctx, ScreenAccount)
	if err == nil {
		if u.role != RoleViewer {
			return fmt.Errorf("account %s exists with role %s; screen tokens need it to be a viewer", ScreenAccount, u.role)
		}
		return nil
	}
	if !errors.Is(err, ErrNoUser) {
		return err
	}
	h, err := s.hash(ctx, newSecret())
	if err != nil {
		return fmt.Errorf("add %s: %w", ScreenAccount, err)
	}
	now := s.now().UnixMilli()
	_, err = s.db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`, ScreenAccount, string(RoleViewer), h, now, now)
	if err != nil {
		return fmt.Errorf("add %s: %w", ScreenAccount, err)
	}
	s.event(ctx, "user.add", ScreenAccount, "success", "role=viewer screens")
	return nil
}

// wallRead reports whether r is a read of the wall: GET or HEAD of /wall or
// below. The cleaned path is checked, so /wall/../api is not the wall.
func wallRead(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := path.Clean("/" + r.URL.Path)
	return p == wallPrefix || strings.HasPrefix(p, wallPrefix+"/")
}

// screenPrincipal is the principal of a valid screen token: the screen by
// name, at most a viewer whatever the owning account's role.
func screenPrincipal(t tokenRow) Principal {
	role := RoleViewer
	if !t.role.May(RoleViewer) {
		role = t.role // invalid: the middleware refuses it
	}
	return Principal{User: screenUserPrefix + t.name, Role: role, Via: ViaScreen}
}

// screenToken validates secret as a screen token. The reason of a refusal is
// returned for the audit trail (never the secret).
func (s *Service) screenToken(ctx context.Context, secret string) (Principal, string, error) {
	if err := checkToken(secret); err != nil {
		badInputCounter("screen_token").Inc()
		return Principal{Via: ViaScreen}, "malformed", rejected(ViaScreen, "malformed", errScreenRefused)
	}
	t, reason, err := s.validToken(ctx, secret, ViaScreen)
	switch {
	case errors.Is(err, ErrBadCredentials) && t.screen: // revoked, expired: name it in the audit trail
		return Principal{User: screenUserPrefix + t.name, Via: ViaScreen}, reason, errScreenRefused
	case errors.Is(err, ErrBadCredentials):
		return Principal{User: t.user, Via: ViaScreen}, reason, errScreenRefused
	case err != nil:
		return Principal{Via: ViaScreen}, "", err
	case !t.screen:
		// An ordinary API token in a wall URL would leak a credential that
		// opens the whole API: refuse it, so people make a screen token.
		return Principal{User: t.user, Via: ViaScreen}, "not_screen", rejected(ViaScreen, "not_screen", errScreenRefused)
	}
	return screenPrincipal(t), "", nil
}

// bearerPrincipal validates `Authorization: Bearer`: on a wall read a screen
// token is accepted as the screen; elsewhere only ordinary tokens are.
func (s *Service) bearerPrincipal(r *http.Request, secret string) (Principal, error) {
	if !wallRead(r) {
		return s.tokenPrincipal(r.Context(), secret)
	}
	t, _, err := s.validToken(r.Context(), secret, ViaToken)
	if err != nil {
		return Principal{Via: ViaToken}, err
	}
	if t.screen {
		return screenPrincipal(t), nil
	}
	return Principal{User: t.user, Role: t.role, Via: ViaToken}, nil
}

// screenCheckTimeout bounds one ScreenStillValid lookup.
const screenCheckTimeout = 5 * time.Second

// ScreenStillValid checks again the credentials that opened a wall request
// (the WebSocket upgrade, typically), so the hub can close a screen whose
// token was revoked — or whose user was disabled or session ended — at its
// next heartbeat. It may be called after the request's handler returned: the
// lookup does not depend on the request's context. errors.Is(err,
// ErrBadCredentials), ErrSessionEnded or ErrNoCredentials mean the
// credentials are gone; other errors are the state store's.
func (s *Service) ScreenStillValid(r *http.Request) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), screenCheckTimeout)
	defer cancel()
	p, err := s.authenticate(r.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("check screen credentials: %w", err)
	}
	if !p.Role.May(RoleViewer) {
		return fmt.Errorf("check screen credentials: role %q: %w", p.Role, ErrBadCredentials)
	}
	return nil
}

// RecheckScreen is ScreenStillValid as the wall's hub wants it: a revoked
// token (or a disabled user, an ended session) closes the screen, while a
// state store fault is not a revocation, so the wall keeps showing the city
// through it and the fault is logged.
func (s *Service) RecheckScreen(r *http.Request) error {
	err := s.ScreenStillValid(r)
	if err == nil || errors.Is(err, ErrBadCredentials) || errors.Is(err, ErrSessionEnded) ||
		errors.Is(err, ErrNoCredentials) {
		return err
	}
	s.log.Warn("cannot recheck a wall's screen token; keeping it open", "err", err)
	return nil
}

// SameOrigin lets a page open a WebSocket only from SwanWatch itself (its
// own host, or one of allowed, server.allowed_origins): another site an
// operator has open must not read the city's state through the operator's
// cookie.
func SameOrigin(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	if slices.Contains(allowed, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}
