package alerting

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC) // 14:00 Asia/Shanghai

func alert(fp string, firing bool, kv ...string) Alert {
	l := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return Alert{Fingerprint: fp, Labels: l, Firing: firing, StartsAt: t0}
}

func TestGroups(t *testing.T) {
	root := compiledTree(t)
	alerts := []Alert{
		alert("a", true, "alertname", "LinkDown", "district", "灵宝市"),
		alert("b", true, "alertname", "LinkDown", "district", "灵宝市", "site", "x"),
		alert("c", true, "alertname", "LinkDown", "district", "湖滨区"),
		alert("d", true, "alertname", "CPU", "district", "湖滨区"),
		alert("e", true, "alertname", "CPU"),
	}
	gs := Groups(alerts, root)
	got := map[GroupKey][]string{}
	for k, g := range gs {
		for _, a := range g.Alerts {
			got[k] = append(got[k], a.Fingerprint)
		}
	}
	assert.Equal(t, map[GroupKey][]string{
		`0.2:{district="灵宝市",alertname="LinkDown"}`: {"a", "b"}, // audit-log (continue)
		`0.3:{district="灵宝市",alertname="LinkDown"}`: {"a", "b"}, // lingbao-oncall
		`0:{district="湖滨区",alertname="LinkDown"}`:   {"c"},
		`0:{district="湖滨区",alertname="CPU"}`:        {"d"},
		`0:{district="",alertname="CPU"}`:           {"e"},
	}, got)
	g := gs[`0:{district="湖滨区",alertname="CPU"}`]
	assert.Equal(t, map[string]string{"district": "湖滨区", "alertname": "CPU"}, g.Labels)
	assert.Equal(t, "default", g.Route.Receiver)
}

func TestGroupsByAll(t *testing.T) {
	root := &Route{Receiver: "r", GroupBy: []string{GroupByAll}}
	require.NoError(t, root.Compile())
	gs := Groups([]Alert{
		alert("a", true, "x", "1"), alert("b", true, "x", "1"), alert("c", true, "x", "1", "y", "2"),
	}, root)
	require.Len(t, gs, 2, "identical label sets share a group, any difference splits")
	assert.Len(t, gs[`0:{x="1"}`].Alerts, 2)
	assert.Len(t, gs[`0:{x="1",y="2"}`].Alerts, 1)
}

func TestDue(t *testing.T) {
	r := &Route{Receiver: "r", GroupWait: 30 * time.Second, GroupInterval: 5 * time.Minute, RepeatInterval: 4 * time.Hour}
	g := &Group{Route: r, Alerts: []Alert{alert("a", true)}}
	sent := Sent{At: t0.Add(time.Minute), Digest: g.Digest()}
	changed := &Group{Route: r, Alerts: []Alert{alert("a", true), alert("b", true)}}
	resolved := &Group{Route: r, Alerts: []Alert{alert("a", false)}}
	for _, tc := range []struct {
		name string
		g    *Group
		last Sent
		now  time.Time
		want bool
	}{
		{"inside group_wait", g, Sent{}, t0.Add(29 * time.Second), false},
		{"group_wait over", g, Sent{}, t0.Add(30 * time.Second), true},
		{"nothing firing, never sent", resolved, Sent{}, t0.Add(time.Hour), false},
		{"unchanged before repeat", g, sent, sent.At.Add(4*time.Hour - time.Second), false},
		{"unchanged at repeat", g, sent, sent.At.Add(4 * time.Hour), true},
		{"changed before group_interval", changed, sent, sent.At.Add(4*time.Minute + 59*time.Second), false},
		{"changed at group_interval", changed, sent, sent.At.Add(5 * time.Minute), true},
		{"resolution is a change", resolved, sent, sent.At.Add(5 * time.Minute), true},
		{"resolved and notified: no repeat", resolved, Sent{At: sent.At, Digest: resolved.Digest()}, sent.At.Add(5 * time.Hour), false},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, Due(tc.g, tc.last, tc.now)) })
	}
}

func TestDigestIgnoresOrder(t *testing.T) {
	a, b := alert("a", true), alert("b", true)
	assert.Equal(t, (&Group{Alerts: []Alert{a, b}}).Digest(), (&Group{Alerts: []Alert{b, a}}).Digest())
	assert.NotEqual(t, (&Group{Alerts: []Alert{a}}).Digest(), (&Group{Alerts: []Alert{alert("a", false)}}).Digest())
}

// BenchmarkGroups10k routes and groups 10,000 firing alerts over 50 districts
// and 20 alertnames through the documented example tree.
func BenchmarkGroups10k(b *testing.B) {
	root := compiledTree(b)
	alerts := make([]Alert, 10000)
	for i := range alerts {
		alerts[i] = alert(fmt.Sprint(i), true, "alertname", fmt.Sprint("A", i%20),
			"district", fmt.Sprint("d", i%50), "instance", fmt.Sprint("10.0.", i/256, ".", i%256),
			"service", []string{"mysql", "web"}[i%2], "team", "frontend", "severity", "major")
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(Groups(alerts, root)) == 0 {
			b.Fatal("no groups")
		}
	}
}
