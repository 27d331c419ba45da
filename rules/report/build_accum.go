package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// builder holds the month accumulators: one per (SLI, entity) and one per VM
// for usage, a tally per date for the agents' daily rates. Nothing holds a
// day once it is added.
type builder struct {
	in       Input
	month    string
	from, to time.Time // the month, [from, to)
	// ongoing: a spell still bad at this instant is 未恢复 — the month's end,
	// or for a provisional report of the running month the generation time.
	ongoing time.Time
	slis    map[string]*sla.SLI
	agent   *sla.SLI // the first vm_agent SLI: R-A1's section
	ents    map[entKey]*entity
	daily   map[string]sla.Tally // the agent SLI, per date
	totals  map[string]sla.Tally // per SLI
	vms     map[string]*vmUsage
	flows   map[entKey]*flowEnt
	// flowDaily sums each flow figure over the gates per date; a key is
	// present when some gate had data that day.
	flowDaily map[[2]string]int64
	seen      int
	ignored   int
}

type entKey struct{ sli, entity string }

// entity is one entity of one SLI over the month.
type entity struct {
	sli    *sla.SLI
	name   string
	labels map[string]string // the latest day's
	latest string            // its date
	seen   uint32            // days of the month added, bit per day: a day twice is refused
	tally  sla.Tally
	spans  []sla.Span // bad spans of every day, joined at the end
	gap    gapAcc
	stat   dayWeights         // Stats.Mean weighted by intervals, per day
	dayMax map[string]float64 // date → Stats.Max, only for days with Stats
}

type gapAcc struct {
	days        int
	first, last string
}

// weighted is an interval-weighted mean: Σ mean·intervals ÷ Σ intervals.
type weighted struct {
	sum float64
	n   int64
}

func (w *weighted) plus(o weighted) { w.sum, w.n = w.sum+o.sum, w.n+o.n }

// dayWeights keeps one entity's weighted contributions per day of the month and
// sums them in date order, so that a figure does not depend, even in its
// last binary digit, on the order the days arrived in.
type dayWeights struct {
	sum [31]float64
	n   [31]int64
}

func (d *dayWeights) add(day int, s *sla.Stats) {
	if s != nil && s.Intervals > 0 {
		d.sum[day] = s.Mean * float64(s.Intervals)
		d.n[day] = s.Intervals
	}
}

func (d *dayWeights) total() weighted {
	var w weighted
	for i := range d.sum {
		w.sum += d.sum[i]
		w.n += d.n[i]
	}
	return w
}

// dayIndex is the day of the month, from 0, of a date check has accepted.
func dayIndex(date string) int { return int(date[8]-'0')*10 + int(date[9]-'0') - 1 }

// once marks a day in a bitmask and refuses a day seen before: a ledger
// holds one day per SLI, entity and date, and a second would count twice.
func once(seen *uint32, d sla.Day) error {
	bit := uint32(1) << dayIndex(d.Date)
	if *seen&bit != 0 {
		return fmt.Errorf("%w: %s %s %s: day given twice", ErrBadInput, d.SLI, d.Entity, d.Date)
	}
	*seen |= bit
	return nil
}

// newer keeps the labels of the latest date seen.
func newer(labels *map[string]string, latest *string, d sla.Day) {
	if len(d.Labels) > 0 && d.Date >= *latest {
		*labels, *latest = d.Labels, d.Date
	}
}

func newBuilder(in Input) (*builder, error) {
	from, to, err := sla.MonthBounds(in.Info.Month)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	ongoing := to
	if in.Info.FrozenAt.IsZero() && !in.GeneratedAt.IsZero() && in.GeneratedAt.Before(to) {
		ongoing = in.GeneratedAt.Truncate(time.Second) // the accounting's precision
	}
	b := &builder{in: in, month: in.Info.Month, from: from, to: to, ongoing: ongoing, slis: map[string]*sla.SLI{},
		ents: map[entKey]*entity{}, daily: map[string]sla.Tally{}, totals: map[string]sla.Tally{}, vms: map[string]*vmUsage{},
		flows: map[entKey]*flowEnt{}, flowDaily: map[[2]string]int64{}}
	for i := range in.SLIs {
		s := &in.SLIs[i]
		if _, dup := b.slis[s.Name]; dup || isUsage(s.Name) || sla.IsFlow(s.Name) {
			return nil, fmt.Errorf("%w: sli %q defined twice or named like a usage or flow figure", ErrBadInput, s.Name)
		}
		if _, err := sla.ParseGood(s.Good); err != nil {
			return nil, fmt.Errorf("%w: sli %s: %w", ErrBadInput, s.Name, err)
		}
		b.slis[s.Name] = s
		if s.Entity == entityAgent && b.agent == nil {
			b.agent = s
		}
	}
	return b, nil
}

func (b *builder) addDay(sli *sla.SLI, d sla.Day) error {
	k := entKey{sli.Name, d.Entity}
	e := b.ents[k]
	if e == nil {
		e = &entity{sli: sli, name: d.Entity}
		b.ents[k] = e
	}
	if err := once(&e.seen, d); err != nil {
		return err
	}
	newer(&e.labels, &e.latest, d)
	e.tally = e.tally.Add(d.Tally)
	b.totals[sli.Name] = b.totals[sli.Name].Add(d.Tally)
	e.spans = append(e.spans, d.Outages...)
	if d.Tally.UnknownS > 0 {
		e.gap.add(d.Date)
	}
	if d.Stats != nil {
		e.stat.add(dayIndex(d.Date), d.Stats)
		if e.dayMax == nil {
			e.dayMax = map[string]float64{}
		}
		e.dayMax[d.Date] = d.Stats.Max
	}
	if sli == b.agent {
		b.daily[d.Date] = b.daily[d.Date].Add(d.Tally)
	}
	return nil
}

func (g *gapAcc) add(date string) {
	g.days++
	if g.first == "" || date < g.first {
		g.first = date
	}
	if date > g.last {
		g.last = date
	}
}

// The SLI entity kinds the report groups by (sla.SLI.Entity).
const (
	entityAgent = "vm_agent"
	entityLink  = "link"
)

// entities returns the accumulators of one SLI, ordered by entity name.
func (b *builder) entities(sli string) []*entity {
	var out []*entity
	for k, e := range b.ents {
		if k.sli == sli {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(x, y *entity) int { return cmp.Compare(x.name, y.name) })
	return out
}

// slisOf lists the configured SLIs of one entity kind, in configured order.
func (b *builder) slisOf(kinds ...string) []*sla.SLI {
	var out []*sla.SLI
	for i := range b.in.SLIs {
		if slices.Contains(kinds, b.in.SLIs[i].Entity) {
			out = append(out, &b.in.SLIs[i])
		}
	}
	return out
}

// joined sorts spans and joins those that touch or overlap: an outage that
// runs through midnight is closed as two days' spans, 23:50–24:00 and
// 00:00–00:20, and is one spell. A spell still running at the month's end
// (or at the generation of a provisional report) gets a zero End ("未恢复").
func joined(spans []sla.Span, monthEnd time.Time) []sla.Span {
	s := slices.Clone(spans)
	slices.SortFunc(s, func(a, b sla.Span) int { return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End)) })
	var out []sla.Span
	for _, x := range s {
		if n := len(out); n > 0 && !x.Start.After(out[n-1].End) {
			if x.End.After(out[n-1].End) {
				out[n-1].End = x.End
			}
			continue
		}
		out = append(out, x)
	}
	for i := range out {
		if !out[i].End.Before(monthEnd) {
			out[i].End = time.Time{}
		}
	}
	return out
}
