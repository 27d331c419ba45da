package bigscreen

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/dashboards"
)

func TestShippedScenesLoad(t *testing.T) {
	defs, err := LoadScenes(dashboards.Screens, "screens/*.yaml")
	require.NoError(t, err)
	titles := map[string]string{}
	for _, d := range defs {
		titles[d.ID] = d.Title
		for _, p := range d.Panels {
			assert.GreaterOrEqual(t, p.Refresh, time.Second, "%s/%s", d.ID, p.ID)
		}
	}
	assert.Equal(t, map[string]string{"city": "全市总览", "wan": "电子政务外网", "cloud": "政务云",
		"duty": "告警与值班"}, titles)
}

// TestShippedScenesUseProducedMetrics catches a misspelt series name, which
// PromQL accepts and the wall would show as 无数据 for ever: every metric a
// shipped scene selects is recorded by a shipped rule pack, kept from the
// agents, written by the Runner, or announced for the hypervisor issue.
func TestShippedScenesUseProducedMetrics(t *testing.T) {
	known := map[string]bool{"up": true}
	for _, k := range agent.DefaultKeep {
		known[k] = true
	}
	packs, err := filepath.Glob("../rules/packs/*.yml")
	require.NoError(t, err)
	require.NotEmpty(t, packs)
	record := regexp.MustCompile(`record:\s*(\S+)`)
	for _, f := range packs {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range record.FindAllStringSubmatch(string(b), -1) {
			known[m[1]] = true
		}
	}
	future := map[string]bool{"swanwatch:hypervisor_cpu:ratio": true, "swanwatch:hypervisor_datastore_used:ratio": true}
	defs, err := LoadScenes(dashboards.Screens, "screens/*.yaml")
	require.NoError(t, err)
	for _, d := range defs {
		for _, p := range d.Panels {
			for _, name := range sceneTestMetricNames(t, p.Query) {
				assert.True(t, known[name] || future[name], "%s/%s selects %q, which nothing produces", d.ID, p.ID, name)
			}
		}
	}
}

// sceneTestMetricNames lists the names a query selects, by __name__ equality
// or each alternative of a simple __name__ regexp.
func sceneTestMetricNames(t *testing.T, q string) []string {
	if q == "" {
		return nil
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(q)
	require.NoError(t, err)
	var out []string
	parser.Inspect(expr, func(n parser.Node, _ []parser.Node) error {
		if vs, ok := n.(*parser.VectorSelector); ok {
			for _, m := range vs.LabelMatchers {
				if m.Name == "__name__" {
					out = append(out, m.Value)
				}
			}
		}
		return nil
	})
	return out
}

func TestLoadScenesDefaultsRefresh(t *testing.T) {
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(sceneTestYAML("", ""))}}
	defs, err := LoadScenes(fsys, "*.yaml")
	require.NoError(t, err)
	require.Len(t, defs, 1)
	assert.Equal(t, 15*time.Second, defs[0].Panels[0].Refresh)
	assert.Equal(t, 2*time.Second, defs[0].Panels[1].Refresh)
}

// sceneTestYAML is a good two-panel scene; extra is inserted into the first
// panel (line 9 on), tail appended as more panels.
func sceneTestYAML(extra, tail string) string {
	return `id: t
title: 测试
panels:
  - id: a
    title: 插件在线率
    type: kpi
    grid: {x: 0, y: 0, w: 4, h: 2}
    query: swanwatch:agent_online_city:ratio
` + extra + `  - id: b
    title: 区县
    type: ranking
    grid: {x: 4, y: 0, w: 4, h: 2}
    query: swanwatch:agent_online:ratio
    label: district
    refresh: 2s
` + tail
}

