// Package auth owns who may use SwanWatch: users and their roles — since MLPS
// level 3 (等保三级 三员分立) three separated administrators, sysadmin, secadmin
// and auditor, and a permission table instead of an order of roles (roles.go)
// —, argon2id password hashes and the password policy the secadmin edits
// (classes, history, expiry), TOTP for the administrators (totp.go, steps.go),
// login sessions with lockout and the last login shown, API tokens,
// and the HTTP middleware that turns a session cookie, a bearer token or HTTP Basic
// credentials into a Principal in the request context. It also serves the login
// page and the login, logout, whoami and token-management API, and the video
// wall's screen tokens: GET /wall/login and the swanwatch_screen cookie.
//
// Security events (failed logins, lockouts, user and token changes) go to an
// Auditor; package audit implements it, so auth imports no audit code.
package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Options configure a Service. Zero values take the documented defaults.
type Options struct {
	SessionTTL       time.Duration // absolute session lifetime; default 12h
	IdleTimeout      time.Duration // a session unused this long ends; default 30m, administrators' at most 15m (until a policy is saved)
	LockoutThreshold int           // consecutive failed logins (or TOTP codes) that lock a user; default 5, until a policy is saved
	LockoutDuration  time.Duration // how long the lock lasts; default 5m, until a policy is saved
	BasicCacheTTL    time.Duration // how long a verified Basic credential is trusted; default 1m
	Argon2           Argon2Params  // zero: DefaultArgon2
	Logger           *slog.Logger
	Now              func() time.Time // for tests; default time.Now
	Audit            Auditor          // receives security events; optional
	SecureCookies    bool             // mark cookies Secure even over plain HTTP (TLS ends at a proxy)
	// Sealer wraps TOTP secrets at rest (SM4 under a key file, internal/secret);
	// nil stores them as "plain:<base32>", readable once a Sealer is set.
	Sealer Sealer
}

func (o *Options) defaults() {
	o.SessionTTL = cmp(o.SessionTTL, 12*time.Hour)
	o.IdleTimeout = cmp(o.IdleTimeout, 30*time.Minute)
	o.LockoutDuration = cmp(o.LockoutDuration, 5*time.Minute)
	o.BasicCacheTTL = cmp(o.BasicCacheTTL, time.Minute)
	if o.LockoutThreshold <= 0 {
		o.LockoutThreshold = 5
	}
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Audit == nil {
		o.Audit = nopAuditor{}
	}
}

func cmp(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Service authenticates users against the state database.
type Service struct {
	db    *sql.DB
	opts  Options
	log   *slog.Logger
	basic *basicCache
	// hashSem bounds concurrent argon2id runs: each takes Argon2.Memory, and
	// unauthenticated clients can trigger them.
	hashSem chan struct{}

	dummyOnce sync.Once
	dummyHash string // verified for unknown users so they cost the same time
}

// New returns a Service on db. It starts no goroutines.
func New(db *statestore.DB, opts Options) *Service {
	opts.defaults()
	return &Service{
		db:      db.SQL(),
		opts:    opts,
		log:     opts.Logger,
		basic:   newBasicCache(opts.BasicCacheTTL, 4096),
		hashSem: make(chan struct{}, max(1, runtime.GOMAXPROCS(0))),
	}
}

// Errors callers tell apart. Messages for people come from Message.
var (
	ErrBadCredentials  = errors.New("wrong user name or password")
	ErrUserExists      = errors.New("user already exists")
	ErrNoUser          = errors.New("no such user")
	ErrNoToken         = errors.New("no such active token")
	ErrTokenExists     = errors.New("user already has an active token of that name")
	ErrNoCredentials   = errors.New("no credentials")
	ErrSessionEnded    = errors.New("session expired or logged out")
	ErrPasswordExpired = errors.New("password expired or reset: change it at the login page")
	ErrSelf            = errors.New("an administrator may not change their own role or second factor")
	ErrForbiddenRole   = errors.New("role not assignable by this administrator")
)

// LockedError is returned while a user is locked out after repeated failures.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "user locked after repeated failed logins until " + e.Until.UTC().Format(time.RFC3339)
}

// now is the service clock (Options.Now).
func (s *Service) now() time.Time { return s.opts.Now() }

// hash runs argon2id under the concurrency bound.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return hashPassword(password, s.opts.Argon2)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashSem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for password hashing: %w", ctx.Err())
	}
}

func (s *Service) release() { <-s.hashSem }

// dummy is a hash in the service's parameters, verified for unknown user names.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		h, err := hashPassword("swanwatch-no-such-user", s.opts.Argon2)
		if err != nil {
			panic(fmt.Sprintf("hash dummy password: %v", err)) // crypto/rand failed: nothing works
		}
		s.dummyHash = h
	})
	return s.dummyHash
}

// Event is a security event for the audit trail: a login attempt, a lockout, a
// change to a user or a token. User is who acted, Object what was acted on.
type Event struct {
	Time       time.Time
	User       string
	Role       Role
	Action     string // login, logout, user.add, user.password, user.disable, user.role, user.totp_reset, policy.set, token.create, token.revoke, audit.read
	Object     string
	RemoteAddr string
	Result     string // success, failure, locked
	Detail     string // never a secret
}

// Auditor records security events. It must not block for long: it runs inside
// the request.
type Auditor interface {
	AuthEvent(ctx context.Context, ev Event)
}

type nopAuditor struct{}

func (nopAuditor) AuthEvent(context.Context, Event) {}

// consoleActor names the actor of a change made without an HTTP principal: the
// CLI (`swanwatch user add`) run by someone with access to the host.
const consoleActor = "console"

// event records a change made by the principal in ctx (or the console).
func (s *Service) event(ctx context.Context, action, object, result, detail string) {
	ev := Event{Time: s.now(), User: consoleActor, Action: action, Object: object, Result: result, Detail: detail}
	if p, ok := PrincipalFrom(ctx); ok {
		ev.User, ev.Role = p.User, p.Role
	}
	s.opts.Audit.AuthEvent(ctx, ev)
}

// loginEvent records a login attempt by name (with password or Basic).
func (s *Service) loginEvent(ctx context.Context, u userRow, remote, result, detail string) {
	s.opts.Audit.AuthEvent(ctx, Event{Time: s.now(), User: u.name, Role: u.role, Action: "login",
		Object: u.name, RemoteAddr: remote, Result: result, Detail: detail})
}

// hostOnly strips the port of a RemoteAddr: the port is noise in the audit trail.
func hostOnly(addr string) string {
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// Own metrics. Label values are fixed sets (via, result, reason, kind).
func loginCounter(via Via, result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_logins_total{via=%q,result=%q}`, via, result))
}

func rejectCounter(via Via, reason string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_rejected_total{via=%q,reason=%q}`, via, reason))
}

func badInputCounter(kind string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_bad_input_total{kind=%q}`, kind))
}

func basicCacheCounter(result string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_auth_basic_cache_total{result=%q}`, result))
}
