package alerting

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
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
	o := NewOutbox(db, map[string]OutboxSender{"webhook": postSender{os.Getenv(killEnvSink)}},
		OutboxOptions{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, PerChannelConcurrency: 4})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- o.Run(ctx) }()
	if mode == "drain" {
		require.Eventually(t, func() bool { return pendingRows(t, db) == 0 }, time.Minute, 20*time.Millisecond)
	} else {
		enqueueUntilKilled(t, o, os.Getenv(killEnvRun))
	}
	cancel()
	require.NoError(t, <-done)
}

func enqueueUntilKilled(t *testing.T, o *Outbox, run string) {
	for i := range 100000 {
		id := fmt.Sprintf("run%s-%d/0/webhook", run, i)
		_, err := o.Enqueue(context.Background(), "webhook", Notification{ID: id, Title: "【提示】测试"})
		require.NoError(t, err)
		fmt.Println("enqueued", id)       // stdout is unbuffered: the parent sees it before the next insert
		time.Sleep(10 * time.Millisecond) // 100/s: far above real alert rates, below the disk's fsync rate
	}
}

func pendingRows(t *testing.T, db *statestore.DB) int {
	var n int
	require.NoError(t, db.SQL().QueryRow(`SELECT count(*) FROM outbox WHERE state = 'pending'`).Scan(&n))
	return n
}
