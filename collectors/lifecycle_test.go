package collectors

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetTargetsKeepsUnchangedAndRestartsChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var rl roundLog
		f := newFixture(t, "rt_change", rl.collector(noop), 4)
		a, b := f.target("a"), f.target("b")
		f.r.SetTargets([]Target{a, b})
		f.untilFirstRound("a")
		time.Sleep(f.iv) // both have had at least one round
		synctest.Wait()
		nA, nCalls := len(rl.of("a")), len(f.sink.calls())

		b2 := b
		b2.Address = "new-address"
		f.r.SetTargets([]Target{a, b2}) // a unchanged, b changed: same labels
		synctest.Wait()
		assert.Len(t, f.sink.calls(), nCalls, "an address change writes no staleness markers")
		st, _ := f.r.Status("rt_change/b")
		assert.Equal(t, StateUp, st.State, "state carries over a restart")
		assert.Equal(t, "new-address", st.Target.Address)

		b3 := b2
		b3.Labels = map[string]string{"district": "灵宝市"}
		f.r.SetTargets([]Target{a, b3})
		synctest.Wait()
		calls := f.sink.calls()
		require.Len(t, calls, nCalls+1, "a label change marks the old series stale")
		for k, v := range calls[nCalls].samples {
			assert.True(t, isStale(v), k)
			assert.Contains(t, k, `district="湖滨区",instance="b"`)
		}
		f.nextRound()
		assert.Len(t, rl.of("a"), nA+1, "the unchanged target kept its schedule")
		st, _ = f.r.Status("rt_change/b")
		assert.Equal(t, map[string]string{"district": "灵宝市"}, st.Target.Labels)
	})
}

func TestPanicBecomesRoundError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		c := CollectorFunc(func(_ context.Context, _ Target, emit Emit) error {
			emit("m", 1)
			if calls.Add(1) == 1 {
				var m map[string]int
				m["boom"]++ // nil map write
			}
			return nil
		})
		f := newFixture(t, "rt_panic", c, 1)
		panics := `swanwatch_collector_panics_total{kind="rt_panic"}`
		before := counter(panics)
		f.r.SetTargets([]Target{{Kind: "rt_panic", Name: "t"}})
		f.untilFirstRound("t")
		st, _ := f.r.Status("rt_panic/t")
		assert.Equal(t, StateDown, st.State)
		assert.Equal(t, "collector panicked: assignment to entry in nil map", st.LastError)
		assert.Equal(t, before+1, counter(panics))
		assert.Equal(t, 1, f.logs.count(`msg="collector panicked"`), "logged once")
		assert.Equal(t, 1, f.logs.count("runtime/debug.Stack()"), "with its stack")
		f.nextRound()
		st, _ = f.r.Status("rt_panic/t")
		assert.Equal(t, StateUp, st.State, "the runner keeps going")
	})
}

func TestSinkFailureLoggedOncePerBurst(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, "rt_sink", CollectorFunc(func(context.Context, Target, Emit) error { return nil }), 1)
		f.sink.fail = 3
		errs := `swanwatch_collector_sink_errors_total{kind="rt_sink"}`
		before := counter(errs)
		f.r.SetTargets([]Target{{Kind: "rt_sink", Name: "t"}})
		f.untilFirstRound("t")
		for range 3 {
			f.nextRound()
		}
		assert.Equal(t, before+3, counter(errs))
		assert.Equal(t, 1, f.logs.count("append samples to sink failed"))
		assert.Equal(t, 1, f.logs.count("sample sink recovered"))
		assert.Equal(t, 1, f.logs.count("failed_appends=3"))
		assert.Len(t, f.sink.calls(), 1)
	})
}

func TestStateChangesReportedAndLoggedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var fail atomic.Bool
		c := CollectorFunc(func(context.Context, Target, Emit) error {
			if fail.Load() {
				return errors.New("connection refused")
			}
			return nil
		})
		var mu sync.Mutex
		var changes []string
		sink, logs := &memSink{}, &logBuf{}
		r := NewRunner(RunnerOptions{Sink: sink, Logger: logs.logger(),
			Kinds: map[string]Kind{"rt_state": {Collector: c, Schedule: sched(10*time.Second, 1)}},
			OnStateChange: func(prev State, st TargetStatus) {
				mu.Lock()
				changes = append(changes, string(prev)+"→"+string(st.State)+":"+st.LastError)
				mu.Unlock()
			}})
		startRunner(t, r)
		f := &fixture{r: r, sink: sink, kind: "rt_state", iv: 10 * time.Second}
		r.SetTargets([]Target{{Kind: "rt_state", Name: "t"}})
		f.untilFirstRound("t")
		fail.Store(true)
		f.nextRound()
		f.nextRound()
		fail.Store(false)
		f.nextRound()
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{"unknown→up:", "up→down:connection refused", "down→up:"}, changes)
		assert.Equal(t, 1, logs.count("target down"), "two failed rounds, one log line")
	})
}

func TestEmitAfterReturnIsDropped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var kept atomic.Pointer[Emit]
		c := CollectorFunc(func(_ context.Context, _ Target, emit Emit) error {
			kept.Store(&emit)
			return nil
		})
		f := newFixture(t, "rt_late", c, 1)
		late := `swanwatch_collector_dropped_samples_total{kind="rt_late",reason="emit_after_return"}`
		before := counter(late)
		f.r.SetTargets([]Target{{Kind: "rt_late", Name: "t"}})
		f.untilFirstRound("t")
		(*kept.Load())("leaked", 1)
		assert.Equal(t, before+1, counter(late))
		f.nextRound()
		assert.NotContains(t, f.sink.last(t).samples, `leaked{instance="t",kind="rt_late"}`)
	})
}

func TestRunnerRejectsBadTargetsAndSecondRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, "rt_bad", CollectorFunc(func(context.Context, Target, Emit) error { return nil }), 1)
		unknown := `swanwatch_collector_targets_rejected_total{reason="unknown_kind"}`
		dup := `swanwatch_collector_targets_rejected_total{reason="duplicate"}`
		bu, bd := counter(unknown), counter(dup)
		f.r.SetTargets([]Target{{Kind: "nope", Name: "x"}, {Kind: "rt_bad", Name: "b"},
			{Kind: "rt_bad", Name: "a"}, {Kind: "rt_bad", Name: "a", Address: "other"}})
		assert.Equal(t, bu+1, counter(unknown))
		assert.Equal(t, bd+1, counter(dup))
		ts := f.r.Targets()
		require.Len(t, ts, 2)
		assert.Equal(t, "a", ts[0].Target.Name, "sorted by kind, name")
		assert.Equal(t, "", ts[0].Target.Address, "the first of duplicates wins")
		assert.Equal(t, StateUnknown, ts[1].State)
		synctest.Wait() // the fixture's Run has started
		assert.EqualError(t, f.r.Run(context.Background()), "collector runner already started")
	})
}

func TestTargetsGaugeFollowsStates(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, "rt_gauge", CollectorFunc(func(context.Context, Target, Emit) error { return nil }), 1)
		g := f.r.kinds["rt_gauge"].m.targets
		f.r.SetTargets([]Target{{Kind: "rt_gauge", Name: "a"}, {Kind: "rt_gauge", Name: "b"}})
		synctest.Wait()
		assert.Equal(t, 2.0, g[StateUnknown].Get())
		time.Sleep(f.iv)
		synctest.Wait()
		assert.Equal(t, 0.0, g[StateUnknown].Get())
		assert.Equal(t, 2.0, g[StateUp].Get())
		f.r.SetTargets(nil)
		synctest.Wait()
		assert.Equal(t, 0.0, g[StateUp].Get())
	})
}

func TestKindWithBadScheduleIsDisabled(t *testing.T) {
	logs := &logBuf{}
	r := NewRunner(RunnerOptions{Sink: &memSink{}, Logger: logs.logger(), Kinds: map[string]Kind{
		"rt_nosched": {Collector: CollectorFunc(func(context.Context, Target, Emit) error { return nil })}}})
	unknown := `swanwatch_collector_targets_rejected_total{reason="unknown_kind"}`
	before := counter(unknown)
	r.SetTargets([]Target{{Kind: "rt_nosched", Name: "a"}})
	assert.Empty(t, r.Targets())
	assert.Equal(t, before+1, counter(unknown))
	assert.Equal(t, 1, logs.count("collector kind disabled"))
}
