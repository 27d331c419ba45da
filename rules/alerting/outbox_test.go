package alerting

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// senderFunc adapts a function to OutboxSender.
type senderFunc func(ctx context.Context, n Notification) error

func (f senderFunc) Send(ctx context.Context, n Notification) error { return f(ctx, n) }

// outboxDB opens a fresh state database; goleak runs after it is closed.
func outboxDB(t *testing.T) (*statestore.DB, string) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) }) // registered first, so it runs last
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := statestore.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db, path
}

// runOutbox runs o until the test ends (or stop is called) and returns stop.
func runOutbox(t *testing.T, o *Outbox) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- o.Run(ctx) }()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); require.NoError(t, <-done) }) }
	t.Cleanup(stop)
	return stop
}

type outboxState struct {
	state, lastErr string
	attempts       int
}

func rowState(t *testing.T, db *statestore.DB, id string) outboxState {
	t.Helper()
	var s outboxState
	require.NoError(t, db.SQL().QueryRow(`SELECT state, attempts, last_error FROM outbox WHERE id = ?`, id).
		Scan(&s.state, &s.attempts, &s.lastErr))
	return s
}

func waitState(t *testing.T, db *statestore.DB, id, want string) outboxState {
	t.Helper()
	require.Eventually(t, func() bool { return rowState(t, db, id).state == want }, 5*time.Second, 5*time.Millisecond)
	return rowState(t, db, id)
}

func note(id string) Notification {
	return Notification{ID: id, IncidentID: 7, Severity: Major, Title: "【重要】灵宝市 链路中断", CreatedAt: time.Now()}
}

func fastOpts() OutboxOptions {
	return OutboxOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
}

func TestOutboxDedupe(t *testing.T) {
	db, _ := outboxDB(t)
	var sends atomic.Int32
	o := NewOutbox(db, map[string]OutboxSender{"wecom": senderFunc(func(context.Context, Notification) error {
		sends.Add(1)
		return nil
	})}, fastOpts())
	dup := metrics.GetOrCreateCounter(`swanwatch_outbox_duplicates_total{channel="wecom"}`)
	before := dup.Get()
	added, err := o.Enqueue(context.Background(), "wecom", note("7/0/wecom"))
	require.NoError(t, err)
	assert.True(t, added)
	added, err = o.Enqueue(context.Background(), "wecom", note("7/0/wecom"))
	require.NoError(t, err)
	assert.False(t, added, "same ID again is a duplicate")
	assert.Equal(t, before+1, dup.Get())

	runOutbox(t, o)
	s := waitState(t, db, "7/0/wecom", "sent")
	assert.Equal(t, 1, s.attempts)
	assert.Equal(t, int32(1), sends.Load())
	var rows int
	require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FROM outbox`).Scan(&rows))
	assert.Equal(t, 1, rows)
}

func TestOutboxEnqueueErrors(t *testing.T) {
	db, _ := outboxDB(t)
	o := NewOutbox(db, map[string]OutboxSender{"wecom": senderFunc(nil)}, fastOpts())
	for _, tc := range []struct {
		name, channel, id, kind string
		want                    error
	}{
		{"unknown channel", "pager", "1/0/pager", "unknown_channel", ErrUnknownChannel},
		{"no id", "wecom", "", "no_id", ErrNoNotifyID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := metrics.GetOrCreateCounter(`swanwatch_outbox_invalid_total{kind="` + tc.kind + `"}`)
			before := c.Get()
			added, err := o.Enqueue(context.Background(), tc.channel, note(tc.id))
			require.ErrorIs(t, err, tc.want)
			assert.False(t, added)
			assert.Equal(t, before+1, c.Get())
		})
	}
}

func TestOutboxRetryBackoff(t *testing.T) {
	db, _ := outboxDB(t)
	var calls atomic.Int32
	var mu sync.Mutex
	var results []bool // final flag of each OnResult, in order
	opts := fastOpts()
	opts.OnResult = func(n Notification, ch string, err error, final bool) {
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, "dingtalk", ch)
		assert.Equal(t, final, err == nil, "only the success is final here")
		results = append(results, final)
	}
	o := NewOutbox(db, map[string]OutboxSender{"dingtalk": senderFunc(func(context.Context, Notification) error {
		if calls.Add(1) <= 2 {
			return errors.New("dingtalk: status 503")
		}
		return nil
	})}, opts)
	retries := metrics.GetOrCreateCounter(`swanwatch_outbox_retries_total{channel="dingtalk"}`)
	before := retries.Get()
	_, err := o.Enqueue(context.Background(), "dingtalk", note("7/1/dingtalk"))
	require.NoError(t, err)
	start := time.Now()
	runOutbox(t, o)
	s := waitState(t, db, "7/1/dingtalk", "sent")
	assert.Equal(t, 3, s.attempts)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond, "backoff 10ms then 20ms")
	assert.Equal(t, before+2, retries.Get())
	mu.Lock()
	assert.Equal(t, []bool{false, false, true}, results)
	mu.Unlock()
}

func TestOutboxMaxAttempts(t *testing.T) {
	db, _ := outboxDB(t)
	finals := make(chan error, 10)
	opts := fastOpts()
	opts.MaxAttempts = 3
	opts.OnResult = func(_ Notification, _ string, err error, final bool) {
		if final {
			finals <- err
		}
	}
	o := NewOutbox(db, map[string]OutboxSender{"sms": senderFunc(func(context.Context, Notification) error {
		return errors.New("sms gateway: status 500")
	})}, opts)
	_, err := o.Enqueue(context.Background(), "sms", note("7/0/sms"))
	require.NoError(t, err)
	runOutbox(t, o)
	s := waitState(t, db, "7/0/sms", "failed")
	assert.Equal(t, 3, s.attempts)
	assert.Equal(t, "sms gateway: status 500", s.lastErr)
	require.EqualError(t, <-finals, "sms gateway: status 500")
}
