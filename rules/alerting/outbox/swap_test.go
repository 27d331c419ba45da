package outbox

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// tally counts deliveries by notification ID.
type tally struct {
	mu  sync.Mutex
	got map[string]int
}

func (c *tally) add(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.got == nil {
		c.got = map[string]int{}
	}
	c.got[id]++
}

func (c *tally) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for k, v := range c.got {
		out[k] = v
	}
	return out
}

func (c *tally) sender() senderFunc {
	return func(_ context.Context, n notice.Notification) error {
		c.add(n.ID)
		return nil
	}
}

func (o *Outbox) dispatching(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.active[name]
}

// A reload gives the channel a new sender: the row in flight finishes with
// the old one, every queued row (also one waiting out an hour's backoff of the
// old address) goes out with the new one at once, and each exactly once.
func TestOutboxSetSendersQueuedRowsGoToTheNewSenderOnce(t *testing.T) {
	db, _ := outboxDB(t)
	const ch = "duty/webhook"
	started, release := make(chan struct{}), make(chan struct{})
	var old tally
	ids := []string{"1/0/" + ch, "2/0/" + ch, "3/0/" + ch, "4/0/" + ch, "5/0/" + ch}
	oldSender := senderFunc(func(ctx context.Context, n notice.Notification) error {
		if n.ID != ids[0] {
			return errors.New("webhook: status 503")
		}
		close(started)
		<-release
		old.add(n.ID)
		return nil
	})
	// An hour's backoff and poll: only SetSenders can make the test finish.
	o := New(db, map[string]Sender{ch: oldSender}, Options{MinBackoff: time.Hour, SendTimeout: time.Hour})
	for _, id := range ids {
		_, err := o.Enqueue(context.Background(), ch, note(id))
		require.NoError(t, err)
	}
	runOutbox(t, o)
	<-started
	waitAttempts(t, o, ids[1], 1) // the second row failed on the old address

	var cur tally
	o.SetSenders(map[string]Sender{ch: cur.sender()})
	for _, id := range ids[1:] {
		waitState(t, db, id, "sent")
	}
	close(release)
	assert.Equal(t, rowInfo{state: "sent", attempts: 1}, waitState(t, db, ids[0], "sent"))
	assert.Equal(t, 2, rowState(t, db, ids[1]).attempts)
	assert.Equal(t, map[string]int{ids[0]: 1}, old.snapshot(), "the old sender finished its send in flight")
	assert.Equal(t, map[string]int{ids[1]: 1, ids[2]: 1, ids[3]: 1, ids[4]: 1}, cur.snapshot())
}

func waitAttempts(t *testing.T, o *Outbox, id string, n int) {
	t.Helper()
	require.Eventually(t, func() bool {
		var a int
		err := o.db.QueryRow(`SELECT attempts FROM outbox WHERE id = ? AND last_error != ''`, id).Scan(&a)
		return err == nil && a == n
	}, time.Minute, 5*time.Millisecond)
}

// A removed channel finishes its send in flight and stops; its queued rows
// stay in the database and go out when the channel comes back; a new channel
// starts at once.
func TestOutboxSetSendersRemovesAndAddsChannels(t *testing.T) {
	db, _ := outboxDB(t)
	started, release := make(chan struct{}), make(chan struct{})
	// One send at a time: with two, 2/0/a could start beside 1/0/a before the
	// swap (a race the test once lost), and then rightly finish as sent.
	o := New(db, map[string]Sender{"a": blocking(started, release)},
		Options{MinBackoff: time.Hour, SendTimeout: time.Hour, PerChannelConcurrency: 1})
	runOutbox(t, o)
	_, err := o.Enqueue(context.Background(), "a", note("1/0/a"))
	require.NoError(t, err)
	<-started
	_, err = o.Enqueue(context.Background(), "a", note("2/0/a"))
	require.NoError(t, err)

	var b tally
	o.SetSenders(map[string]Sender{"b": b.sender()})
	_, err = o.Enqueue(context.Background(), "a", note("3/0/a"))
	require.ErrorIs(t, err, ErrUnknownChannel, "a removed channel takes nothing new")
	_, err = o.Enqueue(context.Background(), "b", note("1/0/b"))
	require.NoError(t, err)
	waitState(t, db, "1/0/b", "sent")
	assert.True(t, o.dispatching("a"), "a waits for its send in flight")
	close(release)
	waitState(t, db, "1/0/a", "sent")
	require.Eventually(t, func() bool { return !o.dispatching("a") }, time.Minute, time.Millisecond)
	assert.Equal(t, "pending", rowState(t, db, "2/0/a").state, "kept for when a comes back")

	var a tally
	o.SetSenders(map[string]Sender{"a": a.sender(), "b": b.sender()})
	waitState(t, db, "2/0/a", "sent")
	assert.Equal(t, map[string]int{"2/0/a": 1}, a.snapshot())
	assert.Equal(t, map[string]int{"1/0/b": 1}, b.snapshot())
}

// Swapping senders while notifications stream in loses none and repeats none.
func TestOutboxSetSendersUnderLoad(t *testing.T) {
	db, _ := outboxDB(t)
	var got tally
	o := New(db, map[string]Sender{"c": got.sender()}, fastOpts())
	runOutbox(t, o)
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range 50 {
			_, err := o.Enqueue(context.Background(), "c", note(fmt.Sprintf("%d/0/c", i)))
			assert.NoError(t, err)
		}
	})
	for range 20 {
		o.SetSenders(map[string]Sender{"c": got.sender()})
	}
	wg.Wait()
	require.Eventually(t, func() bool { return len(got.snapshot()) == 50 }, time.Minute, 5*time.Millisecond)
	time.Sleep(50 * time.Millisecond) // five poll intervals: a repeat would show
	for id, n := range got.snapshot() {
		assert.Equal(t, 1, n, id)
	}
}
