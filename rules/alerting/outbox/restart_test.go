package outbox

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// blocking returns only when its ctx ends or release is closed; started is
// closed on the first call.
func blocking(started, release chan struct{}) senderFunc {
	return func(ctx context.Context, _ notice.Notification) error {
		select {
		case <-started:
		default:
			close(started)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-release:
			return nil
		}
	}
}

// The e-mail channel hangs until feishu's notification is delivered: if
// feishu waited for e-mail, neither would ever finish and the test would
// time out.
func TestOutboxHangingChannelDoesNotDelayOthers(t *testing.T) {
	db, _ := outboxDB(t)
	started, release := make(chan struct{}), make(chan struct{})
	delivered := make(chan string, 1)
	opts := fastOpts()
	opts.SendTimeout = time.Hour
	o := New(db, map[string]Sender{
		"email": blocking(started, release),
		"feishu": senderFunc(func(_ context.Context, n notice.Notification) error {
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
	assert.Equal(t, "1/0/feishu", <-delivered)
	assert.Equal(t, "pending", rowState(t, db, "1/0/email").state, "e-mail is still hanging")
	close(release)
	waitState(t, db, "1/0/email", "sent")
}

// TestOutboxRestart stops the outbox in the middle of a send, reopens the
// database as a new process would and checks the notification goes out once
// more, as the second attempt.
func TestOutboxRestart(t *testing.T) {
	db, path := outboxDB(t)
	started := make(chan struct{})
	o := New(db, map[string]Sender{"webhook": blocking(started, nil)}, fastOpts())
	stop := runOutbox(t, o)
	_, err := o.Enqueue(context.Background(), "webhook", note("3/2/webhook"))
	require.NoError(t, err)
	<-started
	stop()
	require.NoError(t, db.Close())

	db2, err := statestore.Open(path, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db2.Close() })
	assert.Equal(t, rowInfo{state: "pending", attempts: 1}, rowState(t, db2, "3/2/webhook"),
		"a send cut short by shutdown may have arrived: it counts, and the row stays due")
	var sends atomic.Int32
	o2 := New(db2, map[string]Sender{"webhook": senderFunc(func(context.Context, notice.Notification) error {
		sends.Add(1)
		return nil
	})}, fastOpts())
	runOutbox(t, o2)
	assert.Equal(t, rowInfo{state: "sent", attempts: 2}, waitState(t, db2, "3/2/webhook", "sent"))
	time.Sleep(50 * time.Millisecond) // five poll intervals: a second send would show
	assert.Equal(t, int32(1), sends.Load())
}

func TestOutboxRetention(t *testing.T) {
	db, _ := outboxDB(t)
	o := New(db, map[string]Sender{"sms": senderFunc(nil)}, fastOpts())
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
	o := &Outbox{opts: Options{}.withDefaults()}
	for _, tc := range []struct {
		attempts int
		want     time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {4, 8 * time.Second}, {9, 256 * time.Second}, {10, 5 * time.Minute}, {40, 5 * time.Minute}} {
		t.Run(tc.want.String(), func(t *testing.T) { assert.Equal(t, tc.want, o.backoff(tc.attempts)) })
	}
}
