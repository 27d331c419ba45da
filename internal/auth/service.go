package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Options configure a Service. Zero values take the documented defaults.
type Options struct {
	SessionTTL       time.Duration // absolute session lifetime; default 12h
	IdleTimeout      time.Duration // a session unused this long ends; default 30m
	LockoutThreshold int           // consecutive failed logins that lock a user; default 5
	LockoutDuration  time.Duration // how long the lock lasts; default 5m
	BasicCacheTTL    time.Duration // how long a verified Basic credential is trusted; default 1m
	Argon2           Argon2Params  // zero: DefaultArgon2
	Logger           *slog.Logger
	Now              func() time.Time // for tests; default time.Now
	Audit            Auditor          // receives security events; optional
	SecureCookies    bool             // mark cookies Secure even over plain HTTP (TLS ends at a proxy)
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
	ErrBadCredentials = errors.New("wrong user name or password")
	ErrUserExists     = errors.New("user already exists")
	ErrNoUser         = errors.New("no such user")
	ErrNoToken        = errors.New("no such active token")
	ErrTokenExists    = errors.New("user already has an active token of that name")
	ErrNoCredentials  = errors.New("no credentials")
	ErrSessionEnded   = errors.New("session expired or logged out")
)

// LockedError is returned while a user is locked out after repeated failures.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "user locked after repeated failed logins until " + e.Until.UTC().Format(time.RFC3339)
}

// now returns the service clock in unix milliseconds, the unit of the tables.
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
