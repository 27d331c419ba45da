package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/collectors"
)

// TestEvaluatorKeepsLastDataOnQueryError makes a query fail for real: the
// engine's sample limit is 20 and the series grow to 51. The failing panel
// keeps its last value (never 0, never null), the others of the scene move
// on, the failure is counted every round and logged once, then it recovers.
func TestEvaluatorKeepsLastDataOnQueryError(t *testing.T) {
	db := newEvalTestTSDB(t, 20)
	scene := "id: t\ntitle: 测试\npanels:\n" +
		evalTestPanel("load", "kpi", 0, "    query: sum(evaltest_load)\n") +
		evalTestPanel("other", "kpi", 1, "    query: sum(evaltest_other)\n")
	var logs bytes.Buffer
	pub := newEvalTestPublished()
	e, err := New(Options{Scenes: evalTestLoad(t, scene), Query: db.query, Publish: pub.publish,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	require.NoError(t, err)
	e.offset = 0 // rounds on the 15s ticks below
	ctx := context.Background()
	t1 := evalTestAt
	db.add(t, t1.Add(-10*time.Second), 5, "evaltest_load", "i", "0")
	db.add(t, t1.Add(-10*time.Second), 1, "evaltest_other")
	e.round(ctx, t1)
	require.JSONEq(t, `{"value":5}`, pub.panel("t", "load"))

	for i := 1; i <= 50; i++ {
		db.add(t, t1.Add(5*time.Second), 1, "evaltest_load", "i", fmt.Sprint(i))
	}
	before := evalErrors["query"].Get()
	for k, at := range []time.Time{t1.Add(15 * time.Second), t1.Add(30 * time.Second)} {
		db.add(t, at.Add(-time.Second), float64(2+k), "evaltest_other")
		e.round(ctx, at)
		assert.JSONEq(t, `{"value":5}`, pub.panel("t", "load"), "the failing panel keeps its last data")
		assert.JSONEq(t, fmt.Sprintf(`{"value":%d}`, 2+k), pub.panel("t", "other"), "the others move on")
	}
	assert.Equal(t, before+2, evalErrors["query"].Get(), "counted every round")
	assert.Equal(t, 1, strings.Count(logs.String(), "big-screen panel failed"), "logged once: %s", logs.String())
	assert.Contains(t, logs.String(), "too many samples")

	t3 := t1.Add(45 * time.Second)
	for i := 1; i <= 50; i++ {
		db.add(t, t3.Add(-2*time.Second), collectors.StaleNaN, "evaltest_load", "i", fmt.Sprint(i))
	}
	db.add(t, t3.Add(-2*time.Second), 7, "evaltest_load", "i", "0")
	e.round(ctx, t3)
	assert.JSONEq(t, `{"value":7}`, pub.panel("t", "load"), "recovered")
	assert.Equal(t, 1, strings.Count(logs.String(), "big-screen panel recovered"))
}

// evalTestSharedScenes are three scenes, each with a 5s panel on a query all
// share, a 15s panel of its own and a 60s panel all share.
func evalTestSharedScenes(t *testing.T) []scene.Def {
	var defs []scene.Def
	for k := range 3 {
		yaml := fmt.Sprintf("id: s%d\ntitle: 场景%d\npanels:\n", k, k) +
			evalTestPanel("fast", "kpi", 0, "    query: sum(evaltest_fast)\n    refresh: 5s\n") +
			evalTestPanel("mid", "kpi", 1, fmt.Sprintf("    query: sum(evaltest_mid{scene=\"%d\"})\n", k)) +
			evalTestPanel("slow", "kpi", 2, "    query: count(evaltest_slow)\n    refresh: 1m\n")
		defs = append(defs, evalTestLoad(t, yaml)...)
	}
	return defs
}

// evalTestFanout stands in for the hub's side of Publish: every subscriber
// of a scene gets each publish (the hub's own fan-out is its tests' business;
// here it shows that subscribers never reach back into the evaluator).
type evalTestFanout struct {
	subscribers int
	received    map[string][]*atomic.Int64
}

func (f *evalTestFanout) publish(def *scene.Def, panels map[string]json.RawMessage, _ time.Time) {
	if f.received[def.ID] == nil {
		for range f.subscribers {
			f.received[def.ID] = append(f.received[def.ID], &atomic.Int64{})
		}
	}
	for _, r := range f.received[def.ID] {
		r.Add(1)
	}
}

// TestEvaluatorSharedSchedule: 3 scenes × 100 subscribers over a minute of
// the clock; each query runs once per its panel's refresh whatever the
// number of scenes using it and of screens watching, and a scene is
// published once per round that evaluated any of its panels.
func TestEvaluatorSharedSchedule(t *testing.T) {
	db := newEvalTestTSDB(t, 1e6)
	evalTestSharedData(t, db, evalTestAt)
	fan := &evalTestFanout{subscribers: 100, received: map[string][]*atomic.Int64{}}
	e, err := New(Options{Scenes: evalTestSharedScenes(t), Query: db.query, Publish: fan.publish})
	require.NoError(t, err)
	e.offset = 0
	start := evalTestAt // on a minute
	rounds := 0
	for now := start; !now.After(start.Add(time.Minute)); now = e.nextDue() {
		e.round(context.Background(), now)
		rounds++
	}
	assert.Equal(t, 13, rounds, "one round per 5s tick: the 15s and 1m panels join them")
	assert.Equal(t, evalTestSharedCounts(), db.counts())
	for id, subs := range fan.received {
		require.Len(t, subs, 100)
		for _, n := range subs {
			assert.Equal(t, int64(13), n.Load(), "scene %s: one publish per round", id)
		}
	}
}

// evalTestSharedData gives every query of the shared scenes a value over the
// test's minute: a panel without data is asked again sooner (retryEmpty),
// which these tests are not about.
func evalTestSharedData(t testing.TB, db *evalTestTSDB, base time.Time) {
	for at := base.Add(-time.Minute); !at.After(base.Add(2 * time.Minute)); at = at.Add(30 * time.Second) {
		db.add(t, at, 1, "evaltest_fast")
		db.add(t, at, 1, "evaltest_slow")
		for _, sc := range []string{"0", "1", "2"} {
			db.add(t, at, 1, "evaltest_mid", "scene", sc)
		}
	}
}

func evalTestSharedCounts() map[string]int {
	return map[string]int{`sum(evaltest_fast)`: 13, `count(evaltest_slow)`: 2,
		`sum(evaltest_mid{scene="0"})`: 5, `sum(evaltest_mid{scene="1"})`: 5, `sum(evaltest_mid{scene="2"})`: 5}
}

// TestEvaluatorRunOnTheClock runs Run itself for a minute of synctest's
// clock: the first round at once, then the aligned ticks, and a clean stop.
func TestEvaluatorRunOnTheClock(t *testing.T) {
	db := newEvalTestTSDB(t, 1e6)
	synctest.Test(t, func(t *testing.T) {
		evalTestSharedData(t, db, time.Now()) // the bubble's clock
		fan := &evalTestFanout{subscribers: 100, received: map[string][]*atomic.Int64{}}
		e, err := New(Options{Scenes: evalTestSharedScenes(t), Query: db.query, Publish: fan.publish})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- e.Run(ctx) }()
		synctest.Wait()
		assert.Equal(t, int64(1), fan.received["s0"][0].Load(), "the first round comes at once")
		time.Sleep(time.Minute + time.Second)
		cancel()
		require.NoError(t, <-done)
		assert.Equal(t, evalTestSharedCounts(), db.counts())
		assert.Equal(t, int64(13), fan.received["s2"][99].Load())
	})
}

// A panel that found no data is asked again every 10s instead of waiting its
// whole refresh, and goes back to its refresh once the data is there: a wall
// opened right after a start fills in within seconds.
func TestEvaluatorRetriesEmptyPanelsSooner(t *testing.T) {
	db := newEvalTestTSDB(t, 1e6)
	scene := "id: r\ntitle: 重试\npanels:\n" + evalTestPanel("slow", "kpi", 0, "    query: count(evaltest_late)\n    refresh: 1m\n")
	pub := newEvalTestPublished()
	e, err := New(Options{Scenes: evalTestLoad(t, scene), Query: db.query, Publish: pub.publish})
	require.NoError(t, err)
	e.offset = 0
	now := evalTestAt
	var gaps []time.Duration
	for range 6 {
		e.round(context.Background(), now)
		next := e.nextDue()
		gaps = append(gaps, next.Sub(now))
		if len(gaps) == 3 { // the series appears
			db.add(t, next.Add(-time.Second), 1, "evaltest_late")
		}
		now = next
	}
	// With data, the next tick is the aligned minute at least half a refresh on
	// (14:00:30 → 14:02:00), then every minute.
	assert.Equal(t, []time.Duration{10 * time.Second, 10 * time.Second, 10 * time.Second,
		90 * time.Second, time.Minute, time.Minute}, gaps)
}
