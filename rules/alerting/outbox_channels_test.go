package alerting_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

type rejecting struct{ calls int }

func (r *rejecting) Send(context.Context, alerting.Notification) error {
	r.calls++
	return channels.Permanent(errors.New("wecom: status 400: invalid robot key"))
}

// TestOutboxPermanentWithChannels checks the app's wiring: a
// map[string]channels.Sender is accepted and channels.IsPermanent stops retries.
func TestOutboxPermanentWithChannels(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	type result struct {
		err   error
		final bool
	}
	results := make(chan result, 10)
	r := &rejecting{}
	o := alerting.NewOutbox(db, map[string]channels.Sender{"wecom": r}, alerting.OutboxOptions{
		MinBackoff: 10 * time.Millisecond, IsPermanent: channels.IsPermanent,
		OnResult: func(_ alerting.Notification, _ string, err error, final bool) { results <- result{err, final} },
	})
	_, err = o.Enqueue(context.Background(), "wecom", alerting.Notification{ID: "9/0/wecom"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- o.Run(ctx) }()
	res := <-results
	assert.True(t, res.final, "a permanent error fails at once")
	assert.True(t, channels.IsPermanent(res.err))
	time.Sleep(50 * time.Millisecond) // five poll intervals: no retry may happen
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 1, r.calls)
	var state string
	var attempts int
	require.NoError(t, db.SQL().QueryRow(`SELECT state, attempts FROM outbox WHERE id = '9/0/wecom'`).Scan(&state, &attempts))
	assert.Equal(t, "failed", state)
	assert.Equal(t, 1, attempts)
}
