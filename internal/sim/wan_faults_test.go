package sim

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWANCountersMonotonic checks every counter of every port of the demo WAN
// over a day in 20-minute steps: finite, never backwards except across a
// reboot of its device, and at rest while its link is down.
func TestWANCountersMonotonic(t *testing.T) {
	n, err := buildWAN(3, 0.1)
	require.NoError(t, err)
	n.faults.init(n, 0, 0)
	start := float64(mustTime(t, "2026-11-24 00:00:00").Unix())
	prev := make([][]portState, len(n.devs))
	boots := make([]float64, len(n.devs))
	resets, downSteps := 0, 0
	for at := start; at <= start+86400; at += 1200 {
		for i, d := range n.devs {
			boot := n.lastBoot(d, at)
			cur := make([]portState, len(d.ports))
			for k := range d.ports {
				cur[k] = n.portState(d, &d.ports[k], boot, at, nil)
				for _, x := range [][2]float64{cur[k].octets, cur[k].ucast, cur[k].errors} {
					require.False(t, math.IsNaN(x[0]+x[1]) || math.IsInf(x[0]+x[1], 0) || x[0] < 0 || x[1] < 0, "%s port %d", d.Name, k)
				}
				if prev[i] == nil {
					continue
				}
				if boot != boots[i] {
					resets++
					continue
				}
				p := prev[i][k]
				require.GreaterOrEqual(t, cur[k].octets[dirIn], p.octets[dirIn], "%s port %d at %v", d.Name, k, at)
				require.GreaterOrEqual(t, cur[k].errors[dirIn], p.errors[dirIn], "%s port %d", d.Name, k)
				if !p.up && !cur[k].up && d.ports[k].link >= 0 {
					downSteps++
				}
			}
			prev[i], boots[i] = cur, boot
		}
	}
	t.Logf("%d port resets from reboots, %d port-steps down", resets, downSteps)
	assert.Positive(t, resets+downSteps, "a day of the demo WAN has some faults")
}

// faultPeriod finds the first FaultEvery period at or after from of kind k
// (0 link down, 1 error burst, 2 reboot).
func faultPeriod(every time.Duration, from time.Time, kind int64) time.Time {
	e := int64(every / time.Second)
	j := (from.Unix() + e - 1) / e
	for j%3 != kind {
		j++
	}
	return time.Unix(j*e, 0)
}

func TestWANInjectedLinkDown(t *testing.T) {
	every := 10 * time.Minute
	t0 := mustTime(t, "2026-11-25 09:58:00")
	clock := newClock(t0)
	s := wanSim(t, 0.1, clock, every)
	n := s.wan.net
	at := faultPeriod(every, t0, 0)
	n.faults.extend(float64(at.Unix()))
	var l *wanLink
	for idx, es := range n.faults.links {
		if len(es) > 0 && es[0].down {
			l = n.links[idx]
		}
	}
	require.NotNil(t, l, "a link is taken down in the period starting %v", at)
	a, b := n.devs[l.A.dev], n.devs[l.B.dev]
	ga, gb := snmpClient(t, s, a.Name, gosnmp.Version2c), snmpClient(t, s, b.Name, gosnmp.Version2c)
	oper := func(g *gosnmp.GoSNMP, port int) int {
		res, err := g.Get([]string{fmt.Sprintf(".1.3.6.1.2.1.2.2.1.8.%d", port+1)})
		require.NoError(t, err)
		return res.Variables[0].Value.(int)
	}
	clock.Set(at.Add(-time.Minute))
	before, _ := hcIn(t, gb, l.B.port+1)
	require.Equal(t, 1, oper(ga, l.A.port), "up before the fault")
	require.Contains(t, lldpOf(t, ga, a), a.ports[l.A.port].Name)

	clock.Set(at.Add(time.Minute))
	assert.Equal(t, 2, oper(ga, l.A.port), "A end down")
	assert.Equal(t, 2, oper(gb, l.B.port), "B end down")
	assert.NotContains(t, lldpOf(t, ga, a), a.ports[l.A.port].Name, "neighbour gone")
	during, _ := hcIn(t, gb, l.B.port+1)
	clock.Set(at.Add(4 * time.Minute))
	during2, _ := hcIn(t, gb, l.B.port+1)
	assert.Equal(t, during, during2, "no traffic counted while down")

	clock.Set(at.Add(6 * time.Minute))
	require.Equal(t, 1, oper(ga, l.A.port), "back up after min(period/2, 5 min)")
	after, _ := hcIn(t, gb, l.B.port+1)
	clock.Set(at.Add(7 * time.Minute))
	after2, _ := hcIn(t, gb, l.B.port+1)
	spike := float64(after - during2) // the minute after it came back
	next := float64(after2 - after)   // the minute after that
	assert.Positive(t, next)
	assert.Less(t, spike, 2*next, "no catch-up spike after the outage")
	assert.Greater(t, during, before, "traffic before the outage")
}

