package report

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// links is R-B1…R-B6: per level and district, each link SLI's compliance
// ratio; every bad span joined across midnight as a breach.
func (b *builder) links() LinkSection {
	slis := b.slisOf(entityLink)
	l := LinkSection{}
	levels, districts := linkGroups{}, linkGroups{}
	for i, s := range slis {
		l.Indicators = append(l.Indicators, s.Title)
		cond, _ := sla.ParseGood(s.Good) // checked in newBuilder
		u := unitOf(*s)
		for _, e := range b.entities(s.Name) {
			lv, d := levelWord(label(e.labels, "level", noLevel)), label(e.labels, "district", noDistrict)
			spans := joined(e.spans, b.ongoing)
			levels.add(lv, len(slis), i, e, len(spans))
			districts.add(d, len(slis), i, e, len(spans))
			for _, sp := range spans {
				l.Breaches = append(l.Breaches, Breach{Link: e.name, Level: lv, District: d, SLI: s.Title, Span: sp,
					Worst: worst(e, cond, u, sp, b.to), Op: cond.Op, Limit: u.of(cond.Threshold)})
			}
		}
	}
	l.ByLevel = levels.list(slis, levelOrder())
	l.ByDistrict = districts.list(slis, districtOrder())
	slices.SortStableFunc(l.Breaches, func(x, y Breach) int {
		return cmp.Or(x.Span.Start.Compare(y.Span.Start), cmp.Compare(x.Link, y.Link))
	})
	return l
}

// linkGroups accumulates links per group name, per indicator.
type linkGroups map[string]*linkAcc

type linkAcc struct {
	links    map[string]bool
	tally    []sla.Tally
	stat     []weighted
	breaches int
}

func (g linkGroups) add(name string, n, i int, e *entity, breaches int) {
	a := g[name]
	if a == nil {
		a = &linkAcc{links: map[string]bool{}, tally: make([]sla.Tally, n), stat: make([]weighted, n)}
		g[name] = a
	}
	a.links[e.name] = true
	a.tally[i] = a.tally[i].Add(e.tally)
	a.stat[i].plus(e.stat.total())
	a.breaches += breaches
}

func (g linkGroups) list(slis []*sla.SLI, order []string) []LinkGroup {
	out := make([]LinkGroup, 0, len(g))
	for name, a := range g {
		lg := LinkGroup{Name: name, Links: len(a.links), Breaches: a.breaches}
		for i, s := range slis {
			lg.Compliance = append(lg.Compliance, ratioOf(a.tally[i]))
			lg.Measured = append(lg.Measured, a.stat[i].value(unitOf(*s)))
		}
		out = append(out, lg)
	}
	by := rank(order)
	slices.SortFunc(out, func(x, y LinkGroup) int { return by(x.Name, y.Name) })
	return out
}

// worst is the highest daily Stats.Max over the days the span touches, for
// an upper-bound condition (<, <=) and only when those days carry Stats;
// Stats hold no minimum, so a lower bound has no worst value.
func worst(e *entity, cond sla.Cond, u unit, s sla.Span, monthEnd time.Time) Value {
	none := Value{Kind: u.kind}
	if len(e.dayMax) == 0 || (cond.Op != "<" && cond.Op != "<=") {
		return none
	}
	end := s.End
	if end.IsZero() {
		end = monthEnd
	}
	w := math.Inf(-1)
	for d := cst.StartOfDay(s.Start); d.Before(end); d = d.AddDate(0, 0, 1) {
		if v, ok := e.dayMax[d.Format(time.DateOnly)]; ok {
			w = math.Max(w, v)
		}
	}
	if math.IsInf(w, -1) {
		return none
	}
	return u.of(w)
}

// unit says how an SLI's values are shown, from its series name by the
// Prometheus naming conventions: _seconds in milliseconds, _ratio as a
// percentage, anything else as a plain number.
type unit struct {
	kind  Kind
	scale float64
}

func unitOf(s sla.SLI) unit {
	name, _, _ := strings.Cut(s.Query, "{")
	name = strings.TrimSpace(name)
	switch {
	case strings.HasSuffix(name, "_seconds"):
		return unit{Millis, 1000}
	case strings.HasSuffix(name, "_ratio"):
		return unit{Ratio, 1}
	}
	return unit{Number, 1}
}

func (u unit) of(v float64) Value { return Value{V: v * u.scale, Kind: u.kind, Known: true} }

// denoise rounds a mean computed in floating point to 12 significant
// digits: 0.049999999999999975 is 0.05, whose truncation to four decimals
// of a percentage is 5.0000 %, not 4.9999 %. Ratios from whole seconds
// (ratioOf) are exact and never pass here.
func denoise(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}

func (w weighted) value(u unit) Value {
	if w.n == 0 {
		return Value{Kind: u.kind}
	}
	return u.of(denoise(w.sum / float64(w.n)))
}
