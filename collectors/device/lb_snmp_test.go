package device

import (
	_ "embed"
	"fmt"
	"net"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

//go:embed testdata/lbsim.py
var lbsimScript []byte

const lbCommunity = "lb-ro"

// lbAgent is net-snmp's snmpd serving an F5 BIG-IP's F5-BIGIP-LOCAL-MIB
// tables through the pass_persist helper lbsim.py, whose state the test
// switches while snmpd runs.
type lbAgent struct {
	*passAgent
	state string
}

func startLBAgent(t testing.TB, st lbState) *lbAgent {
	t.Helper()
	dir := t.TempDir()
	a := &lbAgent{state: filepath.Join(dir, "lb.json")}
	a.set(t, st)
	a.passAgent = startPassAgent(t, dir, passSpec{name: "snmpd-lb", community: lbCommunity, script: lbsimScript,
		lines: []string{".1.3.6.1.4.1.3375 " + a.state + " .1.3.6.1.4.1.3375"},
		probe: answersInteger(".1.3.6.1.4.1.3375.2.2.5.1.2.1.23", true),
		what:  "F5-BIGIP-LOCAL-MIB"})
	return a
}

// lbState is lbsim.py's state file (testdata/lbsim.py says how).
type lbState struct {
	Pools []lbPool `json:"pools"`
	VS    []lbVS   `json:"vs"`
}

type lbPool struct {
	Name    string     `json:"name"`
	Members []lbMember `json:"members"`
}

type lbMember struct {
	Node    string `json:"node"`
	Port    int    `json:"port"`
	Avail   int    `json:"avail"`   // 1 green, 3 red, 4 blue
	Enabled int    `json:"enabled"` // 1 enabled, 2 disabled
}

type lbVS struct {
	Name string `json:"name"`
	Pool string `json:"pool,omitempty"` // none: an iRule or redirect only
}

func (a *lbAgent) set(t testing.TB, st lbState) { writeState(t, a.state, st) }

func lbTarget(t testing.TB, name, addr string) collectors.Target {
	tgt := target(name, "lb-f5-bigip", addr, "version", "2c",
		"community_file", secretFile(t, "community", lbCommunity))
	tgt.Labels = map[string]string{"district": "市本级", "site": "市政务云A机房", "system": "政务外网门户"}
	return tgt
}

// lbFarm: pool_web with three members behind vs_web, pool_app with two
// behind vs_app, vs_redirect without a pool, everything up; change edits it
// before it is served.
func lbFarm(change func(*lbState)) lbState {
	up := func(node string, port int) lbMember { return lbMember{Node: node, Port: port, Avail: 1, Enabled: 1} }
	st := lbState{
		Pools: []lbPool{
			{Name: "/Common/pool_web", Members: []lbMember{
				up("/Common/web01", 80), up("/Common/web02", 80), up("/Common/web03", 8080)}},
			{Name: "/Common/pool_app", Members: []lbMember{up("/Common/app01", 8443), up("/Common/app02", 8443)}},
		},
		VS: []lbVS{{Name: "/Common/vs_web", Pool: "/Common/pool_web"}, {Name: "/Common/vs_app", Pool: "/Common/pool_app"},
			{Name: "/Common/vs_redirect"}},
	}
	if change != nil {
		change(&st)
	}
	return st
}

// lbSeries is every series of a round of the farm: member up and enabled
// per member (web01, web02, web03, app01, app02 in that order), active per
// pool (web, app), up per virtual server (web, app); vs_redirect, without a
// pool, is blue (no monitor): up, and without a pool label.
func lbSeries(up, enabled [5]float64, active [2]float64, vsUp [2]float64) map[string]float64 {
	members := [5][2]string{{"web", "web01:80"}, {"web", "web02:80"}, {"web", "web03:8080"},
		{"app", "app01:8443"}, {"app", "app02:8443"}}
	want := map[string]float64{}
	for i, m := range members {
		l := fmt.Sprintf(`{member="/Common/%s",pool="/Common/pool_%s"}`, m[1], m[0])
		want["device_lb_pool_member_up"+l] = up[i]
		want["device_lb_pool_member_enabled"+l] = enabled[i]
	}
	for i, p := range []string{"web", "app"} {
		want[`device_lb_pool_members_active{pool="/Common/pool_`+p+`"}`] = active[i]
		want[`device_lb_pool_members{pool="/Common/pool_`+p+`"}`] = []float64{3, 2}[i]
		vs := `{pool="/Common/pool_` + p + `",vs="/Common/vs_` + p + `"}`
		want["device_lb_virtual_server_up"+vs] = vsUp[i]
		want["device_lb_virtual_server_enabled"+vs] = 1
	}
	want[`device_lb_virtual_server_up{vs="/Common/vs_redirect"}`] = 1
	want[`device_lb_virtual_server_enabled{vs="/Common/vs_redirect"}`] = 1
	return want
}

// recorded is every series of a round with its value.
func recorded(t testing.TB, rec *collectortest.Recorder) map[string]float64 {
	got := map[string]float64{}
	for _, k := range rec.Series() {
		got[k] = value(t, rec, k)
	}
	return got
}

// TestLBF5Pools: the F5 profile read from snmpd with every member up, one
// member down, one disabled by an operator, and a pool with no member up;
// every series of each round is checked.
func TestLBF5Pools(t *testing.T) {
	on := [5]float64{1, 1, 1, 1, 1}
	cases := []struct {
		name    string
		change  func(*lbState)
		up, ena [5]float64
		active  [2]float64
		vsUp    [2]float64
	}{
		{"all up", nil, on, on, [2]float64{3, 2}, [2]float64{1, 1}},
		{"web02 red", func(s *lbState) { s.Pools[0].Members[1].Avail = 3 },
			[5]float64{1, 0, 1, 1, 1}, on, [2]float64{2, 2}, [2]float64{1, 1}},
		{"web03 disabled, still green", func(s *lbState) { s.Pools[0].Members[2].Enabled = 2 },
			on, [5]float64{1, 1, 0, 1, 1}, [2]float64{2, 2}, [2]float64{1, 1}},
		{"web01 without monitor (blue) carries traffic", func(s *lbState) { s.Pools[0].Members[0].Avail = 4 },
			on, on, [2]float64{3, 2}, [2]float64{1, 1}},
		{"pool_app: no member up", func(s *lbState) { s.Pools[1].Members[0].Avail, s.Pools[1].Members[1].Avail = 3, 5 },
			[5]float64{1, 1, 1, 0, 0}, on, [2]float64{3, 0}, [2]float64{1, 0}},
	}
	a := startLBAgent(t, lbFarm(nil))
	c := newTestCollector(t)
	tgt := lbTarget(t, "lb-f5-a", a.addr)
	require.NoError(t, c.ValidateTarget(tgt))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.set(t, lbFarm(tc.change))
			rec, err := poll(t, c, tgt)
			require.NoError(t, err)
			assert.Equal(t, lbSeries(tc.up, tc.ena, tc.active, tc.vsUp), recorded(t, rec))
			assert.Empty(t, rec.Problems())
		})
	}
}

