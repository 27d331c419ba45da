package sim

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
)

// Forced link states (POST /control/link/{name}/down|up|auto, Sim.ForceLink)
// are kept as spans of time per link, like the fault timetable's episodes, not
// as a flag: a port's counters are integrals over the time its link was up, so
// they must know every forced-down stretch since the device's boot to stay flat
// while it lasts and not jump when the link returns. A forced-up span hides the
// natural flaps and injected faults that fall in it (not the ends' boots: a
// booting device's ports are down whatever the operator forces).
//
// Reachability: the pollers sit in the city data centre, so a device answers
// only while some path of links not forced down joins it to a city device. This
// is a breadth-first search over the whole WAN graph, not a walk of the Parent
// chain: Parent names one upstream device, while a 镇 town is dual-homed and a
// county aggregation pair is cross-linked, and redundancy is exactly what must
// keep a device reachable when one path is cut. It runs once per forced change
// (~20,000 links at scale 1: well under a millisecond); pollers read the result
// through an atomic pointer.

// Forced link states.
const (
	LinkAuto = "auto" // back to the time-driven behaviour
	LinkUp   = "up"   // up whatever the timetable says
	LinkDown = "down" // down, and every device with no other path cut off
)

// maxSpans bounds the spans remembered per link. Only someone toggling one link
// dozens of times within two quarters reaches it; the oldest span is then
// forgotten, and a counter spanning it may jump as if it had carried traffic.
const maxSpans = 64

var (
	errUnknownLink = errors.New("unknown link")
	errNoWAN       = errors.New("no simulated WAN (Options.WANScale is 0)")
	errBadState    = errors.New("want down, up or auto")
	linkForced     = metrics.NewCounter(`swanwatch_sim_link_changes_total`)
	snmpCutOff     = metrics.NewCounter(`swanwatch_sim_snmp_unanswered_total{reason="unreachable"}`)
)

// hop is one edge of the WAN graph: the neighbour and the link to it.
type hop struct{ dev, link int }

// linkControl holds the forced spans and what they cut off.
type linkControl struct {
	mu    sync.Mutex                        // serialises changes; readers use the snapshots
	spans atomic.Pointer[map[int][]episode] // per link; the last may be open (end +Inf)
	cut   atomic.Pointer[[]bool]            // per device: no path to the city; nil when none
}

// initControl indexes the links that can be forced (both ends ours, or a WAN
// link: a carrier circuit) and the graph between devices.
func (n *wanNet) initControl() {
	n.linkByName = map[string]*wanLink{}
	n.adj = make([][]hop, len(n.devs))
	for _, l := range n.links {
		if l.B.dev < 0 {
			if l.WAN {
				n.linkByName[l.Name] = l
			}
			continue
		}
		n.linkByName[l.Name] = l
		n.adj[l.A.dev] = append(n.adj[l.A.dev], hop{l.B.dev, l.idx})
		n.adj[l.B.dev] = append(n.adj[l.B.dev], hop{l.A.dev, l.idx})
	}
	n.force.spans.Store(&map[int][]episode{})
}

// applyForced adjusts l's timetable episodes es for the forced spans that
// overlap [from, to]: forced-up spans carve the down episodes out, forced-down
// spans are added.
func (c *linkControl) applyForced(l int, from, to float64, es []episode) []episode {
	for _, s := range (*c.spans.Load())[l] {
		switch {
		case s.end <= from || s.start > to:
		case s.down:
			es = append(es, s)
		default:
			es = carve(es, s)
		}
	}
	return es
}

// carve removes the stretch u from the down episodes of es.
func carve(es []episode, u episode) []episode {
	for i, n := 0, len(es); i < n; i++ {
		e := es[i]
		if !e.down || e.end <= u.start || e.start >= u.end {
			continue
		}
		es[i].end = u.start // empty when e began inside u; deleted below
		if e.end > u.end {
			es = append(es, episode{u.end, e.end, true})
		}
	}
	return slices.DeleteFunc(es, func(e episode) bool { return e.end <= e.start })
}

