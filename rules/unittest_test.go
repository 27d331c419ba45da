package rules

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	promrules "github.com/prometheus/prometheus/rules"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// unitFile is the subset of promtool's rule unit-test format that the packs
// use: input_series, promql_expr_test, alert_rule_test and group_eval_order.
// Unknown fields fail, so a test never silently checks less than it says.
type unitFile struct {
	RuleFiles          []string       `yaml:"rule_files"`
	EvaluationInterval model.Duration `yaml:"evaluation_interval"`
	GroupEvalOrder     []string       `yaml:"group_eval_order"`
	Tests              []unitGroup    `yaml:"tests"`
}

type unitGroup struct {
	Name        string         `yaml:"name"`
	Interval    model.Duration `yaml:"interval"`
	InputSeries []struct {
		Series string `yaml:"series"`
		Values string `yaml:"values"`
	} `yaml:"input_series"`
	ExprTests  []exprTest  `yaml:"promql_expr_test"`
	AlertTests []alertTest `yaml:"alert_rule_test"`
}

type exprTest struct {
	Expr       string         `yaml:"expr"`
	EvalTime   model.Duration `yaml:"eval_time"`
	ExpSamples []struct {
		Labels string  `yaml:"labels"`
		Value  float64 `yaml:"value"`
	} `yaml:"exp_samples"`
}

type alertTest struct {
	EvalTime  model.Duration `yaml:"eval_time"`
	Alertname string         `yaml:"alertname"`
	ExpAlerts []struct {
		ExpLabels      map[string]string `yaml:"exp_labels"`
		ExpAnnotations map[string]string `yaml:"exp_annotations"`
	} `yaml:"exp_alerts"`
}

// TestRulePackUnitFiles runs every testdata/*.test.yml against the real
// rules.Manager groups over a real TSDB.
func TestRulePackUnitFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.test.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			uf := readUnitFile(t, path)
			for i, g := range uf.Tests {
				t.Run(fmt.Sprintf("%d %s", i, g.Name), func(t *testing.T) { runUnitGroup(t, path, uf, g) })
			}
		})
	}
}

func readUnitFile(t *testing.T, path string) unitFile {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var uf unitFile
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&uf))
	if uf.EvaluationInterval == 0 {
		uf.EvaluationInterval = model.Duration(time.Minute)
	}
	return uf
}

// ruleIDs maps rule_files to loader identifiers: a file under packs/ is
// read from the embedded FS, so the binary's copy is what gets tested.
func ruleIDs(testPath string, files []string) []string {
	var ids []string
	for _, f := range files {
		p := filepath.Join(filepath.Dir(testPath), f)
		if filepath.Dir(p) == "packs" {
			p = packPrefix + filepath.ToSlash(p)
		}
		ids = append(ids, p)
	}
	return ids
}

func runUnitGroup(t *testing.T, testPath string, uf unitFile, g unitGroup) {
	db := openDB(t)
	loadSeries(t, db, g)
	e := newEngine(t, db, nil)
	groups, errs := e.mgr.LoadGroups(time.Duration(uf.EvaluationInterval), labels.EmptyLabels(), "", nil, false, ruleIDs(testPath, uf.RuleFiles)...)
	require.Empty(t, errs)
	ordered := evalOrder(groups, uf.GroupEvalOrder)
	for _, gr := range ordered {
		for _, r := range gr.AlertingRules() {
			r.SetRestored(true) // as promtool: no earlier state to restore, write ALERTS now
		}
	}
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e6, Timeout: time.Minute, Parser: parserFor()})
	step, last := time.Duration(uf.EvaluationInterval), lastEval(g)
	checked := 0
	for ts := time.Duration(0); ts <= last; ts += step {
		at := time.Unix(0, 0).Add(ts).UTC()
		for _, gr := range ordered {
			gr.Eval(context.Background(), at)
		}
		checked += checkAlerts(t, ordered, g.AlertTests, ts, at)
		checked += checkExprs(t, eng, db, g.ExprTests, ts, at)
	}
	require.Equal(t, len(g.AlertTests)+len(g.ExprTests), checked, "an eval_time is not a multiple of evaluation_interval")
}

