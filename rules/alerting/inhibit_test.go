package alerting

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// lingbao is a small county estate: core switch ← link ← access switch ← hosts.
var lingbao = map[string]string{
	"lb-access": "lb-link-1",
	"lb-link-1": "lb-core",
	"lb-host-1": "lb-access",
	"lb-host-2": "lb-access",
	"hb-host-1": "hb-core",
	"orphan-x":  "",
}

func TestTopologyCycles(t *testing.T) {
	for _, tc := range []struct {
		name    string
		parents map[string]string
		wantErr string
	}{
		{"self parent", map[string]string{"a": "a"}, "parent cycle a → a"},
		{"three-node cycle", map[string]string{"a": "b", "b": "c", "c": "a", "d": "a"}, "parent cycle a → b → c → a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewTopology(tc.parents)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
	topo, err := NewTopology(lingbao)
	require.NoError(t, err)
	assert.Equal(t, []string{"lb-access", "lb-link-1", "lb-core"}, topo.Ancestors("lb-host-1"))
	assert.Empty(t, topo.Ancestors("lb-core"))
}

func verdicts(ms []Marked) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		if m.Suppressed {
			out[m.Alert.Fingerprint] = m.Reason + " by " + m.By
		}
	}
	return out
}

func TestTopologyInhibitor(t *testing.T) {
	topo, err := NewTopology(lingbao)
	require.NoError(t, err)
	ti := &TopologyInhibitor{Topology: topo, RootAlerts: []string{"LinkDown", "DeviceUnreachable"}}
	linkDown := alert("root-link", true, "alertname", "LinkDown", "instance", "lb-link-1", "device", "lb-link-1")
	for _, tc := range []struct {
		name   string
		alerts []Alert
		want   map[string]string
	}{
		{"hosts below a down link are suppressed, the root is not", []Alert{
			linkDown,
			alert("h1", true, "alertname", "TargetDown", "instance", "lb-host-1"),
			alert("acc", true, "alertname", "DeviceUnreachable", "instance", "lb-access"),
			alert("core", true, "alertname", "CPU", "instance", "lb-core"),
			alert("hb", true, "alertname", "TargetDown", "instance", "hb-host-1"),
		}, map[string]string{
			"h1":  "因上级故障抑制 by acc", // nearest upstream root wins
			"acc": "因上级故障抑制 by root-link",
		}},
		{"a resolved root suppresses nothing", []Alert{
			alert("root-link", false, "alertname", "LinkDown", "instance", "lb-link-1"),
			alert("h1", true, "alertname", "TargetDown", "instance", "lb-host-1"),
		}, map[string]string{}},
		{"a non-root alert upstream suppresses nothing", []Alert{
			alert("cpu", true, "alertname", "CPU", "instance", "lb-core"),
			alert("h1", true, "alertname", "TargetDown", "instance", "lb-host-1"),
		}, map[string]string{}},
		{"link alert placed by its device label", []Alert{
			linkDown,
			alert("port", true, "alertname", "IfErrors", "instance", "10.1.1.1", "device", "lb-access"),
		}, map[string]string{"port": "因上级故障抑制 by root-link"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ti.Mark(tc.alerts)
			require.Len(t, got, len(tc.alerts), "suppressed alerts are returned, not dropped")
			assert.Equal(t, tc.want, verdicts(got))
		})
	}
}

func TestInhibitRules(t *testing.T) {
	m := func(s string) Matchers { ms, err := ParseMatchers(s); require.NoError(t, err); return ms }
	rule := InhibitRule{Source: m(`severity="critical"`), Target: m(`severity=~"major|minor"`), Equal: []string{"site"}}
	require.NoError(t, rule.Validate())
	crit := alert("crit", true, "severity", "critical", "site", "湖滨机房")
	for _, tc := range []struct {
		name   string
		alerts []Alert
		want   map[string]string
	}{
		{"same site is inhibited", []Alert{crit, alert("maj", true, "severity", "major", "site", "湖滨机房")},
			map[string]string{"maj": "被抑制 by crit"}},
		{"other site is not", []Alert{crit, alert("maj", true, "severity", "major", "site", "灵宝机房")}, map[string]string{}},
		{"resolved source inhibits nothing", []Alert{alert("crit", false, "severity", "critical", "site", "湖滨机房"),
			alert("maj", true, "severity", "major", "site", "湖滨机房")}, map[string]string{}},
		{"missing equal label on both sides counts as equal", []Alert{alert("c2", true, "severity", "critical"),
			alert("min", true, "severity", "minor")}, map[string]string{"min": "被抑制 by c2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, verdicts(Inhibit(tc.alerts, nil, []InhibitRule{rule})))
		})
	}
	self := InhibitRule{Source: m(`a="1"`), Target: m(`a="1"`)}
	assert.Empty(t, verdicts(Inhibit([]Alert{alert("x", true, "a", "1")}, nil, []InhibitRule{self})), "an alert never inhibits itself")
	err := InhibitRule{Target: m(`a="1"`)}.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "source_matchers and target_matchers are both required")
}

func TestInhibitTopologyFirst(t *testing.T) {
	topo, err := NewTopology(lingbao)
	require.NoError(t, err)
	ti := &TopologyInhibitor{Topology: topo, RootAlerts: []string{"LinkDown"}}
	rule := InhibitRule{Source: Matchers{mustMatcher(t, "alertname", labelmatch.Equal, "LinkDown")}, Target: Matchers{mustMatcher(t, "alertname", labelmatch.Equal, "TargetDown")}}
	got := Inhibit([]Alert{
		alert("root", true, "alertname", "LinkDown", "instance", "lb-link-1"),
		alert("h1", true, "alertname", "TargetDown", "instance", "lb-host-1"),
		alert("hb", true, "alertname", "TargetDown", "instance", "hb-host-1"),
	}, ti, []InhibitRule{rule})
	assert.Equal(t, map[string]string{"h1": "因上级故障抑制 by root", "hb": "被抑制 by root"}, verdicts(got))
}

func mustMatcher(t *testing.T, name string, mt labelmatch.Type, v string) *Matcher {
	m, err := labelmatch.New(name, mt, v)
	require.NoError(t, err)
	return m
}