// sysUpTime reads a device's sysUpTime in ticks.
func sysUpTime(t *testing.T, g *gosnmp.GoSNMP) uint32 {
	t.Helper()
	res, err := g.Get([]string{".1.3.6.1.2.1.1.3.0"})
	require.NoError(t, err)
	return res.Variables[0].Value.(uint32)
}

func TestWANInjectedReboot(t *testing.T) {
	every := 10 * time.Minute
	t0 := mustTime(t, "2026-11-25 09:58:00")
	clock := newClock(t0)
	s := wanSim(t, 0.1, clock, every)
	n := s.wan.net
	at := faultPeriod(every, t0, 2)
	n.faults.extend(float64(at.Unix()))
	var d *wanDevice
	for idx, rs := range n.faults.devs {
		if len(rs) > 0 {
			d = n.devs[idx]
		}
	}
	require.NotNil(t, d, "a device reboots in the period starting %v", at)
	var port int // a WAN port of d that is up before the reboot
	for i, p := range d.ports {
		if p.link >= 0 && n.links[p.link].WAN {
			port = i + 1
			break
		}
	}
	require.NotZero(t, port)
	g := snmpClient(t, s, d.Name, gosnmp.Version2c)
	clock.Set(at.Add(-time.Minute))
	upBefore := sysUpTime(t, g)
	octetsBefore, _ := hcIn(t, g, port)

	clock.Set(at.Add(30 * time.Second))
	g.Timeout, g.Retries = 300*time.Millisecond, 0
	_, err := g.Get([]string{".1.3.6.1.2.1.1.3.0"})
	require.Error(t, err, "no answer while booting")
	g.Timeout, g.Retries = 2*time.Second, 1

	clock.Set(at.Add(5 * time.Minute))
	up := sysUpTime(t, g)
	assert.InDelta(t, 300*100, float64(up), 1, "sysUpTime counts from the reboot")
	assert.Less(t, up, upBefore)
	octets, _ := hcIn(t, g, port)
	assert.Less(t, octets, octetsBefore, "counters restart after a reboot")
}

func TestWANInjectedErrorBurst(t *testing.T) {
	every := 10 * time.Minute
	t0 := mustTime(t, "2026-11-25 09:58:00")
	clock := newClock(t0)
	s := wanSim(t, 0.1, clock, every)
	n := s.wan.net
	at := faultPeriod(every, t0, 1)
	n.faults.extend(float64(at.Unix()))
	var l *wanLink
	for idx, es := range n.faults.links {
		if len(es) > 0 && !es[0].down {
			l = n.links[idx]
		}
	}
	require.NotNil(t, l, "an error burst in the period starting %v", at)
	b := n.devs[l.B.dev]
	g := snmpClient(t, s, b.Name, gosnmp.Version2c)
	inErrors := func(when time.Time) uint32 {
		clock.Set(when)
		res, err := g.Get([]string{fmt.Sprintf(".1.3.6.1.2.1.2.2.1.14.%d", l.B.port+1)})
		require.NoError(t, err)
		return uint32(res.Variables[0].Value.(uint))
	}
	quiet := inErrors(at.Add(-time.Second)) - inErrors(at.Add(-4*time.Minute))
	burst := inErrors(at.Add(4*time.Minute)) - inErrors(at.Add(time.Second))
	t.Logf("%s: %d errors in 4 quiet minutes, %d in 4 minutes of burst", l.Name, quiet, burst)
	assert.Greater(t, burst, uint32(10))
	assert.Greater(t, burst, 10*quiet)
}
