package report

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// agents is R-A1: the agent SLI's month rate over all agents, per day, per
// district, and every offline spell with the incident that covered it.
func (b *builder) agents() AgentSection {
	sli := b.agent
	if sli == nil {
		return AgentSection{Rate: Value{Kind: Ratio}, Target: Value{Kind: Ratio}}
	}
	es := b.entities(sli.Name)
	a := AgentSection{Agents: len(es), Rate: ratioOf(b.totals[sli.Name]), Target: Value{V: sli.Target, Kind: Ratio, Known: true}}
	days, _ := sla.MonthDays(b.month) // the month parsed in newBuilder
	for _, d := range days {
		a.Daily = append(a.Daily, DailyRate{Date: d, Rate: ratioOf(b.daily[d])})
	}
	a.ByDistrict = groupRates(es, "district", noDistrict, districtOrder())
	cover := indexIncidents(b.in.Info.Incidents, sli.EntityLabel)
	for _, e := range es {
		for _, s := range joined(e.spans, b.ongoing) {
			a.Offline = append(a.Offline, offline(e, s, cover[e.name]))
		}
	}
	slices.SortStableFunc(a.Offline, func(x, y OfflineIncident) int { return x.Span.Start.Compare(y.Span.Start) })
	return a
}

// groupRates sums entities' tallies per value of a label.
func groupRates(es []*entity, name, missing string, order []string) []GroupRate {
	groups := map[string]*GroupRate{}
	for _, e := range es {
		g := label(e.labels, name, missing)
		if groups[g] == nil {
			groups[g] = &GroupRate{Name: g}
		}
		groups[g].Entities++
		groups[g].Tally = groups[g].Tally.Add(e.tally)
	}
	out := make([]GroupRate, 0, len(groups))
	for _, g := range groups {
		g.Rate = ratioOf(g.Tally)
		out = append(out, *g)
	}
	by := rank(order)
	slices.SortFunc(out, func(x, y GroupRate) int { return by(x.Name, y.Name) })
	return out
}

// indexIncidents groups incidents by the value of the entity label (for the
// agents: instance), earliest first.
func indexIncidents(in []sla.IncidentRecord, entityLabel string) map[string][]*sla.IncidentRecord {
	out := map[string][]*sla.IncidentRecord{}
	for i := range in {
		if v := in[i].Labels[entityLabel]; v != "" {
			out[v] = append(out[v], &in[i])
		}
	}
	for _, list := range out {
		slices.SortStableFunc(list, func(x, y *sla.IncidentRecord) int {
			return cmp.Or(x.FirstFired.Compare(y.FirstFired), cmp.Compare(x.ID, y.ID))
		})
	}
	return out
}

// covering is the first incident of the entity whose time overlaps the
// spell; an open incident or spell runs on without end.
func covering(list []*sla.IncidentRecord, s sla.Span) *sla.IncidentRecord {
	for _, inc := range list {
		startsBefore := s.End.IsZero() || inc.FirstFired.Before(s.End)
		endsAfter := inc.ResolvedAt.IsZero() || inc.ResolvedAt.After(s.Start)
		if startsBefore && endsAfter {
			return inc
		}
	}
	return nil
}

func offline(e *entity, s sla.Span, incidents []*sla.IncidentRecord) OfflineIncident {
	o := OfflineIncident{Entity: e.name, District: label(e.labels, "district", noDistrict),
		System: label(e.labels, "system", noSystem), Span: s, Cause: "无对应故障事件", Repair: Value{Kind: Seconds}}
	inc := covering(incidents, s)
	if inc != nil {
		o.Incident, o.Cause = incidentID(inc.ID), inc.Title
	}
	switch {
	case !s.End.IsZero():
		o.Repair = Value{V: s.End.Sub(s.Start).Seconds(), Kind: Seconds, Known: true}
	case inc != nil && !inc.ResolvedAt.IsZero() && inc.ResolvedAt.After(s.Start):
		// still offline at the month's end, fixed after it: the incident says when
		o.Repair = Value{V: inc.ResolvedAt.Sub(s.Start).Seconds(), Kind: Seconds, Known: true}
	}
	return o
}
