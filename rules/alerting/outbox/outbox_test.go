package outbox

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// senderFunc adapts a function to Sender.
type senderFunc func(ctx context.Context, n notice.Notification) error

func (f senderFunc) Send(ctx context.Context, n notice.Notification) error { return f(ctx, n) }

// journal keeps what the outbox journals, in order.
type journal struct {
	mu      sync.Mutex
	entries []Attempt // Attempted entries have Err nil and Final false
	results chan Attempt
}

func newJournal() *journal { return &journal{results: make(chan Attempt, 100)} }

func (j *journal) Attempted(_ context.Context, _ *sql.Tx, a Attempt) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.entries = append(j.entries, a)
	return nil
}

func (j *journal) Finished(_ context.Context, _ *sql.Tx, a Attempt) error {
	j.mu.Lock()
	j.entries = append(j.entries, a)
	j.mu.Unlock()
	j.results <- a
	return nil
}

func (j *journal) all() []Attempt {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]Attempt(nil), j.entries...)
}

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

type rowInfo struct {
	state, lastErr string
	attempts       int
}

func rowState(t *testing.T, db *statestore.DB, id string) rowInfo {
	t.Helper()
	var s rowInfo
	require.NoError(t, db.SQL().QueryRow(`SELECT state, attempts, last_error FROM outbox WHERE id = ?`, id).
		Scan(&s.state, &s.attempts, &s.lastErr))
	return s
}

// waitState polls until the row reaches want; the deadline only bounds a
// broken test, it asserts nothing about speed.
func waitState(t *testing.T, db *statestore.DB, id, want string) rowInfo {
	t.Helper()
	require.Eventually(t, func() bool { return rowState(t, db, id).state == want }, time.Minute, 5*time.Millisecond)
	return rowState(t, db, id)
}

func note(id string) notice.Notification {
	return notice.Notification{ID: id, IncidentID: 7, Severity: notice.Major, Title: "【重要】灵宝市 链路中断", CreatedAt: time.Now()}
}

func fastOpts() Options {
	return Options{MinBackoff: 10 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
}

func TestOutboxDedupe(t *testing.T) {
	db, _ := outboxDB(t)
	var sends atomic.Int32
	o := New(db, map[string]Sender{"wecom": senderFunc(func(context.Context, notice.Notification) error {
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
	o := New(db, map[string]Sender{"wecom": senderFunc(nil)}, fastOpts())
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

// Every attempt is journalled before its send, numbered, and its result after.
func TestOutboxRetryBackoff(t *testing.T) {
	db, _ := outboxDB(t)
	var calls atomic.Int32
	j := newJournal()
	opts := fastOpts()
	opts.Journal = j
	o := New(db, map[string]Sender{"dingtalk": senderFunc(func(context.Context, notice.Notification) error {
		assert.Len(t, j.all(), 2*int(calls.Load())+1, "the attempt is journalled before the send")
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
	var got []string
	for _, a := range j.all() {
		assert.Equal(t, "dingtalk", a.Channel)
		assert.Equal(t, "7/1/dingtalk", a.Notification.ID)
		got = append(got, fmtAttempt(a))
	}
	assert.Equal(t, []string{"1 sending", "1 dingtalk: status 503", "2 sending", "2 dingtalk: status 503",
		"3 sending", "3 sent final"}, got)
}

func fmtAttempt(a Attempt) string {
	switch {
	case a.Err != nil && a.Final:
		return strconv.Itoa(a.Number) + " " + a.Err.Error() + " final"
	case a.Err != nil:
		return strconv.Itoa(a.Number) + " " + a.Err.Error()
	case a.Final:
		return strconv.Itoa(a.Number) + " sent final"
	}
	return strconv.Itoa(a.Number) + " sending"
}

func TestOutboxMaxAttempts(t *testing.T) {
	db, _ := outboxDB(t)
	j := newJournal()
	opts := fastOpts()
	opts.MaxAttempts = 3
	opts.Journal = j
	o := New(db, map[string]Sender{"sms": senderFunc(func(context.Context, notice.Notification) error {
		return errors.New("sms gateway: status 500")
	})}, opts)
	_, err := o.Enqueue(context.Background(), "sms", note("7/0/sms"))
	require.NoError(t, err)
	runOutbox(t, o)
	s := waitState(t, db, "7/0/sms", "failed")
	assert.Equal(t, 3, s.attempts)
	assert.Equal(t, "sms gateway: status 500", s.lastErr)
	for range 2 {
		assert.False(t, (<-j.results).Final)
	}
	last := <-j.results
	assert.True(t, last.Final)
	assert.Equal(t, 3, last.Number)
	require.EqualError(t, last.Err, "sms gateway: status 500")
}

// brokenJournal fails every write, as a journal over a missing table would.
type brokenJournal struct{}

func (brokenJournal) Attempted(context.Context, *sql.Tx, Attempt) error {
	return errors.New("no such table")
}
func (brokenJournal) Finished(context.Context, *sql.Tx, Attempt) error {
	return errors.New("no such table")
}

// A journal that cannot write must not hold up the delivery.
func TestOutboxJournalErrorsDoNotBlockDelivery(t *testing.T) {
	db, _ := outboxDB(t)
	opts := fastOpts()
	opts.Journal = brokenJournal{}
	delivered := make(chan string, 1)
	o := New(db, map[string]Sender{"wecom": senderFunc(func(_ context.Context, n notice.Notification) error {
		delivered <- n.ID
		return nil
	})}, opts)
	before := journalErrors.Get()
	_, err := o.Enqueue(context.Background(), "wecom", note("8/0/wecom"))
	require.NoError(t, err)
	runOutbox(t, o)
	assert.Equal(t, "8/0/wecom", <-delivered)
	assert.Equal(t, rowInfo{state: "sent", attempts: 1}, waitState(t, db, "8/0/wecom", "sent"))
	assert.Equal(t, before+2, journalErrors.Get(), "both journal writes failed and were counted")
}
