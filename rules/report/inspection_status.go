package report

import (
	"cmp"
	"slices"
)

// redundancyWords are the glossary's words for the redundancy states; the
// empty state is a link without a redundant path.
var redundancyWords = map[string]string{"": "无", RedundancyFull: "正常", RedundancyDegraded: "降级", RedundancyDown: "中断"}

// groupSet collects StatusGroups by name.
type groupSet map[string]*StatusGroup

func (s groupSet) get(name string) *StatusGroup {
	if name == "" {
		name = unassigned
	}
	g, ok := s[name]
	if !ok {
		g = &StatusGroup{Name: name}
		s[name] = g
	}
	return g
}

// status fills Total, ByDistrict and BySystem from today's snapshot and the
// open incidents. An incident without district or system counts only in
// the total: it may concern the whole estate.
func (b *inspectionBuild) status(today Snapshot, open []IncidentInfo) {
	districts, systems := groupSet{}, groupSet{}
	total := &b.out.Total
	for _, a := range today.Agents {
		for _, g := range []*StatusGroup{total, districts.get(a.District), systems.get(a.System)} {
			g.addAgent(a)
		}
	}
	for _, l := range today.Links {
		for _, g := range []*StatusGroup{total, districts.get(l.District)} {
			g.addLink(l)
		}
	}
	for _, in := range open {
		for _, g := range incidentGroups(in, total, districts, systems) {
			g.addIncident(in)
		}
	}
	b.out.ByDistrict = sortedGroups(districts, districtRank)
	b.out.BySystem = sortedGroups(systems, func(string) int { return 0 })
	for _, g := range append(append([]*StatusGroup{total}, ptrs(b.out.ByDistrict)...), ptrs(b.out.BySystem)...) {
		g.rate()
	}
}

// incidentGroups are the groups an open incident counts in: always the
// total, its district and system only when it names them.
func incidentGroups(in IncidentInfo, total *StatusGroup, districts, systems groupSet) []*StatusGroup {
	gs := []*StatusGroup{total}
	if in.District != "" {
		gs = append(gs, districts.get(in.District))
	}
	if in.System != "" {
		gs = append(gs, systems.get(in.System))
	}
	return gs
}

func ptrs(gs []StatusGroup) []*StatusGroup {
	out := make([]*StatusGroup, len(gs))
	for i := range gs {
		out[i] = &gs[i]
	}
	return out
}

func (g *StatusGroup) addAgent(a AgentState) {
	g.HasAgents = true
	g.Agents++
	if a.Online {
		g.AgentsOnline++
	}
}

func (g *StatusGroup) addLink(l LinkState) {
	g.HasLinks = true
	g.Links++
	if l.Up {
		g.LinksUp++
	}
	switch l.Redundancy {
	case RedundancyDegraded:
		g.RedundancyDegraded++
	case RedundancyDown:
		g.RedundancyDown++
	}
}

func (g *StatusGroup) addIncident(in IncidentInfo) {
	if r := severityRank(in.Severity); r < len(severityOrder) {
		g.OpenBySeverity[r]++
	}
}

// rate is exact: online over total, truncated only when shown.
func (g *StatusGroup) rate() {
	g.AgentRate = Value{Kind: Ratio}
	if g.Agents > 0 {
		g.AgentRate = Value{V: float64(g.AgentsOnline) / float64(g.Agents), Kind: Ratio, Known: true}
	}
}

// districtRank orders the glossary's districts first, in its order, and
// anything else after them.
func districtRank(name string) int {
	if i := slices.Index(inspectionDistricts, name); i >= 0 {
		return i
	}
	return len(inspectionDistricts)
}

func sortedGroups(s groupSet, rank func(string) int) []StatusGroup {
	out := make([]StatusGroup, 0, len(s))
	for _, g := range s {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b StatusGroup) int {
		return cmp.Or(cmp.Compare(rank(a.Name), rank(b.Name)), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// unresolved lists the open incidents, most severe first, then oldest.
func (b *inspectionBuild) unresolved(open []IncidentInfo) {
	for _, in := range open {
		b.out.Unresolved = append(b.out.Unresolved, OpenItem{IncidentInfo: in, Age: max(b.in.At.Sub(in.Opened), 0)})
	}
	slices.SortFunc(b.out.Unresolved, func(x, y OpenItem) int {
		return cmp.Or(cmp.Compare(severityRank(x.Severity), severityRank(y.Severity)),
			x.Opened.Compare(y.Opened), cmp.Compare(x.ID, y.ID))
	})
}