func TestLoadScenesRejects(t *testing.T) {
	panel := func(body string) string { return "  - id: c\n    title: 面板\n" + body }
	cases := []struct {
		name, file, want string
	}{
		{"unknown key", sceneTestYAML("    refesh: 5s\n", ""), "a.yaml:9: field refesh not found"},
		{"bad duration", sceneTestYAML("    refresh: soon\n", ""), "a.yaml:9: "},
		{"refresh too short", sceneTestYAML("    refresh: 500ms\n", ""), `a.yaml:4: panel "a": refresh 500ms is outside`},
		{"outside the grid", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 20, y: 10, w: 5, h: 2}\n    query: up\n")),
			`a.yaml:16: panel "c": grid x=20 y=10 w=5 h=2 is outside the 24×12 grid`},
		{"huge h overflows no check", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 1, w: 1, h: 9223372036854775807}\n    query: up\n")),
			`a.yaml:16: panel "c": grid x=9 y=1 w=1 h=9223372036854775807 is outside`},
		{"overlap", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 3, y: 1, w: 2, h: 2}\n    query: up\n")),
			`a.yaml:16: panel "c": overlaps panel "a" at column 3, row 1`},
		{"both query and source", sceneTestYAML("    source: duty\n", ""), `panel "a": needs exactly one of query and source`},
		{"neither", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n")), `panel "c": needs exactly one`},
		{"unknown type", sceneTestYAML("", panel("    type: pie\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), `unknown type "pie"`},
		{"bad promql", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: sum(up\n")), `panel "c": query: `},
		{"range vector", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up[5m]\n")), "query returns a matrix; the wall needs an instant vector"},
		{"ranking without label", sceneTestYAML("", panel("    type: ranking\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), "needs label"},
		{"board with a query", sceneTestYAML("", panel("    type: board\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), `takes source "incidents"`},
		{"kpi of duty", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    source: duty\n")), `cannot show source "duty"`},
		{"stats label", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    source: incident_stats\n    label: p99\n")), `label "p99" is not`},
		{"threshold state", sceneTestYAML("    thresholds: [{value: 1, state: red}]\n", ""), `state "red" is not ok, warn or bad`},
		{"sort", sceneTestYAML("    sort: up\n", ""), `sort "up"`},
		{"format", sceneTestYAML("    format: pct\n", ""), `unknown format "pct"`},
		{"duplicate panel", sceneTestYAML("", "  - id: b\n    title: x\n    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n"), `panel "b": id "b" is used twice`},
		{"bad scene id", strings.Replace(sceneTestYAML("", ""), "id: t\n", "id: T 1\n", 1), `scene id "T 1"`},
		{"two documents", sceneTestYAML("", "---\nid: u\n"), "a.yaml: one scene per file"},
		{"empty", "", "a.yaml: empty scene file"},
		{"syntax", "id: [\n", "a.yaml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := sceneErrors["yaml"].Get() + sceneErrors["validate"].Get()
			defs, err := LoadScenes(fstest.MapFS{"a.yaml": {Data: []byte(c.file)}}, "*.yaml")
			require.Error(t, err)
			assert.Nil(t, defs)
			assert.Contains(t, err.Error(), c.want)
			assert.Greater(t, sceneErrors["yaml"].Get()+sceneErrors["validate"].Get(), before, "counted")
		})
	}
}

func TestLoadScenesAcrossFiles(t *testing.T) {
	t.Run("ids unique across files", func(t *testing.T) {
		good := []byte(sceneTestYAML("", ""))
		_, err := LoadScenes(fstest.MapFS{"a.yaml": {Data: good}, "b.yaml": {Data: good}}, "*.yaml")
		require.ErrorContains(t, err, `b.yaml:1: scene id "t" is used twice`)
	})
	t.Run("every file's problems", func(t *testing.T) {
		_, err := LoadScenes(fstest.MapFS{"a.yaml": {Data: []byte("nope: 1\n")},
			"b.yaml": {Data: []byte(sceneTestYAML("    colour: red\n", ""))}}, "*.yaml")
		require.ErrorContains(t, err, "a.yaml:1: field nope not found")
		require.ErrorContains(t, err, "b.yaml:9: field colour not found")
	})
	t.Run("no match", func(t *testing.T) {
		_, err := LoadScenes(fstest.MapFS{}, "*.yaml")
		require.ErrorContains(t, err, "no file matches")
	})
	t.Run("oversized", func(t *testing.T) {
		big := sceneTestYAML("", "") + "#" + strings.Repeat("x", maxSceneBytes)
		_, err := LoadScenes(fstest.MapFS{"a.yaml": {Data: []byte(big)}}, "*.yaml")
		require.ErrorContains(t, err, "a.yaml: scene file is over")
	})
}
