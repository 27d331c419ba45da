package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// basicCache remembers verified HTTP Basic credentials for a short while:
// Grafana sends user:password with every query, and argon2id per request would
// cost ~60 ms of CPU and 64 MiB each. Keys are HMAC-SHA256 under a per-process
// random key, so a memory dump does not hold a fast hash of anyone's password.
// Only successes are cached; a wrong password always pays the full price.
type basicCache struct {
	ttl time.Duration
	max int
	key [32]byte

	mu sync.Mutex
	m  map[[32]byte]basicEntry
}

type basicEntry struct {
	p       Principal
	expires time.Time
}

func newBasicCache(ttl time.Duration, maxEntries int) *basicCache {
	c := &basicCache{ttl: ttl, max: maxEntries, m: map[[32]byte]basicEntry{}}
	_, _ = rand.Read(c.key[:])
	return c
}

func (c *basicCache) keyOf(user, password string) [32]byte {
	mac := hmac.New(sha256.New, c.key[:])
	mac.Write([]byte(user))
	mac.Write([]byte{0})
	mac.Write([]byte(password))
	var k [32]byte
	mac.Sum(k[:0])
	return k
}

func (c *basicCache) get(k [32]byte, now time.Time) (Principal, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.expires) {
		return Principal{}, false
	}
	return e.p, true
}

// put stores a verified principal. A full cache first drops expired entries,
// then everything: the bound matters more than the hit rate.
func (c *basicCache) put(k [32]byte, p Principal, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		for key, e := range c.m {
			if !now.Before(e.expires) {
				delete(c.m, key)
			}
		}
		if len(c.m) >= c.max {
			clear(c.m)
		}
	}
	c.m[k] = basicEntry{p: p, expires: now.Add(c.ttl)}
}

// clear forgets every credential: called when a password, role or account
// state changes in this process (another process's change applies within ttl).
func (c *basicCache) clear() {
	c.mu.Lock()
	clear(c.m)
	c.mu.Unlock()
}

// basicPrincipal verifies HTTP Basic credentials through the cache; a miss goes
// through the same lockout as a login.
func (s *Service) basicPrincipal(ctx context.Context, user, password, remote string) (Principal, error) {
	k := s.basic.keyOf(user, password)
	now := s.now()
	if p, ok := s.basic.get(k, now); ok {
		basicCacheCounter("hit").Inc()
		return p, nil
	}
	basicCacheCounter("miss").Inc()
	u, err := s.checkPassword(ctx, user, password, remote, ViaBasic)
	if err != nil {
		return Principal{Via: ViaBasic}, err
	}
	if s.passwordStage(ctx, u) != stageDone {
		return Principal{User: u.name, Role: u.role, Via: ViaBasic}, rejected(ViaBasic, "password_expired", ErrPasswordExpired)
	}
	p := Principal{User: u.name, Role: u.role, Via: ViaBasic}
	s.basic.put(k, p, now)
	return p, nil
}
