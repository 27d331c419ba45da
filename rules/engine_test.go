package rules

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	promrules "github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appendAgents writes up{kind="agent"} for n VMs over the last two minutes,
// every agent i with i%3 == 0 offline, all in two districts.
func appendAgents(t *testing.T, db *tsdb.DB, n int) {
	t.Helper()
	app := db.Appender(context.Background())
	now := time.Now()
	for i := range n {
		ls := labels.FromStrings("__name__", "up", "kind", "agent", "instance", fmt.Sprintf("vm-%d:9100", i),
			"district", []string{"湖滨区", "陕州区"}[i%2], "system", "政务服务")
		v := 1.0
		if i%3 == 0 {
			v = 0
		}
		for ts := now.Add(-2 * time.Minute); !ts.After(now); ts = ts.Add(15 * time.Second) {
			_, err := app.Append(0, ls, ts.UnixMilli(), v)
			require.NoError(t, err)
		}
	}
	require.NoError(t, app.Commit())
}

// query evaluates expr now against db and returns value by label string.
func query(t *testing.T, db *tsdb.DB, expr string) map[string]float64 {
	t.Helper()
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, Parser: parserFor()})
	q, err := eng.NewInstantQuery(context.Background(), db, nil, expr, time.Now())
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

func writeRuleFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	return p
}

// TestRunEvaluatesPacksAndUserFiles runs the engine on the wall clock over a
// real TSDB: the embedded agent pack and a user file both record, a new bad
// file is skipped on reload, a good reload swaps the user rules.
func TestRunEvaluatesPacksAndUserFiles(t *testing.T) {
	db := openDB(t)
	appendAgents(t, db, 12)
	dir := t.TempDir()
	user := writeRuleFile(t, dir, "user.yml", "groups:\n- name: user\n  rules:\n  - record: user:up:sum\n    expr: sum(up)\n")
	e, err := New(Options{Appendable: db, Queryable: db, Interval: 500 * time.Millisecond, Files: []string{filepath.Join(dir, "*.yml")}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- e.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-runErr) }()

	// 12 agents, 6 per district, offline when i%3 == 0: two in each.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		got := query(t, db, "swanwatch:agent_online:ratio")
		assert.Len(c, got, 2)
		for k, v := range got {
			assert.InDelta(c, 4.0/6, v, 1e-9, k)
		}
	}, 15*time.Second, 100*time.Millisecond)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, map[string]float64{`{__name__="user:up:sum"}`: 8}, query(t, db, "user:up:sum"))
	}, 15*time.Second, 100*time.Millisecond)
	packs := len(Packs()) // each shipped pack has one group
	require.Len(t, e.Groups(), packs+1)

	bad := writeRuleFile(t, dir, "bad.yml", "groups:\n- name: bad\n  rules:\n  - record: bad\n    expr: sum(up\n")
	err = e.Reload([]string{user, bad})
	var fp *FileProblems
	require.ErrorAs(t, err, &fp)
	require.ErrorContains(t, err, bad+":5:")
	assert.Equal(t, 1, fp.Files)
	assert.Len(t, e.Groups(), packs+1, "a new bad file is skipped, the running groups stay")

	other := writeRuleFile(t, t.TempDir(), "other.yml", "groups:\n- name: other\n  rules:\n  - record: other:up:count\n    expr: count(up)\n")
	require.NoError(t, e.Reload([]string{other}))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, map[string]float64{`{__name__="other:up:count"}`: 12}, query(t, db, "other:up:count"))
	}, 15*time.Second, 100*time.Millisecond)
	names := map[string]bool{}
	for _, g := range e.Groups() {
		names[g.Name()] = true
	}
	assert.Len(t, names, packs+1)
	assert.True(t, names["swanwatch-agent"] && names["other"], "the packs stay, the user rules are swapped: %v", names)
	assert.False(t, names["user"], "the old user group is gone")
}

func TestRunOnce(t *testing.T) {
	db := openDB(t)
	e := newEngine(t, db, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, e.Run(ctx))
	require.ErrorContains(t, e.Run(context.Background()), "already ran")
	// Reload after the end is accepted and changes nothing running.
	require.NoError(t, e.Reload(nil))
}

func TestNewRejects(t *testing.T) {
	db := openDB(t)
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no storage", Options{}, "needs an appendable"},
		{"bad url", Options{Appendable: db, Queryable: db, ExternalURL: "http://[::1"}, "parse external url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.opts)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// TestNewSkipsBadFiles: a file in error at startup is reported with its
// position and skipped; the packs and the good file still load.
func TestNewSkipsBadFiles(t *testing.T) {
	db := openDB(t)
	dir := t.TempDir()
	good := writeRuleFile(t, dir, "good.yml", "groups:\n- name: good\n  rules:\n  - record: r\n    expr: up\n")
	badExpr := writeRuleFile(t, dir, "expr.yml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(up\n")
	unknown := writeRuleFile(t, dir, "unknown.yml", "groups:\n- name: g\n  interval: 1m\n  rulez: []\n")
	tests := []struct {
		name, file, want string
	}{
		{"missing file", filepath.Join(dir, "none.yml"), "none.yml: file does not exist"},
		{"bad glob", "[x", "pattern"},
		{"bad promql", badExpr, badExpr + ":5:11: group \"g\", rule 1, \"r\": could not parse expression"},
		{"unknown field", unknown, unknown + ":4: field rulez not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Options{Appendable: db, Queryable: db, Files: []string{good, tt.file}})
			require.NoError(t, err)
			probs := e.Problems()
			require.Len(t, probs, 1)
			assert.ErrorContains(t, probs[0], tt.want)
			assert.Equal(t, 1.0, filesInError.Get())
			assert.Equal(t, append(Packs(), good), e.files, "the bad file is left out, the others load")
		})
	}
	e, err := New(Options{Appendable: db, Queryable: db, Files: []string{good}})
	require.NoError(t, err)
	assert.Empty(t, e.Problems())
	assert.Zero(t, filesInError.Get())
}

func TestNotifyCountsByState(t *testing.T) {
	e := newEngine(t, openDB(t), nil)
	firing := metrics.GetOrCreateCounter(`swanwatch_rules_alert_notifications_total{state="firing"}`)
	resolved := metrics.GetOrCreateCounter(`swanwatch_rules_alert_notifications_total{state="resolved"}`)
	f0, r0 := firing.Get(), resolved.Get()
	ls := labels.FromStrings("alertname", "AgentOffline", "instance", "vm-1:9100")
	e.notify(context.Background(), "up == 0",
		&promrules.Alert{Labels: ls, State: promrules.StateFiring},
		&promrules.Alert{Labels: ls, ResolvedAt: time.Now()},
		&promrules.Alert{Labels: ls, State: promrules.StateFiring})
	assert.Equal(t, f0+2, firing.Get())
	assert.Equal(t, r0+1, resolved.Get())
}

func TestReloadCounted(t *testing.T) {
	e := newEngine(t, openDB(t), nil)
	tests := []struct {
		result string
		files  []string
	}{
		{"partial", []string{filepath.Join(t.TempDir(), "none.yml")}},
		{"success", nil},
	}
	for _, tt := range tests {
		t.Run(tt.result, func(t *testing.T) {
			c := metrics.GetOrCreateCounter(`swanwatch_rules_reloads_total{result="` + tt.result + `"}`)
			before := c.Get()
			err := e.Reload(tt.files)
			assert.Equal(t, tt.result == "partial", err != nil, "%v", err)
			assert.Equal(t, before+1, c.Get())
		})
	}
}
