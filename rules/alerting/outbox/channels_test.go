package outbox_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

type rejecting struct{ calls int }

func (r *rejecting) Send(context.Context, notice.Notification) error {
	r.calls++
	return channels.Permanent(errors.New("wecom: status 400: invalid robot key"))
}

// results passes on every result the outbox journals.
type results chan outbox.Attempt

func (results) Attempted(context.Context, *sql.Tx, outbox.Attempt) error { return nil }
func (r results) Finished(_ context.Context, _ *sql.Tx, a outbox.Attempt) error {
	r <- a
	return nil
}

// TestOutboxPermanentWithChannels checks the app's wiring: a
// map[string]channels.Sender is accepted and channels.IsPermanent stops retries.
func TestOutboxPermanentWithChannels(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	res := make(results, 10)
	r := &rejecting{}
	o := outbox.New(db, map[string]channels.Sender{"wecom": r}, outbox.Options{
		MinBackoff: 10 * time.Millisecond, IsPermanent: channels.IsPermanent, Journal: res})
	_, err = o.Enqueue(context.Background(), "wecom", notice.Notification{ID: "9/0/wecom"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- o.Run(ctx) }()
	a := <-res
	assert.True(t, a.Final, "a permanent error fails at once")
	assert.True(t, channels.IsPermanent(a.Err))
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
