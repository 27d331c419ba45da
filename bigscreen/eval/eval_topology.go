package eval

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// topoMaxNodes is about what a 16×10-cell topology panel shows legibly;
// above it villages fold into one node per town, then towns per district.
const topoMaxNodes = 300

// The queries of a topology panel, one value per device, link or group.
const (
	topoNodeUpQuery = `max by (instance) (up{kind="snmp"})`
	topoLinkUpQuery = `max by (link) (swanwatch:link_up)`
	// The busier direction: the contract's bandwidth is symmetric (R-B2).
	topoUtilQuery       = `max by (link) ({__name__=~"swanwatch:link_utilisation_(in|out):ratio"})`
	topoRedundancyQuery = `min by (group) (swanwatch:link_redundancy_state)`
)

var topoLevelRank = map[string]int{"city": 0, "county": 1, "town": 2, "village": 3}

// topoDevice is a node with what folding needs.
type topoDevice struct {
	node     scene.TopoNode
	parent   string
	district string
	site     string
	states   map[string]int // an aggregate's members by state
}

type topoGraph struct {
	nodes map[string]*topoDevice
	links []scene.TopoLink
}

// topology draws the WAN from the inventory (SNMP devices by level, links
// from the link targets' a_device/b_device) with the live states.
func (r *evalRound) topology() (scene.TopologyData, error) {
	vals := make([]map[string]float64, 4)
	for i, q := range []struct{ expr, label string }{{topoNodeUpQuery, "instance"},
		{topoLinkUpQuery, "link"}, {topoUtilQuery, "link"}, {topoRedundancyQuery, "group"}} {
		vec, err := r.query(q.expr)
		if err != nil {
			return scene.TopologyData{}, err
		}
		vals[i] = map[string]float64{}
		for _, s := range vec {
			vals[i][s.Metric.Get(q.label)] = s.F
		}
	}
	g := buildTopo(r.e.opts.Inventory(), vals[0], vals[1], vals[2], vals[3])
	g.foldIfLarge(r.e.topoLimit)
	return g.data(), nil
}

func buildTopo(targets []inventory.Target, nodeUp, linkUp, util, redundancy map[string]float64) *topoGraph {
	g := &topoGraph{nodes: map[string]*topoDevice{}}
	for _, t := range targets {
		if _, ok := topoLevelRank[t.Level]; ok && t.Kind == "snmp" {
			g.nodes[t.Name] = &topoDevice{node: scene.TopoNode{ID: t.Name, Name: t.Name, Level: t.Level,
				State: upState(nodeUp, t.Name)}, parent: t.Parent, district: t.District, site: t.Site}
		}
	}
	for _, t := range targets {
		if t.Kind == inventory.KindLink && t.Params[inventory.ParamADevice] != "" {
			g.addLink(t, linkUp, util, redundancy)
		}
	}
	return g
}

func upState(up map[string]float64, key string) string {
	v, ok := up[key]
	switch {
	case !ok:
		return "unknown"
	case v == 0:
		return "bad"
	}
	return "ok"
}

// addLink adds a link; an end that is no device of ours (a carrier's side of
// an internet exit) becomes a node of its own, coloured by the link.
func (g *topoGraph) addLink(t inventory.Target, linkUp, util, redundancy map[string]float64) {
	l := scene.TopoLink{Source: t.Params[inventory.ParamADevice], Target: t.Params[inventory.ParamBDevice],
		State: linkState(t, linkUp, redundancy)}
	if u, ok := util[t.Name]; ok {
		l.Util = number(u)
	}
	if l.Target == "" {
		l.Target = "ext:" + t.Name
	}
	for _, end := range []string{l.Source, l.Target} {
		if g.nodes[end] == nil {
			name := end
			if isp := t.Params[inventory.ParamISP]; isp != "" && end == l.Target {
				name = isp
			}
			g.nodes[end] = &topoDevice{node: scene.TopoNode{ID: end, Name: name, Level: t.Level,
				State: nodeStateOfLink(l.State)}, district: t.District}
		}
	}
	g.links = append(g.links, l)
}

// linkState: down when swanwatch:link_up is 0, degraded when up but its
// redundancy group is not full (the surviving path of R-B3), ok when up,
// unknown without data.
func linkState(t inventory.Target, linkUp, redundancy map[string]float64) string {
	up, ok := linkUp[t.Name]
	switch {
	case !ok:
		return "unknown"
	case up == 0:
		return "down"
	}
	if grp := t.Params[inventory.ParamGroup]; grp != "" {
		if st, ok := redundancy[grp]; ok && st < 2 {
			return "degraded"
		}
	}
	return "ok"
}

// nodeStateOfLink colours a node known only through its link.
func nodeStateOfLink(state string) string {
	switch state {
	case "down":
		return "bad"
	case "unknown":
		return "unknown"
	}
	return "ok"
}

func (g *topoGraph) data() scene.TopologyData {
	out := scene.TopologyData{Nodes: make([]scene.TopoNode, 0, len(g.nodes)), Links: g.links}
	for _, d := range g.nodes {
		out.Nodes = append(out.Nodes, d.node)
	}
	slices.SortFunc(out.Nodes, func(a, b scene.TopoNode) int {
		return cmp.Or(cmp.Compare(topoLevelRank[a.Level], topoLevelRank[b.Level]), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(out.Links, func(a, b scene.TopoLink) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target))
	})
	if out.Links == nil {
		out.Links = []scene.TopoLink{}
	}
	return out
}
