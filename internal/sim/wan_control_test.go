package sim

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testIfOper       = ".1.3.6.1.2.1.2.2.1.8."
	testIfLastChange = ".1.3.6.1.2.1.2.2.1.9."
	testIfHCIn       = ".1.3.6.1.2.1.31.1.1.1.6."
)

// quickClient is a gosnmp client that gives up on a silent device in 300 ms.
func quickClient(t *testing.T, s *Sim, device string) *gosnmp.GoSNMP {
	g := snmpClient(t, s, device, gosnmp.Version2c)
	g.Timeout, g.Retries = 300*time.Millisecond, 0
	return g
}

// portValues GETs the oper status, last change and HC in-octets of ifIndex
// idx, and sysUpTime, as integers keyed by OID prefix.
func portValues(t *testing.T, g *gosnmp.GoSNMP, idx int) map[string]uint64 {
	t.Helper()
	i := strconv.Itoa(idx)
	r, err := g.Get([]string{testIfOper + i, testIfLastChange + i, testIfHCIn + i, oidSysUpTime0})
	require.NoError(t, err, g.Target)
	out := map[string]uint64{}
	for k, p := range []string{testIfOper, testIfLastChange, testIfHCIn, oidSysUpTime0} {
		out[p] = gosnmp.ToBigInt(r.Variables[k].Value).Uint64()
	}
	return out
}

// answers reports whether device answers a GET of sysUpTime.
func answers(t *testing.T, s *Sim, device string) bool {
	_, err := quickClient(t, s, device).Get([]string{oidSysUpTime0})
	return err == nil
}

// linkEnds returns l's two devices and their ifIndexes.
func linkEnds(s *Sim, name string) (a, b *wanDevice, ai, bi int) {
	l := s.wan.net.linkByName[name]
	return s.wan.net.devs[l.A.dev], s.wan.net.devs[l.B.dev], l.A.port + 1, l.B.port + 1
}

func TestForceSingleHomedUplink(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clk, 0)
	link, behind := s.DemoUplink()
	require.NotEmpty(t, link, "a 乡 uplink with villages at scale 0.1")
	agg, town, ai, ti := linkEnds(s, link)
	require.Equal(t, roleTown, town.Role)
	village := behind[slices.IndexFunc(behind, func(n string) bool { return s.wan.net.byName[n].Role == roleVillage })]
	elsewhere := devicesOf(s, roleVillage, "")[0]
	require.NotContains(t, behind, elsewhere)
	require.Subset(t, behind, []string{town.Name, town.Name[:len(town.Name)-2] + "sw"}, "town router and switch are behind")

	ga := quickClient(t, s, agg.Name)
	before := portValues(t, ga, ai)
	require.EqualValues(t, 1, before[testIfOper], "the link is up on the timetable at this instant")
	require.True(t, answers(t, s, village))

	require.NoError(t, s.ForceLink(link, LinkDown))
	clk.Add(time.Minute)
	down := portValues(t, ga, ai)
	assert.EqualValues(t, 2, down[testIfOper])
	assert.InDelta(t, 6000, down[oidSysUpTime0]-down[testIfLastChange], 1, "ifLastChange at the change")
	assert.InDelta(t, before[testIfHCIn], down[testIfHCIn], 1, "counters stop while down")
	for _, d := range []string{town.Name, village} {
		assert.False(t, answers(t, s, d), "%s behind the link is silent", d)
	}
	assert.True(t, answers(t, s, elsewhere), "a village elsewhere still answers")
	assert.Equal(t, behind, s.CutOff())
	assert.Equal(t, map[string]string{link: LinkDown}, controlOf(t, s).ForcedLinks)

	require.NoError(t, s.ForceLink(link, LinkUp))
	clk.Add(time.Minute)
	up := portValues(t, ga, ai)
	assert.EqualValues(t, 1, up[testIfOper])
	assert.InDelta(t, 6000, up[oidSysUpTime0]-up[testIfLastChange], 1)
	assert.Greater(t, up[testIfHCIn], down[testIfHCIn], "counting again, from where it stopped")
	assert.EqualValues(t, 1, portValues(t, quickClient(t, s, town.Name), ti)[testIfOper])
	assert.True(t, answers(t, s, village))
	assert.Empty(t, s.CutOff())

	require.NoError(t, s.ForceLink(link, LinkAuto))
	assert.Empty(t, controlOf(t, s).ForcedLinks)
}

