package eval

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
		"rooms": "机房与硬件", "swanlake": "天鹅湖景区", "duty": "告警与值班"}, titles)
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
	packs, err := filepath.Glob("../../rules/packs/*.yml")
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
	for _, name := range sceneTestContractSeries(t) {
		known[name] = true
	}
	defs, err := LoadScenes(dashboards.Screens, "screens/*.yaml")
	require.NoError(t, err)
	for _, d := range defs {
		for _, p := range d.Panels {
			for _, name := range sceneTestMetricNames(t, p.Query) {
				assert.True(t, known[name], "%s/%s selects %q, which nothing produces", d.ID, p.ID, name)
			}
		}
	}
}

// sceneTestContractSeries lists the series the scenic area's collectors
// produce, from the contract's tables in docs/swanlake.md (rows that start
// with a series name in backquotes).
// sceneTestContractSeries are the series the collectors' contracts name:
// every backticked name in the first cell of a series table's row.
func sceneTestContractSeries(t *testing.T) []string {
	row := regexp.MustCompile("(?m)^\\| (`[a-z_]+[^`]*`(?:, `[a-z_]+[^`]*`)*)")
	name := regexp.MustCompile("`([a-z_]+)")
	var out []string
	for _, doc := range []string{"../../docs/swanlake.md", "../../docs/cloud.md"} {
		b, err := os.ReadFile(doc)
		require.NoError(t, err)
		for _, m := range row.FindAllStringSubmatch(string(b), -1) {
			for _, n := range name.FindAllStringSubmatch(m[1], -1) {
				out = append(out, n[1])
			}
		}
	}
	require.Contains(t, out, "camera_vqd_fault")
	require.Contains(t, out, "hypervisor_host_up")
	return out
}

// sceneTestMetricNames lists the names a query selects, by __name__ equality
// or each alternative of a simple __name__ regexp.
func sceneTestMetricNames(t *testing.T, q string) []string {
	if q == "" {
		return nil
	}
	expr, err := parser.NewParser(parser.Options{}).ParseExpr(expandQuery(q, time.Time{}))
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

// The wall's query check: PromQL that returns an instant vector, its
// problems at the panel's line.
func TestLoadScenesChecksPromQL(t *testing.T) {
	file := func(query string) fstest.MapFS {
		return fstest.MapFS{"a.yaml": {Data: []byte("id: t\ntitle: 测试\npanels:\n" +
			evalTestPanel("a", "kpi", 0, "    query: "+query+"\n"))}}
	}
	for _, tc := range []struct{ query, want string }{
		{"sum(up", `a.yaml:4: panel "a": query: `},
		{"up[5m]", `a.yaml:4: panel "a": query returns a matrix; the wall needs an instant vector`},
		{`'"text"'`, "query returns a string"},
	} {
		_, err := LoadScenes(file(tc.query), "*.yaml")
		require.Error(t, err, tc.query)
		assert.Contains(t, err.Error(), tc.want)
	}
	defs, err := LoadScenes(file("sum(up)"), "*.yaml")
	require.NoError(t, err)
	assert.Equal(t, "sum(up)", defs[0].Panels[0].Query)
}

// A user scene with a shipped id replaces the shipped one; a new id is
// added; a broken user file is an error naming the pattern.
func TestLoadAllScenesUserFilesOverride(t *testing.T) {
	dir := t.TempDir()
	mine := "id: duty\ntitle: 值班（本市）\npanels:\n" +
		"  - {id: n, title: 告警中事件, type: kpi, grid: {x: 0, y: 0, w: 6, h: 2}, format: number, source: incident_stats, label: severity, refresh: 5s}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "duty.yaml"), []byte(mine), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "extra.yaml"), []byte(strings.Replace(mine, "id: duty", "id: extra", 1)), 0o644))
	defs, err := LoadAllScenes(dashboards.Screens, "screens/*.yaml", []string{filepath.Join(dir, "*.yaml")})
	require.NoError(t, err)
	titles := map[string]string{}
	for _, d := range defs {
		titles[d.ID] = d.Title
	}
	assert.Equal(t, map[string]string{"city": "全市总览", "wan": "电子政务外网", "cloud": "政务云",
		"rooms": "机房与硬件", "swanlake": "天鹅湖景区", "duty": "值班（本市）", "extra": "值班（本市）"}, titles)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("id: [\n"), 0o644))
	_, err = LoadAllScenes(dashboards.Screens, "screens/*.yaml", []string{filepath.Join(dir, "*.yaml")})
	require.ErrorContains(t, err, "bigscreen.scene_files "+filepath.Join(dir, "*.yaml"))
}
