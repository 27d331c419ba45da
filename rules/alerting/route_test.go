package alerting

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// docTree is the routing example of Alertmanager's configuration docs
// (https://prometheus.io/docs/alerting/latest/configuration/#example), in our
// district/severity words, plus a continue pair.
const docTree = `
receiver: default
group_by: [district, alertname]
routes:
  - receiver: database-pager
    group_wait: 10s
    matchers: ['service=~"mysql|cassandra"']
  - receiver: frontend-pager
    group_by: [product, environment]
    matchers: ['team="frontend"']
    routes:
      - receiver: frontend-critical
        matchers: ['severity="critical"']
  - receiver: audit-log
    continue: true
    matchers: ['{district="灵宝市"}']
  - receiver: lingbao-oncall
    matchers: ['district="灵宝市"']
  - receiver: never
    matchers: ['district="灵宝市"']
`

func compiledTree(t testing.TB) *Route {
	var r Route
	require.NoError(t, yaml.Unmarshal([]byte(docTree), &r))
	require.NoError(t, r.Compile())
	return &r
}

func receivers(rs []*Route) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Receiver)
	}
	return out
}

func TestRouteMatch(t *testing.T) {
	root := compiledTree(t)
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   []string
	}{
		{"no child matches: the root handles it", map[string]string{"alertname": "X"}, []string{"default"}},
		{"first matching child wins", map[string]string{"service": "mysql", "team": "frontend"}, []string{"database-pager"}},
		{"deepest match", map[string]string{"team": "frontend", "severity": "critical"}, []string{"frontend-critical"}},
		{"child without matching grandchild handles it", map[string]string{"team": "frontend", "severity": "minor"}, []string{"frontend-pager"}},
		{"continue goes on to the next sibling, which stops", map[string]string{"district": "灵宝市"}, []string{"audit-log", "lingbao-oncall"}},
		{"regexp is anchored", map[string]string{"service": "mysqlx"}, []string{"default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, receivers(root.Match(Alert{Labels: tc.labels})))
		})
	}
}

func TestRouteInheritance(t *testing.T) {
	root := compiledTree(t)
	assert.Equal(t, DefaultGroupWait, root.GroupWait)
	assert.Equal(t, DefaultRepeatInterval, root.RepeatInterval)
	db := &root.Routes[0]
	assert.Equal(t, 10*time.Second, db.GroupWait, "own value kept")
	assert.Equal(t, DefaultGroupInterval, db.GroupInterval, "inherited from the root's default")
	assert.Equal(t, []string{"district", "alertname"}, db.GroupBy, "inherited group_by")
	fc := &root.Routes[1].Routes[0]
	assert.Equal(t, []string{"product", "environment"}, fc.GroupBy, "inherited from its parent, not the root")
	assert.Equal(t, "0.1.0", fc.ID())
}

func TestRouteCompileErrors(t *testing.T) {
	m := func(s string) Matchers { ms, err := ParseMatchers(s); require.NoError(t, err); return ms }
	for _, tc := range []struct {
		name    string
		r       Route
		wantErr string
	}{
		{"root without receiver", Route{}, "root route needs a receiver"},
		{"root with matchers", Route{Receiver: "a", Matchers: m(`a="b"`)}, "must not have matchers"},
		{"root with continue", Route{Receiver: "a", Continue: true}, "cannot have continue"},
		{"... not alone", Route{Receiver: "a", GroupBy: []string{"...", "x"}}, `"..." must be the only label`},
		{"bad group_by label", Route{Receiver: "a", Routes: []Route{{GroupBy: []string{"a-b"}}}}, `route 0.0: group_by: invalid label name "a-b"`},
		{"negative wait", Route{Receiver: "a", Routes: []Route{{GroupWait: -time.Second}}}, "route 0.0: group_wait must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Compile()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestRouteYAMLErrors(t *testing.T) {
	var r Route
	err := yaml.Unmarshal([]byte("receiver: a\nroutes:\n  - matchers: ['a=~(']\n"), &r)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad regexp")
}
