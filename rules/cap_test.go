package rules

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	promrules "github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// vectorOf returns n samples, as a query over n series would.
func vectorOf(n int) promql.Vector {
	vec := make(promql.Vector, n)
	for i := range vec {
		vec[i] = promql.Sample{Metric: labels.FromStrings("i", fmt.Sprint(i)), F: 1}
	}
	return vec
}

// TestCapperRefusesOnlyAnAlertingRulesOwnQuery: recording rules and template
// queries pass whatever their size; an alerting rule over its group's cap is
// refused, its series written, and marked stale once it is back under.
func TestCapperRefusesOnlyAnAlertingRulesOwnQuery(t *testing.T) {
	db := openDB(t)
	sizes := map[string]int{"big": 10, "small": 3}
	c := newCapper(func(_ context.Context, qs string, _ time.Time) (promql.Vector, error) {
		return vectorOf(sizes[qs]), nil
	}, db, discard())
	c.setRules(map[string]ruleInfo{ruleKey("Big", "big"): {group: "g", limit: 5}, ruleKey("Small", "small"): {group: "g", limit: 5}})
	at := time.Now().Add(-time.Minute).Truncate(time.Second)
	tests := []struct {
		name, qs string
		detail   promrules.RuleDetail
		wantErr  string
	}{
		{"recording over the cap", "big", promrules.RuleDetail{Name: "r", Query: "big", Kind: promrules.KindRecording}, ""},
		{"template query", "big", promrules.RuleDetail{Name: "Small", Query: "small", Kind: promrules.KindAlerting}, ""},
		{"no origin", "big", promrules.RuleDetail{}, ""},
		{"alerting under", "small", promrules.RuleDetail{Name: "Small", Query: "small", Kind: promrules.KindAlerting}, ""},
		{"alerting over", "big", promrules.RuleDetail{Name: "Big", Query: "big", Kind: promrules.KindAlerting},
			"alerting rule Big produced 10 alerts, more than its cap of 5: evaluation refused"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := cappedTotal.Get()
			vec, err := c.query(promrules.NewOriginContext(context.Background(), tt.detail), tt.qs, at)
			if tt.wantErr != "" {
				require.ErrorContains(t, err, tt.wantErr)
				assert.Nil(t, vec)
				assert.Equal(t, before+1, cappedTotal.Get())
				return
			}
			require.NoError(t, err)
			assert.Len(t, vec, sizes[tt.qs])
			assert.Equal(t, before, cappedTotal.Get())
		})
	}
	assert.Equal(t, map[string]float64{`{__name__="swanwatch_rule_capped_alerts", limit="5", rule="Big", rule_group="g"}`: 10},
		queryAt(t, db, CappedMetric, at))
	sizes["big"] = 4
	_, err := c.query(promrules.NewOriginContext(context.Background(),
		promrules.RuleDetail{Name: "Big", Query: "big", Kind: promrules.KindAlerting}), "big", at.Add(time.Second))
	require.NoError(t, err)
	assert.Empty(t, queryAt(t, db, CappedMetric, at.Add(time.Second)), "stale once under the cap")
}

// appendExplosion writes one sample now for n series of explode{i}.
func appendExplosion(t *testing.T, db *tsdb.DB, n int) {
	t.Helper()
	app := db.Appender(context.Background())
	ts := time.Now().UnixMilli()
	for i := range n {
		_, err := app.Append(0, labels.FromStrings("__name__", "explode", "i", fmt.Sprint(i), "district", "湖滨区"), ts, 1)
		require.NoError(t, err)
	}
	require.NoError(t, app.Commit())
}

func heapInuse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// alertLog records what OnAlerts received.
type alertLog struct {
	mu       sync.Mutex
	maxBatch int
	byName   map[string]int
}

func (l *alertLog) onAlerts(_ context.Context, alerts []alerting.Alert) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.maxBatch = max(l.maxBatch, len(alerts))
	for _, a := range alerts {
		l.byName[a.Labels["alertname"]]++
	}
}

func (l *alertLog) count(name string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.byName[name]
}

