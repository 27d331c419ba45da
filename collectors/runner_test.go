package collectors

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// scripted is a collector whose every round runs the current script.
type scripted struct {
	fn atomic.Pointer[func(ctx context.Context, t Target, emit Emit) error]
}

func newScripted(fn func(ctx context.Context, t Target, emit Emit) error) *scripted {
	s := &scripted{}
	s.set(fn)
	return s
}

func (s *scripted) set(fn func(ctx context.Context, t Target, emit Emit) error) { s.fn.Store(&fn) }

func (s *scripted) Collect(ctx context.Context, t Target, emit Emit) error {
	return (*s.fn.Load())(ctx, t, emit)
}

// fixture is one Runner with one kind, inside a synctest bubble.
type fixture struct {
	r    *Runner
	sink *memSink
	logs *logBuf
	kind string
	iv   time.Duration
}

func newFixture(t *testing.T, kind string, c Collector, conc int) *fixture {
	f := &fixture{sink: &memSink{}, logs: &logBuf{}, kind: kind, iv: 10 * time.Second}
	f.r = NewRunner(RunnerOptions{Sink: f.sink, Logger: f.logs.logger(),
		Kinds: map[string]Kind{kind: {Collector: c, Schedule: sched(f.iv, conc)}}})
	startRunner(t, f.r)
	return f
}

func (f *fixture) target(name string) Target {
	return Target{Kind: f.kind, Name: name, Address: "addr-" + name,
		Labels: map[string]string{"district": "湖滨区", "site": "s1", "empty": ""}}
}

// untilFirstRound sleeps until just after the target's first round.
func (f *fixture) untilFirstRound(name string) {
	time.Sleep(firstDelay(f.kind+"/"+name, f.iv, time.Now()) + time.Millisecond)
	synctest.Wait()
}

func (f *fixture) nextRound() {
	time.Sleep(f.iv)
	synctest.Wait()
}

func TestRunnerRoundCarriesTargetLabelsAndOwnSeries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newScripted(func(_ context.Context, _ Target, emit Emit) error {
			time.Sleep(250 * time.Millisecond)
			emit("if_in_octets_total", 42, "ifname", "GE0/0/1")
			emit("temp_celsius", 21.5)
			return nil
		})
		f := newFixture(t, "rt_labels", c, 4)
		f.r.SetTargets([]Target{f.target("sw-1")})
		f.untilFirstRound("sw-1")
		time.Sleep(time.Second)
		synctest.Wait()
		got := f.sink.last(t).samples
		tl := `district="湖滨区",instance="sw-1",kind="rt_labels",site="s1"`
		assert.Equal(t, map[string]float64{
			`if_in_octets_total{district="湖滨区",ifname="GE0/0/1",instance="sw-1",kind="rt_labels",site="s1"}`: 42,
			`temp_celsius{` + tl + `}`:             21.5,
			`up{` + tl + `}`:                       1,
			`collect_duration_seconds{` + tl + `}`: 0.25,
			`collect_samples{` + tl + `}`:          2,
		}, got)
		st, ok := f.r.Status("rt_labels/sw-1")
		require.True(t, ok)
		assert.Equal(t, StateUp, st.State)
		assert.Equal(t, 2, st.Samples)
		assert.Equal(t, 250*time.Millisecond, st.LastDuration)
	})
}

