package outbox_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

type sendFunc func(ctx context.Context, n notice.Notification) error

func (f sendFunc) Send(ctx context.Context, n notice.Notification) error { return f(ctx, n) }

// journalled opens a state database with one incident and queues a
// notification of it on channel duty/webhook.
func journalled(t *testing.T) (*statestore.DB, *alerting.Incidents, int64) {
	t.Helper()
	t.Cleanup(func() { goleak.VerifyNone(t) })
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	incidents := alerting.NewIncidents(db, nil)
	inc, _, err := incidents.Fire(context.Background(), notice.Alert{Fingerprint: "lb-agg-01/GE0/0/7", Firing: true,
		Labels: map[string]string{"alertname": "InterfaceDown", "severity": "major"}})
	require.NoError(t, err)
	return db, incidents, inc.ID
}

func enqueueOf(t *testing.T, o *outbox.Outbox, incID int64) {
	t.Helper()
	_, err := o.Enqueue(context.Background(), "duty/webhook", notice.Notification{ID: "n-1@duty/webhook",
		Title: "【重要】灵宝市 链路中断", Alerts: []notice.Alert{{IncidentID: incID, Firing: true}}})
	require.NoError(t, err)
}

func runUntil(t *testing.T, o *outbox.Outbox, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- o.Run(ctx) }()
	<-done
	cancel()
	require.NoError(t, <-stopped)
}

// timelineOf is the incident's timeline after its firing; it asserts rather
// than requires, so that a goroutine may call it.
func timelineOf(t *testing.T, incidents *alerting.Incidents, id int64) [][2]string {
	t.Helper()
	tl, err := incidents.Timeline(context.Background(), id)
	assert.NoError(t, err)
	var out [][2]string
	for _, e := range tl {
		if e.Kind != "fired" {
			out = append(out, [2]string{e.Kind, e.Detail})
		}
	}
	return out
}

// The receiver gets the POST but the process stops before marking the row
// sent; the next process sends it again. The timeline shows both attempts.
func TestDeliveryTimelineShowsEachAttemptOfARepeatedDelivery(t *testing.T) {
	db, incidents, incID := journalled(t)
	var arrivals atomic.Int32
	arrived := make(chan struct{})
	postThenDie := sendFunc(func(ctx context.Context, _ notice.Notification) error {
		arrivals.Add(1)
		close(arrived)
		<-ctx.Done() // the process ends before the reply is recorded
		return ctx.Err()
	})
	opts := outbox.Options{MinBackoff: 10 * time.Millisecond, Journal: incidents.Deliveries()}
	first := outbox.New(db, map[string]outbox.Sender{"duty/webhook": postThenDie}, opts)
	enqueueOf(t, first, incID)
	runUntil(t, first, arrived)

	sent := make(chan struct{})
	post := sendFunc(func(context.Context, notice.Notification) error {
		arrivals.Add(1)
		close(sent)
		return nil
	})
	second := outbox.New(db, map[string]outbox.Sender{"duty/webhook": post}, opts)
	runUntil(t, second, sent)

	assert.Equal(t, int32(2), arrivals.Load())
	assert.Equal(t, [][2]string{
		{"notify_attempt", "第1次发送至 duty/webhook：【重要】灵宝市 链路中断"},
		{"notify_attempt", "第2次发送至 duty/webhook：【重要】灵宝市 链路中断"},
		{"notified", "已发送至 duty/webhook（第2次发送）：【重要】灵宝市 链路中断"},
	}, timelineOf(t, incidents, incID))
}

// A retry and a final failure are on the timeline with their errors.
func TestDeliveryTimelineShowsRetriesAndTheFailure(t *testing.T) {
	db, incidents, incID := journalled(t)
	refuse := sendFunc(func(context.Context, notice.Notification) error { return errors.New("webhook: status 503") })
	o := outbox.New(db, map[string]outbox.Sender{"duty/webhook": refuse}, outbox.Options{
		MinBackoff: 10 * time.Millisecond, MaxAttempts: 2, Journal: incidents.Deliveries()})
	enqueueOf(t, o, incID)
	given := make(chan struct{})
	go func() {
		defer close(given)
		assert.Eventually(t, func() bool { return len(timelineOf(t, incidents, incID)) == 4 }, time.Minute, 5*time.Millisecond)
	}()
	runUntil(t, o, given)
	assert.Equal(t, [][2]string{
		{"notify_attempt", "第1次发送至 duty/webhook：【重要】灵宝市 链路中断"},
		{"notify_retry", "第1次发送至 duty/webhook 失败，稍后重试：webhook: status 503"},
		{"notify_attempt", "第2次发送至 duty/webhook：【重要】灵宝市 链路中断"},
		{"notify_failed", "发送至 duty/webhook 失败（第2次发送），已放弃重试：webhook: status 503"},
	}, timelineOf(t, incidents, incID))
}