// queryAt evaluates expr at ts against db and returns value by label string.
func queryAt(t *testing.T, db *tsdb.DB, expr string, ts time.Time) map[string]float64 {
	t.Helper()
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, Parser: parserFor()})
	q, err := eng.NewInstantQuery(context.Background(), db, nil, expr, ts)
	require.NoError(t, err)
	defer q.Close()
	res := q.Exec(context.Background())
	require.NoError(t, res.Err)
	vec, err := res.Vector()
	require.NoError(t, err)
	out := map[string]float64{}
	for _, s := range vec {
		out[s.Metric.String()] = s.F
	}
	return out
}

func findRule(t *testing.T, e *Engine, name string) *promrules.AlertingRule {
	t.Helper()
	for _, g := range e.Groups() {
		for _, r := range g.AlertingRules() {
			if r.Name() == name {
				return r
			}
		}
	}
	t.Fatalf("no alerting rule %s", name)
	return nil
}

const explosionRules = `groups:
- name: explosion
  rules:
  - alert: Exploded
    expr: explode > 0
    labels: {severity: minor}
    annotations: {summary: "{{ $labels.district }} {{ $labels.i }}"}
  - alert: OneOfThem
    expr: explode{i="7"} > 0
`

// TestAlertCapHoldsOnRealTSDB: a rule matching 100,000 series is refused at
// every evaluation, its health says why, nothing of it reaches OnAlerts, the
// capped series is in the TSDB for the platform alert, the rule beside it in
// the same group still alerts, and the heap stays bounded.
func TestAlertCapHoldsOnRealTSDB(t *testing.T) {
	const series = 100_000
	db := openDB(t)
	appendExplosion(t, db, series)
	file := writeRuleFile(t, t.TempDir(), "explode.yml", explosionRules)
	got := &alertLog{byName: map[string]int{}}
	e, err := New(Options{Appendable: db, Queryable: db, Interval: 500 * time.Millisecond, Files: []string{file}, OnAlerts: got.onAlerts})
	require.NoError(t, err)
	before, capped := heapInuse(), cappedTotal.Get()

	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- e.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-runErr) }()
	require.Eventually(t, func() bool { return cappedTotal.Get() >= capped+3 && got.count("OneOfThem") > 0 },
		time.Minute, 50*time.Millisecond, "three refused evaluations and the neighbour's alert")
	after := heapInuse()
	t.Logf("HeapInuse before %d MiB, after three capped evaluations of %d series %d MiB (delta %+d MiB)",
		before>>20, series, after>>20, (int64(after)-int64(before))>>20)

	r := findRule(t, e, "Exploded")
	assert.Equal(t, promrules.HealthBad, r.Health())
	assert.ErrorContains(t, r.LastError(), "produced 100000 alerts, more than its cap of 5000")
	assert.Empty(t, r.ActiveAlerts(), "no alert of the refused rule is held")
	assert.Zero(t, got.count("Exploded"), "nothing of the refused rule reaches OnAlerts")
	assert.LessOrEqual(t, got.maxBatch, DefaultAlertLimit)
	assert.Equal(t, map[string]float64{`{__name__="swanwatch_rule_capped_alerts", limit="5000", rule="Exploded", rule_group="explosion"}`: series},
		query(t, db, CappedMetric))
	// The TSDB's head with 100,000 series is in "before"; what the engine
	// adds is the query result of one evaluation at most (tens of MiB).
	assert.Less(t, int64(after)-int64(before), int64(256<<20), "heap grew by more than 256 MiB")
}

// TestCapperStaleWhenRuleRemoved: a reload that removes a capped rule marks
// its series stale at once rather than leaving it for the lookback window.
func TestCapperStaleWhenRuleRemoved(t *testing.T) {
	db := openDB(t)
	c := newCapper(func(context.Context, string, time.Time) (promql.Vector, error) { return vectorOf(3), nil }, db, discard())
	c.setRules(map[string]ruleInfo{ruleKey("Big", "big"): {group: "g", limit: 2}})
	at := time.Now().Add(-time.Second)
	_, err := c.query(promrules.NewOriginContext(context.Background(),
		promrules.RuleDetail{Name: "Big", Query: "big", Kind: promrules.KindAlerting}), "big", at)
	require.Error(t, err)
	require.Len(t, queryAt(t, db, CappedMetric, at), 1)
	c.setRules(map[string]ruleInfo{})
	assert.Empty(t, query(t, db, CappedMetric))
}
