package dashboards_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Grafana's interval variables become a duration; every other variable a
// plain word (they only appear inside label matcher strings here).
var (
	intervalVar = regexp.MustCompile(`\$__(rate_interval|interval|range)\b|\$\{__(rate_interval|interval|range)\}`)
	otherVar    = regexp.MustCompile(`\$\{[^}]+\}|\$[A-Za-z_]\w*`)
	labelValues = regexp.MustCompile(`^label_values\(\s*(.+?)\s*,\s*\w+\s*\)$`)
)

func substituteVars(expr string) string {
	return otherVar.ReplaceAllString(intervalVar.ReplaceAllString(expr, "5m"), "var")
}

// metricNames parses expr and returns the metric names its selectors use; a
// selector without a plain name is an error (nothing could check it).
func metricNames(expr string) ([]string, error) {
	e, err := parser.NewParser(parser.Options{}).ParseExpr(substituteVars(expr))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	var names []string
	var errs []string
	parser.Inspect(e, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			if vs.Name == "" {
				errs = append(errs, "selector "+vs.String()+" has no metric name")
			}
			names = append(names, vs.Name)
		}
		return nil
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return names, nil
}

type allowed struct {
	exact    map[string]bool
	prefixes []string
}

func (a allowed) has(name string) bool {
	return a.exact[name] || slices.ContainsFunc(a.prefixes, func(p string) bool { return strings.HasPrefix(name, p) })
}

// checkDashboard returns one problem per bad query, naming the dashboard, the
// panel (or variable) and the metric.
func checkDashboard(file string, d grafanaDashboard, ok allowed) []string {
	var problems []string
	check := func(where, expr string) {
		names, err := metricNames(expr)
		if err != nil {
			problems = append(problems, fmt.Sprintf("dashboard %s, %s: %q: %v", file, where, expr, err))
		}
		for _, n := range names {
			if !ok.has(n) {
				problems = append(problems, fmt.Sprintf("dashboard %s, %s: metric %q is not one SwanWatch produces", file, where, n))
			}
		}
	}
	for _, p := range allPanels(d.Panels) {
		for _, tg := range p.Targets {
			check(fmt.Sprintf("panel %q (id %d) target %s", p.Title, p.ID, tg.RefID), tg.Expr)
		}
	}
	for _, v := range d.Templating.List {
		if v.Type != "query" {
			continue
		}
		m := labelValues.FindStringSubmatch(v.Definition)
		if m == nil {
			problems = append(problems, fmt.Sprintf("dashboard %s, variable %q: want label_values(metric, label), got %q", file, v.Name, v.Definition))
			continue
		}
		check(fmt.Sprintf("variable %q", v.Name), m[1])
	}
	return problems
}

func allPanels(ps []grafanaPanel) []grafanaPanel {
	var out []grafanaPanel
	for _, p := range ps {
		out = append(out, p)
		out = append(out, allPanels(p.Panels)...)
	}
	return out
}

func TestGrafanaQueriesUseProducedMetrics(t *testing.T) {
	exact, prefixes := producedMetrics(t)
	ok := allowed{exact, prefixes}
	for file, d := range loadGrafana(t) {
		t.Run(file, func(t *testing.T) {
			targets := 0
			for _, p := range allPanels(d.Panels) {
				targets += len(p.Targets)
			}
			require.Positive(t, targets, "a dashboard without queries checks nothing")
			assert.Empty(t, checkDashboard(file, d, ok))
		})
	}
}

// The checker itself: it must name the dashboard, the panel and the metric.
func TestGrafanaCheckerNamesTheCulprit(t *testing.T) {
	ok := allowed{exact: map[string]bool{"up": true}, prefixes: []string{"node_"}}
	for _, tc := range []struct {
		name, expr, want string
	}{
		{"known", `avg by (kind) (avg_over_time(up{district=~"$district"}[$__rate_interval]))`, ""},
		{"prefix", `rate(node_anything_total[${__interval}])`, ""},
		{"unknown metric", `sum(rate(http_requests_total[5m]))`, `dashboard x.json, panel "面板" (id 7) target A: metric "http_requests_total" is not one SwanWatch produces`},
		{"syntax", `sum(up`, `dashboard x.json, panel "面板" (id 7) target A: "sum(up": parse:`},
		{"no name", `{__name__=~"up|down"}`, "has no metric name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var d grafanaDashboard
			require.NoError(t, json.Unmarshal([]byte(fmt.Sprintf(
				`{"panels":[{"id":7,"title":"面板","targets":[{"refId":"A","expr":%q}]}]}`, tc.expr)), &d))
			problems := checkDashboard("x.json", d, ok)
			if tc.want == "" {
				assert.Empty(t, problems)
				return
			}
			require.Len(t, problems, 1)
			assert.Contains(t, problems[0], tc.want)
		})
	}
}

func TestGrafanaDashboardsMatchTheScenes(t *testing.T) {
	all := loadGrafana(t)
	var files []string
	uids := map[string]bool{}
	for file, d := range all {
		files = append(files, file)
		assert.False(t, uids[d.UID], "uid %s used twice", d.UID)
		uids[d.UID] = true
		assert.True(t, hasHan(d.Title), "%s: title %q is not Chinese", file, d.Title)
		require.Len(t, d.Inputs, 1, file)
		assert.Equal(t, "DS_SWANWATCH", d.Inputs[0].Name, file)
	}
	slices.Sort(files)
	assert.Equal(t, wantDashboards, files)
}

func TestGrafanaPanelsQuerySwanWatch(t *testing.T) {
	for file, d := range loadGrafana(t) {
		t.Run(file, func(t *testing.T) {
			ids := map[int]bool{}
			for _, p := range allPanels(d.Panels) {
				assert.False(t, ids[p.ID], "panel id %d twice", p.ID)
				ids[p.ID] = true
				assert.True(t, hasHan(p.Title), "panel %d: title %q is not Chinese", p.ID, p.Title)
				assert.LessOrEqual(t, p.GridPos.X+p.GridPos.W, 24, "panel %q: wider than the grid", p.Title)
				if p.Type == "text" || p.Type == "row" {
					continue
				}
				require.NotNil(t, p.Datasource, "panel %q", p.Title)
				assert.Equal(t, dsInput, p.Datasource.UID, "panel %q", p.Title)
				for _, tg := range p.Targets {
					require.NotNil(t, tg.Datasource, "panel %q target %s", p.Title, tg.RefID)
					assert.Equal(t, dsInput, tg.Datasource.UID, "panel %q target %s", p.Title, tg.RefID)
				}
			}
			for _, v := range d.Templating.List {
				require.NotNil(t, v.Datasource, "variable %s", v.Name)
				assert.Equal(t, dsInput, v.Datasource.UID, "variable %s", v.Name)
			}
		})
	}
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}
