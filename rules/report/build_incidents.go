package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// worstN is how many incidents the worst list shows.
const worstN = 20

var monthSeverities = []string{"critical", "major", "minor", "warning"}

// incidentStats is the incident section and the exact means behind the
// summary's MTTA and MTTR lines.
type incidentStats struct {
	section    IncidentSection
	mtta, mttr meanDur
}

type sevAcc struct {
	count      int
	mtta, mttr meanDur
}

// incidents is R-A4 from the month's frozen incidents: root incidents only
// (those suppressed by an upstream fault are counted apart), MTTA over the
// acknowledged ones, MTTR over the resolved ones.
func (b *builder) incidents() (incidentStats, error) {
	var st incidentStats
	sev := map[string]*sevAcc{}
	var roots []sla.IncidentRecord
	for _, inc := range b.in.Info.Incidents {
		if err := checkIncident(inc); err != nil {
			return st, err
		}
		st.section.Total++
		if inc.SuppressedBy != 0 {
			st.section.Suppressed++
			continue
		}
		roots = append(roots, inc)
		a := sev[inc.Severity]
		if a == nil {
			a = &sevAcc{}
			sev[inc.Severity] = a
		}
		a.count++
		if !inc.AckedAt.IsZero() {
			a.mtta.add(inc.AckedAt.Sub(inc.FirstFired))
			st.mtta.add(inc.AckedAt.Sub(inc.FirstFired))
		}
		if !inc.ResolvedAt.IsZero() {
			a.mttr.add(inc.ResolvedAt.Sub(inc.FirstFired))
			st.mttr.add(inc.ResolvedAt.Sub(inc.FirstFired))
		}
	}
	st.section.BySeverity = bySeverity(sev)
	st.section.MTTA, st.section.MTTR = st.mtta.value(), st.mttr.value()
	st.section.Worst, st.section.Open = b.worstAndOpen(roots)
	st.section.Availability = b.availability()
	return st, nil
}

func checkIncident(inc sla.IncidentRecord) error {
	switch {
	case inc.FirstFired.IsZero():
		return fmt.Errorf("%w: incident %d: no first fired time", ErrBadInput, inc.ID)
	case !inc.AckedAt.IsZero() && inc.AckedAt.Before(inc.FirstFired):
		return fmt.Errorf("%w: incident %d: acknowledged before it fired", ErrBadInput, inc.ID)
	case !inc.ResolvedAt.IsZero() && inc.ResolvedAt.Before(inc.FirstFired):
		return fmt.Errorf("%w: incident %d: resolved before it fired", ErrBadInput, inc.ID)
	}
	return nil
}

func bySeverity(sev map[string]*sevAcc) []SeverityStats {
	names := slices.Clone(monthSeverities)
	for s := range sev {
		if !slices.Contains(names, s) {
			names = append(names, s)
		}
	}
	slices.SortStableFunc(names[len(monthSeverities):], cmp.Compare)
	var out []SeverityStats
	for _, s := range names {
		a := sev[s]
		if a == nil {
			a = &sevAcc{}
		}
		out = append(out, SeverityStats{Severity: s, Count: a.count, Acked: int(a.mtta.n), Resolved: int(a.mttr.n),
			MTTA: a.mtta.value(), MTTR: a.mttr.value()})
	}
	return out
}

// worstAndOpen lists the worst root incidents — most severe first, then
// longest, an open one measured until the freeze (or the generation of a
// provisional report) — and the open ones by time.
func (b *builder) worstAndOpen(roots []sla.IncidentRecord) (worst, open []IncidentSummary) {
	asOf := b.in.Info.FrozenAt
	if asOf.IsZero() {
		asOf = b.in.GeneratedAt
	}
	dur := func(x sla.IncidentRecord) time.Duration {
		if x.ResolvedAt.IsZero() {
			return asOf.Sub(x.FirstFired)
		}
		return x.ResolvedAt.Sub(x.FirstFired)
	}
	sorted := slices.Clone(roots)
	slices.SortStableFunc(sorted, func(x, y sla.IncidentRecord) int {
		return cmp.Or(cmp.Compare(sevRank(x.Severity), sevRank(y.Severity)), cmp.Compare(dur(y), dur(x)), cmp.Compare(x.ID, y.ID))
	})
	for i, x := range sorted {
		if i < worstN {
			worst = append(worst, summarize(x))
		}
	}
	for _, x := range roots {
		if x.ResolvedAt.IsZero() {
			open = append(open, summarize(x))
		}
	}
	slices.SortStableFunc(open, func(x, y IncidentSummary) int { return x.Opened.Compare(y.Opened) })
	return worst, open
}

func sevRank(s string) int {
	if i := slices.Index(monthSeverities, s); i >= 0 {
		return i
	}
	return len(monthSeverities)
}

func summarize(x sla.IncidentRecord) IncidentSummary {
	return IncidentSummary{ID: incidentID(x.ID), Title: x.Title, Severity: x.Severity,
		District: label(x.Labels, "district", noDistrict), Opened: x.FirstFired, Acked: x.AckedAt, Resolved: x.ResolvedAt}
}

func incidentID(id int64) string { return "#" + strconv.FormatInt(id, 10) }

// availability is the service, device and VM (R-A4: the cloud's VMs
// running) SLIs per system.
func (b *builder) availability() []GroupRate {
	var out []GroupRate
	for _, s := range b.slisOf("service", "device", "vm") {
		for _, g := range groupRates(b.entities(s.Name), "system", noSystem, nil) {
			g.Name = s.Title + " · " + g.Name
			out = append(out, g)
		}
	}
	return out
}

// lines are the summary's R-A4 response lines.
func (s *incidentStats) lines(t ResponseTargets) []SummaryLine {
	return []SummaryLine{
		{Requirement: "R-A4", Title: "故障平均响应时长（MTTA）", Op: "<=", Target: durValue(t.MTTA),
			Figure: s.mtta.value(), Verdict: s.mtta.within(t.MTTA)},
		{Requirement: "R-A4", Title: "故障平均修复时长（MTTR）", Op: "<=", Target: durValue(t.MTTR),
			Figure: s.mttr.value(), Verdict: s.mttr.within(t.MTTR)},
	}
}

func durValue(d time.Duration) Value { return Value{V: d.Seconds(), Kind: Seconds, Known: true} }