// TestLBF5PoolRemoved: a pool deleted on the BIG-IP stops its series at once
// (no keep_missing: a deleted pool is configuration, not a fault).
func TestLBF5PoolRemoved(t *testing.T) {
	a := startLBAgent(t, lbFarm(nil))
	c := newTestCollector(t)
	tgt := lbTarget(t, "lb-f5-a", a.addr)
	a.set(t, lbFarm(func(s *lbState) { s.Pools, s.VS = s.Pools[:1], s.VS[:1] }))
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	got := recorded(t, rec)
	assert.Len(t, got, 10, "3 members x 2, pool x 2, vs x 2: %v", rec.Series())
	for k := range got {
		assert.NotContains(t, k, "app", "the removed pool's series stop")
	}
}

// TestLBF5UnknownState: an AvailState outside the MIB's (a newer firmware)
// counts as not up rather than failing the round, so the alert errs on the
// side of a look.
func TestLBF5UnknownState(t *testing.T) {
	a := startLBAgent(t, lbFarm(func(s *lbState) { s.Pools[0].Members[0].Avail = 9 }))
	c := newTestCollector(t)
	rec, err := poll(t, c, lbTarget(t, "lb-f5-a", a.addr))
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `device_lb_pool_member_up{member="/Common/web01:80",pool="/Common/pool_web"}`))
}

// TestContractLBF5 runs the collector contract suite on the lb-f5-bigip
// profile against snmpd; the silent peer is a UDP socket that never answers.
func TestContractLBF5(t *testing.T) {
	a := startLBAgent(t, lbFarm(nil))
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return lbTarget(t, fmt.Sprintf("lb-%02d", n), a.addr)
		},
		Silent: func(t *testing.T) collectors.Target {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { pc.Close() })
			return lbTarget(t, "lb-silent", pc.LocalAddr().String())
		},
	})
}
