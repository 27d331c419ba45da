package rules

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

func batchOf(n int) []alerting.Alert { return make([]alerting.Alert, n) }

func TestHandoffDropsOldest(t *testing.T) {
	tests := []struct {
		name        string
		max         int
		puts        []int // batch sizes, in order
		wantQueue   []int // batch sizes left, oldest first
		wantDropped uint64
	}{
		{"within the bound", 10, []int{3, 4, 3}, []int{3, 4, 3}, 0},
		{"oldest dropped first", 5, []int{3, 2, 4}, []int{4}, 5},
		{"just enough dropped", 6, []int{1, 2, 3, 3}, []int{3, 3}, 3},
		{"a batch over the bound alone", 5, []int{2, 9}, []int{9}, 2},
		{"empty batches ignored", 5, []int{0, 2, 0}, []int{2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHandoff(func(context.Context, []alerting.Alert) {}, tt.max)
			dropped := notifyDropped.Get()
			for _, n := range tt.puts {
				h.put(batchOf(n))
			}
			assert.Equal(t, tt.wantDropped, notifyDropped.Get()-dropped)
			var left []int
			for b := h.take(); b != nil; b = h.take() {
				left = append(left, len(b))
			}
			assert.Equal(t, tt.wantQueue, left)
			assert.Zero(t, h.queued)
		})
	}
}

func TestHandoffDeliversInOrderUntilCancelled(t *testing.T) {
	got := make(chan int, 10)
	h := newHandoff(func(_ context.Context, a []alerting.Alert) { got <- len(a) }, 100)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); h.run(ctx) }()
	for _, n := range []int{1, 2, 3} {
		h.put(batchOf(n))
	}
	for _, want := range []int{1, 2, 3} {
		assert.Equal(t, want, <-got)
	}
	cancel()
	<-done
}

const noisyRules = `groups:
- name: noisy
  rules:
  - alert: Noisy
    expr: count_values("t", vector(time()))
- name: steady
  rules:
  - record: steady:one
    expr: vector(1)
`

// TestBlockedOnAlertsStallsNothing: while OnAlerts is stuck (a blocked
// incident store), both the group that notifies and the one beside it keep
// evaluating, the queue drops its oldest alerts, a reload that replaces the
// notifying group completes, and Run ends once ctx does.
func TestBlockedOnAlertsStallsNothing(t *testing.T) {
	db := openDB(t)
	dir := t.TempDir()
	file := writeRuleFile(t, dir, "noisy.yml", noisyRules)
	entered := make(chan struct{}, 1)
	onAlerts := func(ctx context.Context, _ []alerting.Alert) {
		select {
		case entered <- struct{}{}:
		default:
		}
		<-ctx.Done() // the incident store hangs until shutdown
	}
	e, err := New(Options{Appendable: db, Queryable: db, Interval: 100 * time.Millisecond, Files: []string{file},
		OnAlerts: onAlerts, NotifyQueue: 4})
	require.NoError(t, err)
	dropped := notifyDropped.Get()
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- e.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-runErr) }()

	select {
	case <-entered:
	case <-time.After(20 * time.Second):
		t.Fatal("OnAlerts never called")
	}
	since := time.Now()
	require.Eventually(t, func() bool {
		ok := true
		for _, g := range e.Groups() {
			ok = ok && g.GetLastEvaluation().After(since.Add(time.Second))
		}
		return ok
	}, 20*time.Second, 50*time.Millisecond, "every group goes on evaluating while OnAlerts is blocked")
	assert.Greater(t, notifyDropped.Get(), dropped, "the full queue drops its oldest alerts")
	assert.LessOrEqual(t, notifyQueued.Get(), 4.0)

	// The notifying group changes: the manager stops it, which waits for its
	// current iteration to end.
	writeRuleFile(t, dir, "noisy.yml", strings.Replace(noisyRules, "vector(time()))", "vector(time())) > 0", 1))
	reloaded := make(chan error, 1)
	go func() { reloaded <- e.Reload([]string{filepath.Join(dir, "*.yml")}) }()
	select {
	case err := <-reloaded:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("reload hangs behind a blocked OnAlerts")
	}
}
