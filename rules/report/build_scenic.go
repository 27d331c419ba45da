package report

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// scenicSystem is the inventory's system label of the Swan Lake scenic
// area (docs/swanlake.md): its incidents are the ones R-C4 counts.
const scenicSystem = "天鹅湖景区"

// noSite names the entities that carry no site label.
const noSite = "未标注园区"

// scenicRequirements are the contract terms of the scenic area: an SLI
// citing one of them is a line of its section.
var scenicRequirements = []string{"R-C2", "R-C3", "R-C4"}

// scenicSLIs are the configured SLIs of the scenic area, in configured order.
func (b *builder) scenicSLIs() []*sla.SLI {
	var out []*sla.SLI
	for i := range b.in.SLIs {
		if slices.Contains(scenicRequirements, b.in.SLIs[i].Requirement) {
			out = append(out, &b.in.SLIs[i])
		}
	}
	return out
}

// scenic is the scenic area's section (docs/report.md, 天鹅湖景区).
func (b *builder) scenic() ScenicSection {
	var s ScenicSection
	slis := b.scenicSLIs()
	sites := map[string][]sla.Tally{}
	for i, sli := range slis {
		ind := ScenicIndicator{Requirement: sli.Requirement, Title: sli.Title, Tally: b.totals[sli.Name],
			Target: Value{V: sli.Target, Kind: Ratio, Known: true}}
		ind.Rate, ind.Verdict = ratioOf(ind.Tally), tallyVerdict(ind.Tally, sli.Target)
		for _, e := range b.entities(sli.Name) {
			ind.Entities++
			site := label(e.labels, "site", noSite)
			if sites[site] == nil {
				sites[site] = make([]sla.Tally, len(slis))
			}
			sites[site][i] = sites[site][i].Add(e.tally)
			spells := len(joined(e.spans, b.ongoing))
			ind.Spells += spells
			if e.tally.BadS > 0 {
				s.Faults = append(s.Faults, ScenicFault{Indicator: sli.Title, Entity: e.name, Site: site,
					Rate: ratioOf(e.tally), BadS: e.tally.BadS, Spells: spells})
			}
		}
		s.HasData = s.HasData || ind.Tally.GoodS+ind.Tally.BadS > 0
		s.Indicators = append(s.Indicators, ind)
	}
	s.BySite = scenicSites(sites)
	slices.SortStableFunc(s.Faults, func(x, y ScenicFault) int {
		return cmp.Or(cmp.Compare(y.BadS, x.BadS), cmp.Compare(x.Indicator, y.Indicator), cmp.Compare(x.Entity, y.Entity))
	})
	s.Flow = b.flow()
	s.HasData = s.HasData || len(b.flows) > 0
	b.scenicIncidents(&s)
	return s
}

func scenicSites(sites map[string][]sla.Tally) []ScenicSite {
	out := make([]ScenicSite, 0, len(sites))
	for name, ts := range sites {
		site := ScenicSite{Name: name}
		for _, t := range ts {
			site.Rates = append(site.Rates, ratioOf(t))
		}
		out = append(out, site)
	}
	by := rank(nil)
	slices.SortFunc(out, func(x, y ScenicSite) int { return by(x.Name, y.Name) })
	return out
}

// scenicIncidents counts the area's incidents (system 天鹅湖景区): root
// ones by severity, the suppressed apart; a major incident (重大故障) is a
// critical (紧急) root incident. Any incident of the area is data: a month
// with one has a figure even without a single SLI day.
func (b *builder) scenicIncidents(s *ScenicSection) {
	for _, inc := range b.in.Info.Incidents {
		if inc.Labels["system"] != scenicSystem {
			continue
		}
		s.HasData = true
		if inc.SuppressedBy != 0 {
			s.Suppressed++
			continue
		}
		if r := sevRank(inc.Severity); r < len(s.BySeverity) {
			s.BySeverity[r]++
		}
		if inc.Severity == "critical" {
			s.MajorList = append(s.MajorList, summarize(inc))
		}
	}
	slices.SortStableFunc(s.MajorList, func(x, y IncidentSummary) int {
		return cmp.Or(x.Opened.Compare(y.Opened), cmp.Compare(x.ID, y.ID))
	})
	s.Major = Value{Kind: Count}
	if s.HasData {
		s.Major = Value{V: float64(len(s.MajorList)), Kind: Count, Known: true}
	}
}

// line is the summary's R-C4 line: no major incident in the month.
func (s ScenicSection) line() SummaryLine {
	l := SummaryLine{Requirement: "R-C4", Title: "天鹅湖景区重大故障次数", Op: "<=",
		Target: Value{V: 0, Kind: Count, Known: true}, Figure: s.Major}
	if s.Major.Known {
		l.Verdict = verdict(s.Major.V == 0, true)
	}
	return l
}
