package scene

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadDefaultsRefresh(t *testing.T) {
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(sceneTestYAML("", ""))}}
	defs, err := Load(fsys, "*.yaml", nil)
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

func TestLoadRejects(t *testing.T) {
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
		{"ranking without label", sceneTestYAML("", panel("    type: ranking\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), "needs label"},
		{"board with a query", sceneTestYAML("", panel("    type: board\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), `takes source "incidents"`},
		{"kpi of duty", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    source: duty\n")), `cannot show source "duty"`},
		{"stats label", sceneTestYAML("", panel("    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    source: incident_stats\n    label: p99\n")), `label "p99" is not`},
		{"threshold state", sceneTestYAML("    thresholds: [{value: 1, state: red}]\n", ""), `state "red" is not ok, warn or bad`},
		{"sort", sceneTestYAML("    sort: up\n", ""), `sort "up"`},
		{"format", sceneTestYAML("    format: pct\n", ""), `unknown format "pct"`},
		{"duplicate panel", sceneTestYAML("", "  - id: b\n    title: x\n    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n"), `panel "b": id "b" is used twice`},
		{"bad scene id", strings.Replace(sceneTestYAML("", ""), "id: t\n", "id: T 1\n", 1), `scene id "T 1"`},
		{"plan without points", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n")), "a plan panel needs layout.points"},
		{"plan point outside", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n    layout: {points: [{key: a, name: A, icon: gate, x: 101, y: 5}]}\n")), "(101, 5) is outside the plan 0–100 × 0–56"},
		{"plan duplicate key", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n    layout: {points: [{key: a, name: A, icon: gate, x: 1, y: 5}, {key: a, name: B, icon: led, x: 2, y: 5}]}\n")), `key "a" appears twice`},
		{"plan unknown icon", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n    layout: {points: [{key: a, name: A, icon: tank, x: 1, y: 5}]}\n")), `unknown icon "tank"`},
		{"plan thin area", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n    layout: {shapes: [{kind: area, style: water, points: [[1, 1], [2, 2]]}], points: [{key: a, name: A, icon: gate, x: 1, y: 5}]}\n")), "an area needs at least 3 points"},
		{"plan unknown style", sceneTestYAML("", panel("    type: plan\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n    label: instance\n    layout: {shapes: [{kind: path, style: lava, points: [[1, 1], [2, 2]]}], points: [{key: a, name: A, icon: gate, x: 1, y: 5}]}\n")), `unknown style "lava"`},
		{"layout on a kpi", sceneTestYAML("    layout: {points: [{key: a, name: A, icon: gate, x: 1, y: 1}]}\n", ""), "a kpi panel has no layout"},
		{"cameras with a query", sceneTestYAML("", panel("    type: cameras\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: up\n")), `takes source "cameras"`},
		{"two documents", sceneTestYAML("", "---\nid: u\n"), "a.yaml: one scene per file"},
		{"empty", "", "a.yaml: empty scene file"},
		{"syntax", "id: [\n", "a.yaml:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := sceneErrors["yaml"].Get() + sceneErrors["validate"].Get()
			defs, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(c.file)}}, "*.yaml", nil)
			require.Error(t, err)
			assert.Nil(t, defs)
			assert.Contains(t, err.Error(), c.want)
			assert.Greater(t, sceneErrors["yaml"].Get()+sceneErrors["validate"].Get(), before, "counted")
		})
	}
}

func TestLoadAcrossFiles(t *testing.T) {
	t.Run("ids unique across files", func(t *testing.T) {
		good := []byte(sceneTestYAML("", ""))
		_, err := Load(fstest.MapFS{"a.yaml": {Data: good}, "b.yaml": {Data: good}}, "*.yaml", nil)
		require.ErrorContains(t, err, `b.yaml:1: scene id "t" is used twice`)
	})
	t.Run("every file's problems", func(t *testing.T) {
		_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte("nope: 1\n")},
			"b.yaml": {Data: []byte(sceneTestYAML("    colour: red\n", ""))}}, "*.yaml", nil)
		require.ErrorContains(t, err, "a.yaml:1: field nope not found")
		require.ErrorContains(t, err, "b.yaml:9: field colour not found")
	})
	t.Run("no match", func(t *testing.T) {
		_, err := Load(fstest.MapFS{}, "*.yaml", nil)
		require.ErrorContains(t, err, "no file matches")
	})
	t.Run("oversized", func(t *testing.T) {
		big := sceneTestYAML("", "") + "#" + strings.Repeat("x", maxSceneBytes)
		_, err := Load(fstest.MapFS{"a.yaml": {Data: []byte(big)}}, "*.yaml", nil)
		require.ErrorContains(t, err, "a.yaml: scene file is over")
	})
}

// The caller's query check sees every query and its problems come back at
// the panel's line; without a check a query is not looked at.
func TestLoadChecksQueries(t *testing.T) {
	file := sceneTestYAML("", "  - id: c\n    title: 面板\n    type: kpi\n    grid: {x: 9, y: 0, w: 2, h: 2}\n    query: nonsense(\n")
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(file)}}
	var seen []string
	check := func(q string) error {
		seen = append(seen, strings.TrimSpace(q))
		if strings.HasPrefix(q, "nonsense") {
			return errors.New("query: not PromQL")
		}
		return nil
	}
	_, err := Load(fsys, "*.yaml", check)
	require.Error(t, err)
	assert.Equal(t, `a.yaml:16: panel "c": query: not PromQL`, err.Error())
	assert.Equal(t, []string{"swanwatch:agent_online_city:ratio", "swanwatch:agent_online:ratio", "nonsense("}, seen)

	defs, err := Load(fsys, "*.yaml", nil)
	require.NoError(t, err)
	assert.Len(t, defs[0].Panels, 3)
}