// controlOf reads GET /control.
func controlOf(t *testing.T, s *Sim) controlState {
	t.Helper()
	code, raw := get(t, client(t, 5*time.Second), "http://"+s.Addr()+"/control")
	require.Equal(t, http.StatusOK, code)
	var st controlState
	require.NoError(t, json.Unmarshal(raw, &st))
	return st
}

// dualHomed returns a 镇 town router and the two links of its uplink group.
func dualHomed(t *testing.T, s *Sim) (string, [2]string) {
	by := map[string][]string{}
	for _, l := range s.Links() {
		if l.Group != "" && l.Level == "town" {
			by[l.BDevice] = append(by[l.BDevice], l.Name)
		}
	}
	for _, rt := range devicesOf(s, roleTown, "") {
		if len(by[rt]) == 2 {
			return rt, [2]string{by[rt][0], by[rt][1]}
		}
	}
	t.Fatal("no dual-homed town at this scale")
	return "", [2]string{}
}

func TestForceRedundantGroup(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clk, 0)
	rt, links := dualHomed(t, s)
	require.True(t, answers(t, s, rt))
	for _, l := range links {
		b, err := s.Behind(l)
		require.NoError(t, err)
		assert.Empty(t, b, "one path of a group cuts nothing off")
	}

	require.NoError(t, s.ForceLink(links[0], LinkDown))
	clk.Add(time.Minute)
	_, _, _, ti := linkEnds(s, links[0])
	assert.EqualValues(t, 2, portValues(t, quickClient(t, s, rt), ti)[testIfOper], "the downed port reads down")
	assert.Empty(t, s.CutOff())

	require.NoError(t, s.ForceLink(links[1], LinkDown))
	assert.False(t, answers(t, s, rt), "both paths down: cut off")
	assert.Contains(t, s.CutOff(), rt)

	require.NoError(t, s.ForceLink(links[0], LinkAuto))
	assert.True(t, answers(t, s, rt), "one path back is enough")
	require.NoError(t, s.ForceLink(links[1], LinkAuto))
	assert.Empty(t, controlOf(t, s).ForcedLinks)
}

func TestForceLinkRejects(t *testing.T) {
	s := wanSim(t, 0.1, newClock(mustTime(t, "2026-11-25 10:00:00")), 0)
	link, _ := s.DemoUplink()
	c := client(t, 5*time.Second)
	base := "http://" + s.Addr()
	cases := []struct {
		name, method, path string
		code               int
		counter            interface{ Get() uint64 }
	}{
		{"get on an action", http.MethodGet, "/control/link/" + link + "/down", 405, badMethod},
		{"bad state", http.MethodPost, "/control/link/" + link + "/flap", 400, badPath},
		{"one end", http.MethodPost, "/control/link/smx-core-01/down", 400, badPath},
		{"three ends", http.MethodPost, "/control/link/a~b~c/down", 400, badPath},
		{"unknown link", http.MethodPost, "/control/link/smx-core-01~nowhere/down", 404, badUnknownLink},
		{"user port, no link", http.MethodPost, "/control/link/smx-core-01~user/down", 404, badUnknownLink},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.counter.Get()
			req, err := http.NewRequest(tc.method, base+tc.path, nil)
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
			assert.Equal(t, before+1, tc.counter.Get(), "counted in own metrics")
		})
	}
	assert.Empty(t, s.forcedLinks(), "bad requests changed nothing")
	code, body := post(t, c, base+"/control/link/"+link+"/down")
	require.Equal(t, http.StatusOK, code, body)
	assert.Equal(t, map[string]string{"name": link, "state": LinkDown}, body)
	require.ErrorIs(t, s.ForceLink(link, "sideways"), errBadState)

	noWAN, err := New(Options{VMs: 10})
	require.NoError(t, err)
	require.ErrorIs(t, noWAN.ForceLink(link, LinkDown), errNoWAN)
}