// evalOrder is the order groups are evaluated in each round: group_eval_order
// as promtool takes it (a group it does not name comes first), then by file
// and name.
func evalOrder(groups map[string]*promrules.Group, order []string) []*promrules.Group {
	pos := map[string]int{}
	for i, name := range order {
		pos[name] = i
	}
	return slices.SortedFunc(maps.Values(groups), func(a, b *promrules.Group) int {
		return cmp.Or(cmp.Compare(pos[a.Name()], pos[b.Name()]), strings.Compare(a.File()+a.Name(), b.File()+b.Name()))
	})
}

func lastEval(g unitGroup) time.Duration {
	var last model.Duration
	for _, x := range g.ExprTests {
		last = max(last, x.EvalTime)
	}
	for _, a := range g.AlertTests {
		last = max(last, a.EvalTime)
	}
	return time.Duration(last)
}

// loadSeries appends promtool's series notation, one value per interval from t=0.
func loadSeries(t *testing.T, db appendQueryable, g unitGroup) {
	t.Helper()
	p := parserFor()
	interval := time.Duration(g.Interval)
	if interval == 0 {
		interval = time.Minute
	}
	app := db.Appender(context.Background())
	for _, s := range g.InputSeries {
		ls, vals, err := p.ParseSeriesDesc(s.Series + " " + s.Values)
		require.NoError(t, err, s.Series)
		for i, v := range vals {
			if v.Omitted {
				continue
			}
			_, err := app.Append(0, ls, (time.Duration(i) * interval).Milliseconds(), v.Value)
			require.NoError(t, err)
		}
	}
	require.NoError(t, app.Commit())
}

func checkExprs(t *testing.T, eng *promql.Engine, db appendQueryable, tests []exprTest, ts time.Duration, at time.Time) int {
	n := 0
	for _, x := range tests {
		if time.Duration(x.EvalTime) != ts {
			continue
		}
		n++
		q, err := eng.NewInstantQuery(context.Background(), db, nil, x.Expr, at)
		require.NoError(t, err, x.Expr)
		res := q.Exec(context.Background())
		require.NoError(t, res.Err, x.Expr)
		vec, err := res.Vector()
		require.NoError(t, err, x.Expr)
		got := map[string]float64{}
		for _, s := range vec {
			got[s.Metric.String()] = s.F
		}
		want := map[string]float64{}
		for _, s := range x.ExpSamples {
			ls, err := parserFor().ParseMetric(s.Labels)
			require.NoError(t, err, s.Labels)
			want[ls.String()] = s.Value
		}
		q.Close()
		assertSamples(t, fmt.Sprintf("%s at %s", x.Expr, ts), want, got)
	}
	return n
}

func assertSamples(t *testing.T, what string, want, got map[string]float64) {
	t.Helper()
	require.ElementsMatch(t, slices.Collect(mapKeys(want)), slices.Collect(mapKeys(got)), what)
	for k, w := range want {
		assert.LessOrEqual(t, math.Abs(w-got[k]), 1e-9*max(1, math.Abs(w)), "%s: %s want %v got %v", what, k, w, got[k])
	}
}

func checkAlerts(t *testing.T, groups []*promrules.Group, tests []alertTest, ts time.Duration, at time.Time) int {
	n := 0
	for _, a := range tests {
		if time.Duration(a.EvalTime) != ts {
			continue
		}
		n++
		var want, got []string
		for _, ea := range a.ExpAlerts {
			ls := labels.FromMap(ea.ExpLabels)
			ls = labels.NewBuilder(ls).Set("alertname", a.Alertname).Labels()
			want = append(want, ls.String()+" "+labels.FromMap(ea.ExpAnnotations).String())
		}
		for _, al := range firing(groups, a.Alertname) {
			got = append(got, al.Labels.String()+" "+al.Annotations.String())
		}
		assert.ElementsMatch(t, want, got, "%s at %s (%s)", a.Alertname, ts, at)
	}
	return n
}

func firing(groups []*promrules.Group, name string) []*promrules.Alert {
	var out []*promrules.Alert
	for _, g := range groups {
		for _, r := range g.AlertingRules() {
			if r.Name() != name {
				continue
			}
			for _, al := range r.ActiveAlerts() {
				if al.State == promrules.StateFiring {
					out = append(out, al)
				}
			}
		}
	}
	return out
}
