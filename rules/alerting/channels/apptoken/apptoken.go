// Package apptoken keeps the access token of an application channel (WeCom
// 应用消息, DingTalk 工作通知, Feishu 个人消息): fetched once, reused until
// shortly before it expires, refreshed once when the platform says it is no
// longer valid. The platforms limit how often a token may be fetched
// (WeCom: gettoken must not be called per message), so concurrent sends share
// one fetch.
package apptoken

import (
	"context"
	"errors"
	"sync"
	"time"
)

// Fetch gets a fresh token and how long the platform says it lives.
type Fetch func(ctx context.Context) (token string, ttl time.Duration, err error)

// Margin is taken off a token's lifetime, so a token is never sent in its
// last minutes (clocks differ; a request takes time).
const Margin = 5 * time.Minute

// minLife bounds a platform's odd expires_in (0, negative, tiny): such a
// token is used for this long before it is fetched again.
const minLife = 30 * time.Second

// Cache holds one application's token.
type Cache struct {
	fetch Fetch
	now   func() time.Time

	mu      sync.Mutex // held across a fetch: concurrent sends wait for one
	token   string
	expires time.Time
}

// New returns an empty cache; now may be nil (time.Now).
func New(fetch Fetch, now func() time.Time) *Cache {
	if now == nil {
		now = time.Now
	}
	return &Cache{fetch: fetch, now: now}
}

// Get returns a valid token, fetching one when none is held or it is about
// to expire.
func (c *Cache) Get(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != "" && c.now().Before(c.expires) {
		return c.token, nil
	}
	tok, ttl, err := c.fetch(ctx)
	if err != nil {
		return "", err
	}
	if tok == "" {
		return "", errors.New("the platform returned an empty access token")
	}
	c.token, c.expires = tok, c.now().Add(max(ttl-Margin, minLife))
	return tok, nil
}

// Invalidate drops token if it is still the one held, so that a send that
// failed with an old token does not throw away a newer one.
func (c *Cache) Invalidate(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token == token {
		c.token = ""
	}
}

// ErrTokenInvalid is what a call returns (wrapped) when the platform refused
// the token itself; Do then fetches a new one and calls once more.
var ErrTokenInvalid = errors.New("access token refused")

// Do runs call with a token; when call's error wraps ErrTokenInvalid it
// fetches a fresh token and runs call once more. The second error is
// returned as it is.
func (c *Cache) Do(ctx context.Context, call func(token string) error) error {
	tok, err := c.Get(ctx)
	if err != nil {
		return err
	}
	err = call(tok)
	if !errors.Is(err, ErrTokenInvalid) {
		return err
	}
	c.Invalidate(tok)
	if tok, err = c.Get(ctx); err != nil {
		return err
	}
	return call(tok)
}
