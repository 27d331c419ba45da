package alerting

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// blocking never returns before its ctx ends; started is closed on the first call.
func blocking(started chan struct{}) senderFunc {
	return func(ctx context.Context, _ Notification) error {
		select {
		case <-started:
		default:
			close(started)
		}
		<-ctx.Done()
		return ctx.Err()
	}
}

func TestOutboxHangingChannelDoesNotDelayOthers(t *testing.T) {
	db, _ := outboxDB(t)
	started := make(chan struct{})
	delivered := make(chan string, 1)
	opts := fastOpts()
	opts.SendTimeout = time.Minute
	o := NewOutbox(db, map[string]OutboxSender{
		"email": blocking(started),
		"feishu": senderFunc(func(_ context.Context, n Notification) error {
			delivered <- n.ID
			return nil
		}),
	}, opts)
	runOutbox(t, o)
	_, err := o.Enqueue(context.Background(), "email", note("1/0/email"))
	require.NoError(t, err)
	<-started
	_, err = o.Enqueue(context.Background(), "feishu", note("1/0/feishu"))
	require.NoError(t, err)
	select {
	case id := <-delivered:
		assert.Equal(t, "1/0/feishu", id)
	case <-time.After(2 * time.Second):
		t.Fatal("feishu waited for the hanging e-mail channel")
	}
	assert.Equal(t, "pending", rowState(t, db, "1/0/email").state)
}

// TestOutboxRestart stops the outbox in the middle of a send, reopens the
// database as a new process would and checks the notification goes out once.
func TestOutboxRestart(t *testing.T) {
	db, path := outboxDB(t)
	started := make(chan struct{})
	o := NewOutbox(db, map[string]OutboxSender{"webhook": blocking(started)}, fastOpts())
	stop := runOutbox(t, o)
	_, err := o.Enqueue(context.Background(), "webhook", note("3/2/webhook"))
	require.NoError(t, err)
	<-started
	stop()
	require.NoError(t, db.Close())

	db2, err := statestore.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db2.Close() })
	assert.Equal(t, outboxState{state: "pending"}, rowState(t, db2, "3/2/webhook"),
		"a send cut short by shutdown is not an attempt")
	var sends atomic.Int32
	o2 := NewOutbox(db2, map[string]OutboxSender{"webhook": senderFunc(func(context.Context, Notification) error {
		sends.Add(1)
		return nil
	})}, fastOpts())
	runOutbox(t, o2)
	waitState(t, db2, "3/2/webhook", "sent")
	time.Sleep(50 * time.Millisecond) // five poll intervals: a second send would show
	assert.Equal(t, int32(1), sends.Load())
}

func TestOutboxRetention(t *testing.T) {
	db, _ := outboxDB(t)
	o := NewOutbox(db, map[string]OutboxSender{"sms": senderFunc(nil)}, fastOpts())
	_, err := o.Enqueue(context.Background(), "sms", note("5/0/sms"))
	require.NoError(t, err)
	_, err = db.SQL().Exec(`DELETE FROM outbox WHERE id = '5/0/sms'`)
	require.ErrorContains(t, err, "younger than 180 days")
	old := time.Now().AddDate(0, 0, -181).UnixMilli()
	_, err = db.SQL().Exec(`UPDATE outbox SET created_at = ? WHERE id = '5/0/sms'`, old)
	require.NoError(t, err)
	_, err = db.SQL().Exec(`DELETE FROM outbox WHERE id = '5/0/sms'`)
	require.NoError(t, err)
}

func TestOutboxBackoff(t *testing.T) {
	o := &Outbox{opts: OutboxOptions{}.withDefaults()}
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {9, 256 * time.Second}, {10, 5 * time.Minute}, {40, 5 * time.Minute}} {
		t.Run(tc.want.String(), func(t *testing.T) { assert.Equal(t, tc.want, o.backoff(tc.attempts)) })
	}
}
