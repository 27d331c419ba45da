package inventory

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestYAMLFile(t *testing.T) {
	path := writeFile(t, "estate.yaml", `targets:
  - name: vm-1
    kind: agent
    address: http://10.0.0.1:9100/metrics
    district: hubin
    level: 市级
  - name: vm-2
    kind: agent
    address: http://10.0.0.2:9100/metrics
    district: 义马
  - name: vm-3
    kind: agent
    adress: http://10.0.0.3:9100/metrics
    district: 湖滨区
  - name: vm-4
    kind: agent
    address: http://10.0.0.4:9100/metrics
    district: 湖滨区
    labels: [a, b]
  - name: vm-5
    kind: agent
    address: http://10.0.0.5:9100/metrics
    district: 卢氏县
    labels: {__meta: x}
`)
	ts, ps := Load(context.Background(), Config{Files: []string{path}}, agentOnly)
	assert.Equal(t, []string{"vm-1"}, names(ts))
	assert.Equal(t, path+":2", ts[0].Source, "the line of the entry")
	assert.Equal(t, "city", ts[0].Level)
	assert.Equal(t, "湖滨区", ts[0].District)
	assert.Equal(t, []string{
		path + `:10: unknown district "义马" (one of 市本级 义马市 渑池县 湖滨区 陕州区 灵宝市 卢氏县 经济开发区 城乡一体化示范区 现代服务业开发区, or its ASCII slug)`,
		path + `:13: unknown field "adress" (valid: name, kind, address, district, level, site, system, dept, parent, labels, params)`,
		path + `:19: cannot unmarshal !!seq into map[string]string`,
		path + `:24: label name "__meta" is not a valid Prometheus label name`,
	}, problemStrings(ps))
}

func TestYAMLFileWhole(t *testing.T) {
	tests := []struct {
		name, content, want string
	}{
		{"syntax", "targets:\n  - name: a\n   kind: b\n", ":1: did not find expected '-' indicator"},
		{"unknown top", "target:\n  - name: a\n", ":1: unknown field \"target\" (only `targets:` and `links:` are allowed)"},
		{"not a list", "targets: yes\n", ":1: targets must be a list"},
		{"not a mapping", "- a\n", ":1: expected a mapping with a `targets:` and/or a `links:` list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "e.yaml", tt.content)
			ts, ps := Load(context.Background(), Config{Files: []string{path}}, agentOnly)
			assert.Empty(t, ts)
			require.Len(t, ps, 1, problemStrings(ps))
			assert.Equal(t, path+tt.want, ps[0].String())
		})
	}
	for _, empty := range []string{"", "targets:\n", "# nothing yet\n"} {
		path := writeFile(t, "e.yaml", empty)
		ts, ps := Load(context.Background(), Config{Files: []string{path}}, agentOnly)
		assert.Empty(t, ts)
		assert.Empty(t, ps, "%q is an empty estate, not a problem", empty)
	}
	_, ps := Load(context.Background(), Config{Files: []string{"/nonexistent/e.yaml"}}, agentOnly)
	assert.Equal(t, []string{"/nonexistent/e.yaml: read inventory file: open: no such file or directory"}, problemStrings(ps))
}

func TestInlineAndDuplicates(t *testing.T) {
	file := writeFile(t, "e.yaml", "targets:\n  - {name: a, kind: agent, address: 'http://file/', district: 市本级}\n  - {name: b, kind: agent, address: 'http://file/', district: 市本级}\n")
	cfg := Config{
		Targets: []Target{
			{Name: "a", Kind: "agent", Address: "http://inline/", District: "shibenji", Source: "swanwatch.yaml:40"},
			{Name: "c", Kind: "agent", Address: "http://inline/", District: "nowhere", Source: "swanwatch.yaml:45"},
		},
		Files: []string{file},
	}
	ts, ps := Load(context.Background(), cfg, agentOnly)
	require.Equal(t, []string{"a", "b"}, names(ts))
	assert.Equal(t, "http://inline/", ts[0].Address, "the first of a duplicate wins")
	assert.Equal(t, []string{
		`swanwatch.yaml:45: unknown district "nowhere" (one of 市本级 义马市 渑池县 湖滨区 陕州区 灵宝市 卢氏县 经济开发区 城乡一体化示范区 现代服务业开发区, or its ASCII slug)`,
		file + `:2: duplicate target a (kind agent): already defined at swanwatch.yaml:40, this one is ignored`,
	}, problemStrings(ps))
}

func TestNormalize(t *testing.T) {
	for _, d := range Districts {
		got, ok := NormalizeDistrict(d.Slug)
		assert.True(t, ok)
		assert.Equal(t, d.Name, got)
		assert.Equal(t, d.Slug, DistrictSlug(d.Name))
	}
	for in, want := range map[string]string{"市级": "city", "县": "county", "乡镇级": "town", "村级": "village", "Town": "town"} {
		got, ok := NormalizeLevel(in)
		assert.True(t, ok, in)
		assert.Equal(t, want, got, in)
	}
	_, ok := NormalizeLevel("省级")
	assert.False(t, ok)
	_, is := normalize(Target{Name: "a\x00b", Kind: "agent", Address: "x y", District: "湖滨区"}, nil)
	assert.Equal(t, []issue{{"name", "name contains a control character"}, {"address", `address "x y" contains white space`}}, is)
}
