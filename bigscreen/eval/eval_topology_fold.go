package eval

import (
	"cmp"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// foldIfLarge keeps the topology legible: above limit nodes, each town's
// villages become one node (村级 ×N), and if that is still too many, each
// district's towns and villages become one.
func (g *topoGraph) foldIfLarge(limit int) {
	if len(g.nodes) <= limit {
		return
	}
	g.fold(func(d *topoDevice) (string, string, bool) {
		if d.node.Level != "village" || d.states != nil {
			return "", "", false
		}
		town := g.ancestorAbove(d, "village")
		if town == nil {
			return "villages@" + d.district, d.district + " 村级", true
		}
		return "villages@" + town.node.ID, cmp.Or(town.site, town.node.Name) + " 村级", true
	})
	if len(g.nodes) <= limit {
		return
	}
	g.fold(func(d *topoDevice) (string, string, bool) {
		if d.node.Level != "village" && d.node.Level != "town" {
			return "", "", false
		}
		return "towns@" + d.district, d.district + " 乡镇及村级", true
	})
}

// ancestorAbove follows parents to the first device not at level; nil when
// the chain ends (or loops) first.
func (g *topoGraph) ancestorAbove(d *topoDevice, level string) *topoDevice {
	for hops := 0; d != nil && hops < 16; hops++ {
		if d.node.Level != level {
			return d
		}
		d = g.nodes[d.parent]
	}
	return nil
}

// fold replaces the nodes that group names by one aggregate node per group,
// then rewires the links: links inside a group vanish, parallel ones merge.
func (g *topoGraph) fold(group func(*topoDevice) (key, name string, ok bool)) {
	rep := map[string]string{}
	aggs := map[string]*topoDevice{}
	for id, d := range g.nodes {
		key, name, ok := group(d)
		if !ok {
			continue
		}
		rep[id] = key
		a := aggs[key]
		if a == nil {
			a = &topoDevice{node: scene.TopoNode{ID: key, Name: name, Level: d.node.Level}, district: d.district,
				states: map[string]int{}}
			aggs[key] = a
		}
		a.absorb(d)
	}
	for id := range rep {
		delete(g.nodes, id)
	}
	for key, a := range aggs {
		a.node.State = aggregateState(a.states, a.node.Count)
		g.nodes[key] = a
	}
	g.links = mergeLinks(g.links, rep)
}

// absorb counts a member (a device or an earlier aggregate) into a.
func (a *topoDevice) absorb(d *topoDevice) {
	if topoLevelRank[d.node.Level] < topoLevelRank[a.node.Level] {
		a.node.Level = d.node.Level // an aggregate of towns and villages is at town level
	}
	if d.states == nil {
		a.states[d.node.State]++
		a.node.Count++
		return
	}
	for st, n := range d.states {
		a.states[st] += n
	}
	a.node.Count += d.node.Count
}

// aggregateState: bad when every member is, warn when some are bad, ok when
// some are ok, unknown when nothing is known.
func aggregateState(states map[string]int, n int) string {
	switch {
	case states["bad"] == n:
		return "bad"
	case states["bad"] > 0 || states["warn"] > 0:
		return "warn"
	case states["ok"] > 0:
		return "ok"
	}
	return "unknown"
}

// mergeLinks maps link ends through rep, drops links inside one aggregate
// and merges parallel ones (the worst state that still tells: all down is
// down, some down is degraded; the highest known utilisation).
func mergeLinks(links []scene.TopoLink, rep map[string]string) []scene.TopoLink {
	type pair struct{ a, b string }
	idx := map[pair]int{}
	states := map[pair]map[string]int{}
	out := make([]scene.TopoLink, 0, len(links))
	for _, l := range links {
		l.Source, l.Target = cmp.Or(rep[l.Source], l.Source), cmp.Or(rep[l.Target], l.Target)
		if l.Source == l.Target {
			continue
		}
		k := pair{l.Source, l.Target}
		i, seen := idx[k]
		if !seen {
			idx[k], states[k] = len(out), map[string]int{}
			out = append(out, l)
			i = len(out) - 1
		} else if l.Util != nil && (out[i].Util == nil || *l.Util > *out[i].Util) {
			out[i].Util = l.Util
		}
		states[k][l.State]++
		out[i].State = mergedLinkState(states[k])
	}
	return out
}

func mergedLinkState(s map[string]int) string {
	n := 0
	for _, c := range s {
		n += c
	}
	switch {
	case s["down"] == n:
		return "down"
	case s["down"] > 0 || s["degraded"] > 0:
		return "degraded"
	case s["unknown"] == n:
		return "unknown"
	}
	return "ok"
}
