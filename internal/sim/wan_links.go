package sim

import (
	"fmt"
	"math"
)

// linkSpec is what a link is besides its ends and bandwidth.
type linkSpec struct {
	level, district, group, isp string
	wan                         bool   // a WAN link of the inventory
	remote                      string // name of the far end when it is not ours (a carrier)
}

// Per level: the busiest hour's utilisation range, flaps and error bursts per
// week, and the one-way-ish round-trip time range of the path.
type levelFigures struct {
	util              [2]float64
	flaps, bursts     float64
	rtt               [2]float64 // seconds
	errRatio, badPath float64    // background errored share of packets; chance of a lossy path
}

var levels = map[string]levelFigures{
	"city":    {util: r(.15, .55), flaps: .02, bursts: .05, rtt: r(.004, .015), errRatio: 1e-10, badPath: 0},
	"county":  {util: r(.08, .35), flaps: .05, bursts: .1, rtt: r(.001, .004), errRatio: 1e-10, badPath: .02},
	"town":    {util: r(.1, .5), flaps: .15, bursts: .2, rtt: r(.003, .010), errRatio: 1e-9, badPath: .05},
	"village": {util: r(.05, .6), flaps: .4, bursts: .3, rtt: r(.008, .030), errRatio: 5e-9, badPath: .08},
}

// link cables port to port; b nil means a far end that is not ours.
func (b *builder) link(a, bd *wanDevice, bw float64, s linkSpec) *wanLink {
	l := &wanLink{Level: s.level, District: s.district, Group: s.group, ISP: s.isp, WAN: s.wan,
		Bandwidth: bw, idx: len(b.n.links)}
	l.key = hash3(b.seed, uint64(l.idx), saltLink)
	l.A = linkEnd{a.idx, b.port(a, bw, l.idx, 0)}
	remote := s.remote
	l.B = linkEnd{dev: -1, port: -1}
	if bd != nil {
		l.B = linkEnd{bd.idx, b.port(bd, bw, l.idx, 1)}
		remote = bd.Name
	}
	l.Name = a.Name + "~" + remote
	b.figures(l)
	b.n.links = append(b.n.links, l)
	a.ports[l.A.port].Alias = "to " + remote
	if bd != nil {
		bd.ports[l.B.port].Alias = "to " + a.Name
	}
	return l
}

// figures draws a link's traffic, faults and path quality.
func (b *builder) figures(l *wanLink) {
	f := levels[l.Level]
	peak := between(b.g, f.util)
	for dir := range l.flow {
		share := []float64{1, 0.35 + 0.4*b.g.Float64()}[dir] // downstream is the busier way
		l.flow[dir] = signal{base: 0.06 * peak * share, amp: 0.9 * peak * share, curve: office,
			waves:  [2]wave{{0.02 * peak * share, 2 * math.Pi / 3600, b.g.Float64() * 6}, {0, 1, 0}}, // w ≠ 0: integral divides by it
			jitter: 0.02 * peak * share, key: hash3(l.key, uint64(dir), saltJitter)}
		l.pktSize[dir] = []float64{850, 420}[dir] * (0.8 + 0.4*b.g.Float64())
	}
	l.errRatio = f.errRatio * (0.5 + b.g.Float64())
	l.downChance, l.burstChance = f.flaps, f.bursts
	if !l.WAN {
		l.downChance, l.burstChance = 0.01, 0.02
		return
	}
	n := uint32(l.idx + 1)
	// Probe addresses are loopback, so the demo's probes never leave the machine:
	// a distinct 127/8 address per link for IPv4 (all of it answers) and ::1,
	// the only IPv6 loopback address. The figures a real path would show are in
	// the sim_v4_*/sim_v6_* params.
	l.IPv4 = fmt.Sprintf("127.%d.%d.%d", 64+n>>16, n>>8&255, n&255)
	l.IPv6 = "::1"
	l.V4 = b.quality(f, 1)
	l.V6 = l.V4
	if b.g.Float64() < 0.12 { // a tunnelled or badly peered v6 path
		l.V6 = b.quality(f, 1.3+0.5*b.g.Float64())
		l.V6.Loss += 0.01
	}
}

func (b *builder) quality(f levelFigures, worse float64) pathQuality {
	q := pathQuality{RTT: between(b.g, f.rtt) * worse, Loss: 0.002 * b.g.Float64()}
	q.Jitter = q.RTT * (0.05 + 0.2*b.g.Float64())
	if b.g.Float64() < f.badPath {
		q.Loss, q.Jitter = 0.02+0.04*b.g.Float64(), q.Jitter*3
	}
	return q
}

// port adds a physical interface for a link and returns its position.
func (b *builder) port(d *wanDevice, bw float64, link, side int) int {
	speed := max(bw, 100e6)
	n := 1
	for _, p := range d.ports {
		if p.Type == 6 && p.Speed == speed {
			n++
		}
	}
	name, descr := d.vendor.phys(speed, n)
	d.ports = append(d.ports, wanPort{Name: name, Descr: descr, Type: 6, Speed: speed, Admin: 1, link: link, side: side})
	return len(d.ports) - 1
}

// edges adds n user-facing ports to d, a share of them cabled to machines.
func (b *builder) edges(d *wanDevice, n int, speed float64, used float64) {
	for range n {
		if b.g.Float64() < used {
			l := b.link(d, nil, speed, linkSpec{level: d.Level, district: d.District, remote: "user"})
			l.flow[0].amp, l.flow[1].amp = l.flow[0].amp*0.1, l.flow[1].amp*0.1
			d.ports[l.A.port].Alias = ""
			continue
		}
		b.port(d, speed, -1, 0)
	}
}

// spares pads d's physical ports up to a multiple of block, unused.
func (b *builder) spares(d *wanDevice, block int, speed float64) {
	phys := 0
	for _, p := range d.ports {
		if p.Type == 6 {
			phys++
		}
	}
	for ; phys%block != 0; phys++ {
		i := b.port(d, speed, -1, 0)
		if b.g.Float64() < 0.5 {
			d.ports[i].Admin = 2 // shut down by the operator
		}
	}
}

// wanSlug is a district's short name in device names.
func wanSlug(d district) string {
	if d.Slug == "" {
		return "smx"
	}
	return d.Slug
}

// linkByEnds finds the link between two named devices (tests and the demo).
func (n *wanNet) linkByEnds(a, b string) *wanLink {
	for _, l := range n.links {
		if l.B.dev >= 0 && n.devs[l.A.dev].Name == a && n.devs[l.B.dev].Name == b {
			return l
		}
	}
	return nil
}

// peer returns the device and port at the far end of l from side (nil if not ours).
func (n *wanNet) peer(l *wanLink, side int) (*wanDevice, *wanPort) {
	e := l.A
	if side == 0 {
		e = l.B
	}
	if e.dev < 0 {
		return nil, nil
	}
	d := n.devs[e.dev]
	return d, &d.ports[e.port]
}