func TestRunnerDropsInvalidSamplesAndContinues(t *testing.T) {
	cases := []struct {
		name   string
		metric string
		labels []string
		reason string
	}{
		{"odd label count", "m", []string{"a"}, dropOddLabels},
		{"invalid metric name", "9m", nil, dropMetricName},
		{"runner series name", "up", nil, dropMetricName},
		{"invalid label name", "m", []string{"a-b", "1"}, dropLabelName},
		{"empty label name", "m", []string{"", "1"}, dropLabelName},
		{"reserved label name", "m", []string{"__x", "1"}, dropLabelName},
		{"clash with inventory label", "m", []string{"district", "x"}, dropLabelClash},
		{"clash with instance", "m", []string{"instance", "x"}, dropLabelClash},
		{"repeated label", "m", []string{"a", "1", "a", "2"}, dropLabelClash},
		{"invalid utf-8 value", "m", []string{"a", "\xff"}, dropLabelValue},
		{"duplicate series", "good", []string{"a", "1", "b", "2"}, dropDuplicate},
		{"duplicate in other order", "good", []string{"b", "2", "a", "1"}, dropDuplicate},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kind := "rt_drop_" + string(rune('a'+i))
			synctest.Test(t, func(t *testing.T) {
				c := newScripted(func(_ context.Context, _ Target, emit Emit) error {
					emit("good", 1, "a", "1", "b", "2")
					emit(tc.metric, 2, tc.labels...)
					emit("after", 3)
					return nil
				})
				f := newFixture(t, kind, c, 1)
				name := `swanwatch_collector_dropped_samples_total{kind="` + kind + `",reason="` + tc.reason + `"}`
				before := counter(name)
				f.r.SetTargets([]Target{f.target("t")})
				f.untilFirstRound("t")
				got := f.sink.last(t).samples
				assert.Len(t, got, 5, "good, after and the 3 runner series: %v", got)
				assert.Contains(t, got, `after{district="湖滨区",instance="t",kind="`+kind+`",site="s1"}`)
				assert.Equal(t, 1.0, got[`up{district="湖滨区",instance="t",kind="`+kind+`",site="s1"}`])
				assert.Equal(t, before+1, counter(name))
			})
		})
	}
}

func TestRunnerMarksVanishedSeriesStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var round atomic.Int32
		c := newScripted(func(_ context.Context, _ Target, emit Emit) error {
			switch round.Add(1) {
			case 1:
				emit("a", 1)
				emit("b", 1, "x", "1")
			case 2:
				emit("a", 2)
			default:
				emit("a", 3)
				return errors.New("device refused")
			}
			return nil
		})
		f := newFixture(t, "rt_stale", c, 1)
		f.r.SetTargets([]Target{{Kind: "rt_stale", Name: "t"}})
		f.untilFirstRound("t")
		f.nextRound()
		got := f.sink.last(t).samples
		assert.Equal(t, 2.0, got[`a{instance="t",kind="rt_stale"}`])
		assert.True(t, isStale(got[`b{instance="t",kind="rt_stale",x="1"}`]), "b vanished: %v", got)

		f.nextRound() // failed round: no collector samples, a goes stale
		got = f.sink.last(t).samples
		assert.True(t, isStale(got[`a{instance="t",kind="rt_stale"}`]))
		assert.Equal(t, 0.0, got[`up{instance="t",kind="rt_stale"}`])
		assert.Equal(t, 0.0, got[`collect_samples{instance="t",kind="rt_stale"}`])
		assert.Len(t, got, 4)

		f.nextRound() // still failing: nothing left to mark
		assert.Len(t, f.sink.last(t).samples, 3)
		st, _ := f.r.Status("rt_stale/t")
		assert.Equal(t, StateDown, st.State)
		assert.Equal(t, "device refused", st.LastError)
	})
}

func TestRunnerRemovedTargetGetsStaleMarkers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newScripted(func(_ context.Context, _ Target, emit Emit) error {
			emit("a", 1, "x", "1")
			return nil
		})
		f := newFixture(t, "rt_remove", c, 1)
		f.r.SetTargets([]Target{{Kind: "rt_remove", Name: "t"}, {Kind: "rt_remove", Name: "keep"}})
		f.untilFirstRound("t")
		n := len(f.sink.calls())
		f.r.SetTargets([]Target{{Kind: "rt_remove", Name: "keep"}})
		synctest.Wait()
		calls := f.sink.calls()
		require.Len(t, calls, n+1)
		got := calls[n].samples
		require.Len(t, got, 4, "a, up, collect_duration_seconds, collect_samples: %v", got)
		for k, v := range got {
			assert.True(t, isStale(v), k)
			assert.Contains(t, k, `instance="t"`)
		}
		_, ok := f.r.Status("rt_remove/t")
		assert.False(t, ok)
		assert.Len(t, f.r.Targets(), 1)
	})
}
