package collectors

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// roundLog records when each target's rounds started.
type roundLog struct {
	mu    sync.Mutex
	start map[string][]time.Time
}

func (l *roundLog) collector(body func(ctx context.Context) error) Collector {
	l.start = map[string][]time.Time{}
	return CollectorFunc(func(ctx context.Context, t Target, emit Emit) error {
		l.mu.Lock()
		l.start[t.Name] = append(l.start[t.Name], time.Now())
		l.mu.Unlock()
		emit("m", 1)
		return body(ctx)
	})
}

func (l *roundLog) of(name string) []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Time(nil), l.start[name]...)
}

func noop(context.Context) error { return nil }

func TestFirstDelaySpreadsTargetsEvenly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rl roundLog
		const n, iv = 3000, 30 * time.Second
		r := NewRunner(RunnerOptions{Sink: &memSink{}, Kinds: map[string]Kind{
			"agent": {Collector: rl.collector(noop), Schedule: sched(iv, n)}}})
		targets := make([]Target, n)
		for i := range targets {
			targets[i] = Target{Kind: "agent", Name: fmt.Sprintf("vm-%04d", i)}
		}
		r.SetTargets(targets)
		t0 := time.Now()
		startRunner(t, r)
		time.Sleep(iv - time.Nanosecond)
		synctest.Wait()
		perSecond := make([]int, iv/time.Second)
		for _, tg := range targets {
			starts := rl.of(tg.Name)
			require.Len(t, starts, 1, tg.Name)
			perSecond[starts[0].Sub(t0)/time.Second]++
		}
		for s, c := range perSecond { // 100 expected per second
			assert.InDelta(t, 100, c, 35, "second %d: %v", s, perSecond)
		}
	})
}

func TestFirstDelayIsStablePhase(t *testing.T) {
	iv := 30 * time.Second
	now := time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)
	for _, key := range []string{"agent/vm-1", "snmp/core-sw", "camera/cam-17"} {
		d := firstDelay(key, iv, now)
		require.GreaterOrEqual(t, d, time.Duration(0))
		require.Less(t, d, iv)
		for _, later := range []time.Duration{time.Second, 7 * time.Hour, 29*time.Second + 999*time.Millisecond} {
			// A restart at any later time lands on the same phase of the interval.
			first := now.Add(later).Add(firstDelay(key, iv, now.Add(later)))
			assert.Zero(t, first.Sub(now.Add(d))%iv, "%s after %s", key, later)
		}
	}
}

func TestSlowRoundSkipsTicksInsteadOfQueueing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rl roundLog
		var calls atomic.Int32
		c := rl.collector(func(context.Context) error {
			if calls.Add(1) == 1 {
				time.Sleep(25 * time.Second) // ignores ctx, as a broken library would
			}
			return nil
		})
		f := newFixture(t, "rt_slow", c, 1)
		skipped := `swanwatch_collector_rounds_skipped_total{kind="rt_slow"}`
		before := counter(skipped)
		f.r.SetTargets([]Target{{Kind: "rt_slow", Name: "t"}})
		f.untilFirstRound("t")
		time.Sleep(25 * time.Second)
		synctest.Wait()
		st, _ := f.r.Status("rt_slow/t")
		assert.Equal(t, "round timed out after 8s: context deadline exceeded", st.LastError,
			"a round that returns nil after its deadline is not trusted")
		time.Sleep(20 * time.Second)
		synctest.Wait()
		starts := rl.of("t")
		require.Len(t, starts, 3, "rounds at 0, 30 s and 40 s, not at 25 s")
		assert.Equal(t, 30*time.Second, starts[1].Sub(starts[0]))
		assert.Equal(t, 10*time.Second, starts[2].Sub(starts[1]))
		assert.Equal(t, before+2, counter(skipped))
	})
}

func TestRoundWithoutSlotIsSkipped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rl roundLog
		f := newFixture(t, "rt_slot", rl.collector(noop), 1)
		skipped := `swanwatch_collector_rounds_skipped_total{kind="rt_slot"}`
		before := counter(skipped)
		sem := f.r.kinds["rt_slot"].sem
		sem <- struct{}{} // another round of the kind holds the only slot
		f.r.SetTargets([]Target{{Kind: "rt_slot", Name: "t"}})
		f.untilFirstRound("t")
		f.nextRound()
		assert.Empty(t, rl.of("t"))
		assert.Equal(t, before+1, counter(skipped), "one tick given up, the next one waiting")
		time.Sleep(3 * time.Second)
		<-sem
		synctest.Wait()
		starts := rl.of("t")
		require.Len(t, starts, 1, "the waiting tick runs once the slot frees, no backlog")
		f.nextRound()
		assert.Len(t, rl.of("t"), 2)
	})
}

func TestRoundTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rl roundLog
		c := rl.collector(func(ctx context.Context) error {
			<-ctx.Done()
			return fmt.Errorf("read reply: %w", ctx.Err())
		})
		f := newFixture(t, "rt_timeout", c, 1)
		f.r.SetTargets([]Target{{Kind: "rt_timeout", Name: "t", Timeout: 3 * time.Second}})
		f.untilFirstRound("t")
		time.Sleep(3 * time.Second)
		synctest.Wait()
		st, _ := f.r.Status("rt_timeout/t")
		assert.Equal(t, StateDown, st.State)
		assert.Equal(t, 3*time.Second, st.LastDuration)
		assert.Equal(t, "round timed out after 3s: read reply: context deadline exceeded", st.LastError)
		got := f.sink.last(t).samples
		assert.Equal(t, 3.0, got[`collect_duration_seconds{instance="t",kind="rt_timeout"}`])
		assert.Equal(t, 0.0, got[`up{instance="t",kind="rt_timeout"}`])
	})
}

func TestTargetSchedule(t *testing.T) {
	kind := Schedule{Interval: 30 * time.Second, Timeout: 24 * time.Second, Concurrency: 4}
	cases := []struct {
		name string
		t    Target
		want Schedule
	}{
		{"kind default", Target{}, kind},
		{"shorter interval shrinks timeout", Target{Interval: 10 * time.Second},
			Schedule{Interval: 10 * time.Second, Timeout: 8 * time.Second, Concurrency: 4}},
		{"own timeout", Target{Timeout: 5 * time.Second},
			Schedule{Interval: 30 * time.Second, Timeout: 5 * time.Second, Concurrency: 4}},
		{"timeout capped at interval", Target{Interval: 5 * time.Second, Timeout: time.Minute},
			Schedule{Interval: 5 * time.Second, Timeout: 5 * time.Second, Concurrency: 4}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, targetSchedule(kind, tc.t)) })
	}
}
