package apptoken

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func counting(ttl time.Duration) (Fetch, *atomic.Int32) {
	var n atomic.Int32
	return func(context.Context) (string, time.Duration, error) {
		return fmt.Sprintf("tok-%d", n.Add(1)), ttl, nil
	}, &n
}

func TestReusedUntilShortlyBeforeExpiry(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	fetch, n := counting(7200 * time.Second)
	c := New(fetch, clk.now)
	ctx := context.Background()
	for range 5 {
		tok, err := c.Get(ctx)
		require.NoError(t, err)
		assert.Equal(t, "tok-1", tok)
	}
	clk.add(7200*time.Second - Margin - time.Second)
	tok, _ := c.Get(ctx)
	assert.Equal(t, "tok-1", tok, "still inside its life less the margin")
	clk.add(2 * time.Second)
	tok, _ = c.Get(ctx)
	assert.Equal(t, "tok-2", tok, "refreshed before the platform expires it")
	assert.EqualValues(t, 2, n.Load())
}

func TestConcurrentSendsShareOneFetch(t *testing.T) {
	fetch, n := counting(time.Hour)
	slow := func(ctx context.Context) (string, time.Duration, error) {
		time.Sleep(20 * time.Millisecond)
		return fetch(ctx)
	}
	c := New(slow, nil)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() { _, _ = c.Get(context.Background()) })
	}
	wg.Wait()
	assert.EqualValues(t, 1, n.Load())
}

func TestDoRefreshesOnceOnARefusedToken(t *testing.T) {
	fetch, n := counting(time.Hour)
	c := New(fetch, nil)
	var seen []string
	err := c.Do(context.Background(), func(tok string) error {
		seen = append(seen, tok)
		if tok == "tok-1" {
			return fmt.Errorf("errcode 42001: %w", ErrTokenInvalid)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"tok-1", "tok-2"}, seen)

	// A platform that refuses every token: two calls, then the error, no loop.
	calls := 0
	err = c.Do(context.Background(), func(string) error { calls++; return ErrTokenInvalid })
	assert.ErrorIs(t, err, ErrTokenInvalid)
	assert.Equal(t, 2, calls)
	assert.EqualValues(t, 3, n.Load())
}

func TestInvalidateKeepsANewerToken(t *testing.T) {
	fetch, _ := counting(time.Hour)
	c := New(fetch, nil)
	old, _ := c.Get(context.Background())
	c.Invalidate(old)
	fresh, _ := c.Get(context.Background())
	c.Invalidate(old) // a late failure with the old token
	again, _ := c.Get(context.Background())
	assert.Equal(t, fresh, again)
}

func TestFetchErrorsAndEmptyTokens(t *testing.T) {
	boom := errors.New("gettoken: errcode 40001")
	c := New(func(context.Context) (string, time.Duration, error) { return "", 0, boom }, nil)
	_, err := c.Get(context.Background())
	assert.ErrorIs(t, err, boom)
	c = New(func(context.Context) (string, time.Duration, error) { return "", time.Hour, nil }, nil)
	_, err = c.Get(context.Background())
	assert.ErrorContains(t, err, "empty access token")

	// A zero expires_in still yields a usable token for a short while.
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	fetch, n := counting(0)
	c = New(fetch, clk.now)
	_, _ = c.Get(context.Background())
	_, _ = c.Get(context.Background())
	assert.EqualValues(t, 1, n.Load())
}
