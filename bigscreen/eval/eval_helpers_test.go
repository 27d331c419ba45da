package eval

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// evalTestTSDB is the embedded TSDB (internal/storage) with a PromQL engine
// over it, as the query API runs one; queries counts every executed query.
type evalTestTSDB struct {
	store   *storage.Storage
	engine  *promql.Engine
	queries atomic.Int64
	mu      sync.Mutex
	byExpr  map[string]int
}

func newEvalTestTSDB(t testing.TB, maxSamples int) *evalTestTSDB {
	t.Helper()
	s, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: maxSamples, Timeout: time.Minute,
		LookbackDelta: 5 * time.Minute, Parser: parser.NewParser(parser.Options{})})
	return &evalTestTSDB{store: s, engine: eng, byExpr: map[string]int{}}
}

// query is Options.Query over the TSDB.
func (d *evalTestTSDB) query(ctx context.Context, expr string, at time.Time) (promql.Vector, error) {
	d.queries.Add(1)
	d.mu.Lock()
	d.byExpr[expr]++
	d.mu.Unlock()
	q, err := d.engine.NewInstantQuery(ctx, d.store.Queryable(), nil, expr, at)
	if err != nil {
		return nil, err
	}
	defer q.Close()
	res := q.Exec(ctx)
	if res.Err != nil {
		return nil, res.Err
	}
	return res.Vector()
}

func (d *evalTestTSDB) counts() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := map[string]int{}
	for k, v := range d.byExpr {
		out[k] = v
	}
	return out
}

// add appends one sample per series at ts; a series is its name then
// label pairs.
func (d *evalTestTSDB) add(t testing.TB, ts time.Time, v float64, series ...string) {
	t.Helper()
	require.NoError(t, d.store.Append(context.Background(), ts, []collectors.Sample{evalTestSample(v, series...)}))
}

func evalTestSample(v float64, series ...string) collectors.Sample {
	ls := []collectors.Label{{Name: "__name__", Value: series[0]}}
	for i := 1; i+1 < len(series); i += 2 {
		ls = append(ls, collectors.Label{Name: series[i], Value: series[i+1]})
	}
	slices.SortFunc(ls, func(a, b collectors.Label) int { return cmp.Compare(a.Name, b.Name) })
	return collectors.Sample{Labels: ls, Value: v}
}

// evalTestIncidents opens the real incident store on a SQLite file.
func evalTestIncidents(t testing.TB, now func() time.Time) *alerting.Incidents {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return alerting.NewIncidents(db, now)
}

// evalTestPublished records what the evaluator publishes, per scene.
type evalTestPublished struct {
	mu     sync.Mutex
	panels map[string]map[string]json.RawMessage
	at     map[string]time.Time
	count  map[string]int
}

func newEvalTestPublished() *evalTestPublished {
	return &evalTestPublished{panels: map[string]map[string]json.RawMessage{}, at: map[string]time.Time{},
		count: map[string]int{}}
}

func (p *evalTestPublished) publish(def *scene.Def, panels map[string]json.RawMessage, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.panels[def.ID], p.at[def.ID] = panels, at
	p.count[def.ID]++
}

func (p *evalTestPublished) panel(scene, id string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return string(p.panels[scene][id])
}

// evalTestTime renders a time as the JSON the evaluator publishes for it
// (the store hands times back in the local zone, to the millisecond).
func evalTestTime(t time.Time) string {
	b, _ := json.Marshal(time.UnixMilli(t.UnixMilli()))
	return string(b)
}

func evalTestPanel(id, typ string, x int, body string) string {
	return fmt.Sprintf("  - id: %s\n    title: %s\n    type: %s\n    grid: {x: %d, y: 0, w: 1, h: 1}\n%s", id, id, typ, x, body)
}