// forced returns l's forced state now: LinkDown, LinkUp or LinkAuto.
func (c *linkControl) forced(l int) string {
	s := (*c.spans.Load())[l]
	if len(s) == 0 || !math.IsInf(s[len(s)-1].end, 1) {
		return LinkAuto
	}
	if s[len(s)-1].down {
		return LinkDown
	}
	return LinkUp
}

// set closes l's open span at t and opens one for state (none for auto).
// Callers hold c.mu.
func (c *linkControl) set(l int, state string, t float64) {
	old := *c.spans.Load()
	m := make(map[int][]episode, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	spans := slices.Clone(m[l])
	if k := len(spans) - 1; k >= 0 && math.IsInf(spans[k].end, 1) {
		spans[k].end = t
	}
	if state != LinkAuto {
		spans = append(spans, episode{t, math.Inf(1), state == LinkDown})
	}
	if spans = pruneSpans(spans, t); len(spans) == 0 {
		delete(m, l)
	} else {
		m[l] = spans
	}
	c.spans.Store(&m)
}

// pruneSpans drops empty spans, spans older than any counter looks back (a
// device reboots at least once a quarter), and the oldest beyond maxSpans.
func pruneSpans(s []episode, t float64) []episode {
	s = slices.DeleteFunc(s, func(e episode) bool { return e.end <= e.start || e.end < t-2*maintEvery })
	if len(s) > maxSpans {
		s = s[len(s)-maxSpans:]
	}
	return s
}

// cutOff reports whether device i has no path to the city.
func (c *linkControl) cutOff(i int) bool {
	p := c.cut.Load()
	return p != nil && (*p)[i]
}

// unreachable returns, per device, whether no path of links for which down is
// false joins it to a city device; some is false when every device is reachable.
func (n *wanNet) unreachable(down func(link int) bool) (cut []bool, some bool) {
	seen := make([]bool, len(n.devs))
	queue := make([]int, 0, len(n.devs))
	for _, d := range n.devs {
		if d.Level == "city" {
			seen[d.idx], queue = true, append(queue, d.idx)
		}
	}
	for len(queue) > 0 {
		i := queue[0]
		queue = queue[1:]
		for _, h := range n.adj[i] {
			if !seen[h.dev] && !down(h.link) {
				seen[h.dev], queue = true, append(queue, h.dev)
			}
		}
	}
	for i := range seen {
		seen[i] = !seen[i]
		some = some || seen[i]
	}
	return seen, some
}

// recut recomputes the devices cut off by the links forced down. Callers hold c.mu.
func (n *wanNet) recut() {
	cut, some := n.unreachable(func(l int) bool { return n.force.forced(l) == LinkDown })
	if !some {
		n.force.cut.Store(nil)
		return
	}
	n.force.cut.Store(&cut)
}

// linkUpAt reports whether l's ports read up at t.
func (n *wanNet) linkUpAt(l *wanLink, t float64) bool {
	var buf [16]episode
	for _, e := range n.episodes(l, t, t, buf[:0]) {
		if e.down && e.start <= t && t < e.end {
			return false
		}
	}
	return true
}

// forceLink sets link name's forced state at the current time and sends the
// traps its ends would send.
func (w *wanServer) forceLink(name, state string) error {
	l := w.net.linkByName[name]
	if l == nil {
		return fmt.Errorf("force link %s: %w", truncate(name, 80), errUnknownLink)
	}
	switch state {
	case LinkDown, LinkUp, LinkAuto:
	default:
		return fmt.Errorf("force link %s: bad state %q: %w", l.Name, truncate(state, 40), errBadState)
	}
	c := &w.net.force
	c.mu.Lock()
	defer c.mu.Unlock()
	t := w.now()
	before := w.net.linkUpAt(l, t)
	c.set(l.idx, state, t)
	w.net.recut()
	linkForced.Inc()
	w.log.Info("link state forced", "link", l.Name, "state", state)
	if after := w.net.linkUpAt(l, t); after != before {
		w.sendTraps(l, after, t)
	}
	return nil
}
