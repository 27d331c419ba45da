package sim

import (
	"math"
)

// portState is what one interface shows at one instant. Counters count from the
// device's last boot (a reboot restarts them, as on real gear) and are exact
// integrals of the link's flow over the time the link was up, so they stay flat
// while it is down and never jump when it comes back.
type portState struct {
	up         bool
	lastChange float64    // seconds after boot of the last oper status change
	octets     [2]float64 // in, out
	ucast      [2]float64
	nucast     [2]float64
	errors     [2]float64
	discards   [2]float64
}

// Directions of a port's counters.
const (
	dirIn  = 0
	dirOut = 1
)

// portState computes port p of d at t; boot is d's last boot.
func (n *wanNet) portState(d *wanDevice, p *wanPort, boot, t float64, buf []episode) portState {
	if p.Type != 6 {
		return portState{up: true} // NULL, loopback and VLAN interfaces stay up and count nothing here
	}
	if p.link < 0 || p.Admin != 1 {
		return portState{}
	}
	l := n.links[p.link]
	es := n.episodes(l, boot, t, buf)
	st := portState{up: true}
	for _, e := range es {
		if e.down && e.start <= t && t < e.end {
			st.up = false
		}
		if e.down {
			for _, x := range [2]float64{e.start, e.end} {
				if x <= t && x > boot {
					st.lastChange = math.Max(st.lastChange, x-boot)
				}
			}
		}
	}
	for dir := range 2 {
		flow := dir ^ p.side ^ 1 // the A end sends flow 0 and receives flow 1
		n.count(&st, l, flow, dir, es, boot, t)
	}
	return st
}

// count fills the dir counters of st from flow f of l.
func (n *wanNet) count(st *portState, l *wanLink, f, dir int, es []episode, boot, t float64) {
	g := &l.flow[f]
	up := g.integral(t) - g.integral(boot)
	burst := 0.0
	for _, e := range es {
		a, b := math.Max(e.start, boot), math.Min(e.end, t)
		if b <= a {
			continue
		}
		x := g.integral(b) - g.integral(a)
		if e.down {
			up -= x
		} else {
			burst += x
		}
	}
	bytes := math.Max(up, 0) * l.Bandwidth / 8
	pkts := bytes / l.pktSize[f]
	st.octets[dir] = math.Floor(bytes)
	st.ucast[dir] = math.Floor(pkts * 0.997)
	st.nucast[dir] = math.Floor(pkts * 0.003)
	if dir == dirIn { // errors are seen by the receiver, discards by the sender
		bad := pkts*l.errRatio + burst*l.Bandwidth/8/l.pktSize[f]*burstRatio(l)
		st.errors[dir] = math.Floor(bad)
	} else {
		st.discards[dir] = math.Floor(pkts * 2e-7)
	}
}

// cpuPercent is d's five-minute CPU use.
func (d *wanDevice) cpuPercent(t float64) int {
	return int(math.Round(100 * math.Min(0.98, math.Max(0.01, d.cpu.smooth(t)))))
}

// memPercent is d's memory use: a level and a slow daily wave.
func (d *wanDevice) memPercent(t float64) int {
	ph := unit(d.key) * 2 * math.Pi
	return int(math.Round(100 * (d.memory + 0.03*math.Sin(2*math.Pi*t/86400+ph))))
}

// tempCelsius rises with load.
func (d *wanDevice) tempCelsius(t float64) int {
	return int(math.Round(d.temp + 12*d.cpu.smooth(t)))
}

// opticalPower returns a fibre port's received and sent power in 0.01 dBm;
// a dark fibre reads -40 dBm, the floor transceivers report.
func (d *wanDevice) opticalPower(i int, up bool) (rx, tx int) {
	h := hash3(d.key, uint64(i), saltParam)
	tx = -200 - int(unit(h)*300)
	rx = tx - 150 - int(unit(mix(h))*700)
	if !up {
		rx = -4000
	}
	return rx, tx
}

// fibre reports whether port p has a transceiver (1G and faster WAN ports).
func (n *wanNet) fibre(p *wanPort) bool {
	return p.Type == 6 && p.link >= 0 && p.Speed >= 1e9 && n.links[p.link].WAN
}
