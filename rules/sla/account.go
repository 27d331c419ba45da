package sla

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Sample is one raw value of an entity's series.
type Sample struct {
	T time.Time
	V float64
}

// Staleness is how long after its last sample an entity still counts as
// present: Prometheus's lookback, so that the accounting and a query agree on
// when a series ended.
const Staleness = 5 * time.Minute

// Account tallies one entity over [from, to) in exact seconds, by the rules
// of docs/sla.md:
//   - windows of sli.Window start at 00:00 CST; a window is Bad if any sample
//     in it is bad, Good if it has samples and all are good, Unknown if it has
//     none (a NaN or stale marker is no sample);
//   - the entity is measured only over [first sample, last sample + Staleness],
//     or from `from` / to `to` when samples lie before / after the range;
//   - seconds in maint or outside cal are Excluded, the rest take the
//     window's status.
//
// It also returns the Bad seconds as spans, merged where they touch. The
// result depends only on the arguments: same input, same figures.
func Account(sli SLI, samples []Sample, from, to time.Time, maint []Span, cal Calendar) (Tally, []Span, error) {
	cond, err := ParseGood(sli.Good)
	if err != nil {
		return Tally{}, nil, fmt.Errorf("account %s: %w", sli.Name, err)
	}
	if sli.Window <= 0 || sli.Window%time.Second != 0 {
		return Tally{}, nil, fmt.Errorf("account %s: window %s must be whole seconds", sli.Name, sli.Window)
	}
	if !cal.Always() {
		if err := cal.Compile(); err != nil {
			return Tally{}, nil, fmt.Errorf("account %s: %w", sli.Name, err)
		}
	}
	samples = usable(samples)
	from, to = from.Truncate(time.Second), to.Truncate(time.Second)
	lo, hi, ok := lifetime(samples, from, to)
	if !ok {
		return Tally{}, nil, nil
	}
	a := accounter{cond: cond, samples: samples, excl: exclusions(maint, &cal, lo, hi)}
	a.run(windowStart(lo, sli.Window), lo, hi, sli.Window)
	return a.tally, a.outages, nil
}

// usable drops NaN values (stale markers, a division by zero in a recording
// rule): no data is Unknown, never Bad. The result is sorted by time.
func usable(in []Sample) []Sample {
	out := make([]Sample, 0, len(in))
	for _, s := range in {
		if !math.IsNaN(s.V) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b Sample) int { return a.T.Compare(b.T) })
	return out
}

// lifetime is the part of [from, to) in which the entity existed.
func lifetime(s []Sample, from, to time.Time) (lo, hi time.Time, ok bool) {
	if len(s) == 0 {
		return from, from, false
	}
	lo = maxT(s[0].T.Truncate(time.Second), from)
	hi = minT(s[len(s)-1].T.Add(Staleness).Truncate(time.Second), to)
	return lo, hi, lo.Before(hi)
}

// windowStart is the start of the window containing t, windows being
// aligned to 00:00 CST (a window divides a day).
func windowStart(t time.Time, w time.Duration) time.Time {
	day := cst.StartOfDay(t)
	return day.Add(t.Sub(day) / w * w)
}

// exclusions merges the maintenance spans and the time outside the calendar
// within [lo, hi) into ordered, disjoint spans.
func exclusions(maint []Span, cal *Calendar, lo, hi time.Time) []Span {
	all := slices.Clone(maint)
	all = append(all, cal.Outside(lo, hi)...)
	slices.SortFunc(all, func(a, b Span) int { return cmp.Or(a.Start.Compare(b.Start), a.End.Compare(b.End)) })
	var out []Span
	for _, s := range all {
		s.Start, s.End = s.Start.Truncate(time.Second), s.End.Truncate(time.Second)
		out = appendSpan(out, clip(s, lo, hi))
	}
	return out
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
