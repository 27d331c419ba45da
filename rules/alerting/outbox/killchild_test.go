package outbox_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
	"github.com/swanwatch/swanwatch/rules/alerting/outbox"
)

// TestOutboxKillChild is the process TestOutboxKill kills; run directly
// (without its variables) it has nothing to do.
func TestOutboxKillChild(t *testing.T) {
	mode := os.Getenv(killEnvMode)
	if mode == "" {
		return
	}
	db, err := statestore.Open(os.Getenv(killEnvDB), nil)
	require.NoError(t, err)
	defer db.Close()
	incidents := alerting.NewIncidents(db, nil)
	o := outbox.New(db, map[string]outbox.Sender{"webhook": postSender{os.Getenv(killEnvSink)}},
		outbox.Options{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, PerChannelConcurrency: 4,
			Journal: incidents.Deliveries()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- o.Run(ctx) }()
	if mode == "drain" {
		require.Eventually(t, func() bool { return pendingRows(t, db) == 0 }, time.Minute, 20*time.Millisecond)
	} else {
		enqueueUntilKilled(t, o, incidents, os.Getenv(killEnvRun))
	}
	cancel()
	require.NoError(t, <-done)
}

// enqueueUntilKilled queues notifications of one incident (the same for every
// child), each named in its title, so that the timeline tells them apart. One
// incident, not one per notification: its writes would compete with the
// outbox's for the database and stretch the resends after a kill.
func enqueueUntilKilled(t *testing.T, o *outbox.Outbox, incidents *alerting.Incidents, run string) {
	ctx := context.Background()
	inc, _, err := incidents.Fire(ctx, notice.Alert{Fingerprint: "kill-test", Firing: true,
		Labels: map[string]string{"alertname": "KillTest", "severity": "warning"}})
	require.NoError(t, err)
	for i := range 100000 {
		id := fmt.Sprintf("run%s-%d/0/webhook", run, i)
		_, err = o.Enqueue(ctx, "webhook", notice.Notification{ID: id, Title: killTitle + id,
			Alerts: []notice.Alert{{Fingerprint: "kill-test", IncidentID: inc.ID, Firing: true}}})
		require.NoError(t, err)
		fmt.Println("enqueued", id)       // stdout is unbuffered: the parent sees it before the next insert
		time.Sleep(10 * time.Millisecond) // 100/s: far above real alert rates, below the disk's fsync rate
	}
}

// killTitle starts every title; the notification's ID follows.
const killTitle = "【提示】测试 "

func pendingRows(t *testing.T, db *statestore.DB) int {
	var n int
	require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&n))
	return n
}