func TestParseLinkPath(t *testing.T) {
	for _, p := range []string{"/control/link/smx-core-01~smx-agg-01/down", "/control/link/a~b/up", "/control/link/a~isp-ct/auto"} {
		name, state, err := parseLinkPath(p)
		require.NoError(t, err, p)
		assert.Equal(t, p, "/control/link/"+name+"/"+state)
	}
	for _, p := range []string{"", "/control/link/", "/control/link/a~b", "/control/link/a~b/", "/control/link/a/down",
		"/control/link/~b/down", "/control/link/a~/down", "/control/link/a~b~c/down", "/control/link/a~b/down/x",
		"/control/link/A~b/up", "/control/vm/a~b/down", "/control/link/a%7Eb/down"} {
		_, _, err := parseLinkPath(p)
		assert.ErrorIs(t, err, errBadLinkPath, p)
	}
}

func TestCarve(t *testing.T) {
	down := func(a, b float64) episode { return episode{a, b, true} }
	for name, tc := range map[string]struct{ in, want []episode }{
		"split":        {[]episode{down(0, 10)}, []episode{down(0, 3), down(5, 10)}},
		"tail":         {[]episode{down(4, 6)}, []episode{down(5, 6)}},
		"head":         {[]episode{down(2, 4)}, []episode{down(2, 3)}},
		"covered":      {[]episode{down(3, 5)}, nil},
		"apart":        {[]episode{down(0, 3), down(5, 6)}, []episode{down(0, 3), down(5, 6)}},
		"burst stays":  {[]episode{{0, 10, false}}, []episode{{0, 10, false}}},
		"several cuts": {[]episode{down(0, 4), down(4.5, 8)}, []episode{down(0, 3), down(5, 8)}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.ElementsMatch(t, tc.want, carve(slices.Clone(tc.in), episode{3, 5, false}))
		})
	}
}

// TestForcedUpHidesTimetable forces up a link the timetable has down, then
// hands it back.
func TestForcedUpHidesTimetable(t *testing.T) {
	n, err := buildWAN(3, 0.1)
	require.NoError(t, err)
	n.faults.init(n, 600, 0)
	at := 600.0 * 3 // period 3 takes a WAN link down for 300 s
	n.faults.extend(at)
	var l *wanLink
	for idx, es := range n.faults.links {
		if len(es) > 0 && es[0].down && es[0].start == at {
			l = n.links[idx]
		}
	}
	require.NotNil(t, l)
	require.False(t, n.linkUpAt(l, at+10))
	n.force.set(l.idx, LinkUp, at+10)
	assert.True(t, n.linkUpAt(l, at+20), "forced up over an injected fault")
	d := n.devs[l.A.dev]
	p := &d.ports[l.A.port]
	boot := n.lastBoot(d, at+20)
	c1 := n.portState(d, p, boot, at+20, nil).octets[dirOut]
	c2 := n.portState(d, p, boot, at+80, nil).octets[dirOut]
	assert.Greater(t, c2, c1, "counting while forced up")
	n.force.set(l.idx, LinkAuto, at+80)
	assert.False(t, n.linkUpAt(l, at+90), "back on the timetable")
	assert.Equal(t, c2, n.portState(d, p, boot, at+90, nil).octets[dirOut], "down again: counters stop")
}

func TestSpansBounded(t *testing.T) {
	n, err := buildWAN(3, 0.1)
	require.NoError(t, err)
	for i := range 500 {
		n.force.set(0, []string{LinkDown, LinkUp}[i%2], float64(i))
	}
	assert.Len(t, (*n.force.spans.Load())[0], maxSpans)
	n.force.set(0, LinkAuto, 500)
	n.force.set(0, LinkAuto, 3*maintEvery)
	assert.Empty(t, (*n.force.spans.Load())[0], "spans older than two quarters are forgotten")
}

func TestSharedSNMPHost(t *testing.T) {
	s := startSim(t, Options{VMs: 10, Seed: 11, WANScale: 0.1, SNMPHost: "127.0.0.1"})
	name := devicesOf(s, roleVillage, "")[0]
	assert.Regexp(t, `^127\.0\.0\.1:\d+$`, s.wan.addr(s.wan.net.byName[name].idx))
	assert.True(t, answers(t, s, name))
}
