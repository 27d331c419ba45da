package sla

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// Visitor and vehicle flow (客流量 / 车流量, R-C3): the passages the scenic
// area's gates and plate cameras count, closed per gate and CST day like
// the usage figures, so that a frozen month holds the counts and a
// re-issued report needs no raw sample. Their Tally counts the seconds
// with a sample as Good and the rest of the gate's lifetime as Unknown
// (nothing is ever Bad); Stats.Count is the day's passages and
// Stats.Intervals the 5-minute intervals with a sample.
const (
	FlowVisitorsIn  = "flow_visitors_in"  // gate_passages_total{direction="in"}: people in
	FlowVisitorsOut = "flow_visitors_out" // gate_passages_total{direction="out"}
	FlowVehiclesIn  = "flow_vehicles_in"  // vehicle_passages_total{direction="in"}: vehicles in
	FlowVehiclesOut = "flow_vehicles_out" // vehicle_passages_total{direction="out"}
)

// The counters of docs/swanlake.md the flow is read from.
const (
	metricGatePassages    = "gate_passages_total"
	metricVehiclePassages = "vehicle_passages_total"
)

// maxFlowSeries bounds one day's read: a scenic area has tens of gates, a
// hundred thousand series is a broken exposition.
const maxFlowSeries = 10_000

// maxDayCount bounds one gate's passages in a day: a turnstile passes about
// one person a second, 86,400 a day; a billion is a broken counter.
const maxDayCount = 1_000_000_000

// IsFlow reports whether name is one of the flow figures.
func IsFlow(name string) bool {
	switch name {
	case FlowVisitorsIn, FlowVisitorsOut, FlowVehiclesIn, FlowVehiclesOut:
		return true
	}
	return false
}

// flowName is the flow figure a series feeds, "" for none.
func flowName(ls labels.Labels) string {
	in := ls.Get("direction") == "in"
	if !in && ls.Get("direction") != "out" {
		return ""
	}
	switch ls.Get(labels.MetricName) {
	case metricGatePassages:
		if in {
			return FlowVisitorsIn
		}
		return FlowVisitorsOut
	case metricVehiclePassages:
		if in {
			return FlowVehiclesIn
		}
		return FlowVehiclesOut
	}
	return ""
}

// FlowEntity names a gate as the flow days do: instance/gate, or the
// instance alone for a device that counts one gate without naming it.
func FlowEntity(instance, gate string) string {
	if gate == "" {
		return instance
	}
	return instance + "/" + gate
}

// flowAcc is one gate's figure of one day, summed over its series (one,
// unless the exposition repeats it).
type flowAcc struct {
	name, entity string
	labels       map[string]string
	count        float64
	seen         figures // which 5-minute intervals of the day have a sample
	life         Span
	inDay        bool
}

// AccountFlow computes, for every gate with a passage counter sampled in
// the CST day date, one Day per flow figure (FlowVisitorsIn …): the day's
// passages are the increases between consecutive samples of which the
// later lies in the day (the pair across midnight counts for the day it
// ends in; a decrease is a counter reset, counted from 0, as increase()
// does), so the days of a month add up to the counter's whole increase. A
// counter's very first sample has nothing before it and counts nothing.
// Days are ordered by figure, then entity.
func AccountFlow(ctx context.Context, q storage.Queryable, date string) ([]Day, error) {
	from, to, err := DayBounds(date)
	if err != nil {
		return nil, err
	}
	mint, maxt := from.Add(-ReadContext).UnixMilli(), to.Add(ReadContext).UnixMilli()-1
	qr, err := q.Querier(mint, maxt)
	if err != nil {
		return nil, fmt.Errorf("account flow %s: open querier: %w", date, err)
	}
	defer qr.Close()
	hints := &storage.SelectHints{Start: mint, End: maxt, Func: "series_raw"}
	ss := qr.Select(ctx, false, hints,
		labels.MustNewMatcher(labels.MatchRegexp, labels.MetricName, metricGatePassages+"|"+metricVehiclePassages),
		labels.MustNewMatcher(labels.MatchRegexp, "direction", "in|out"))
	accs := map[[2]string]*flowAcc{}
	for n := 0; ss.Next(); n++ {
		if n >= maxFlowSeries {
			return nil, fmt.Errorf("account flow %s: more than %d passage series: check the devices' exposition", date, maxFlowSeries)
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("account flow %s: %w", date, err)
		}
		if err := addFlowSeries(accs, ss.At(), from, to); err != nil {
			return nil, fmt.Errorf("account flow %s: %w", date, err)
		}
	}
	if err := ss.Err(); err != nil {
		return nil, fmt.Errorf("account flow %s: select: %w", date, err)
	}
	return flowDays(accs, date, from), nil
}

// addFlowSeries adds one counter's day to its gate's accumulator.
func addFlowSeries(accs map[[2]string]*flowAcc, s storage.Series, from, to time.Time) error {
	ls := s.Labels()
	name := flowName(ls)
	if name == "" {
		return nil
	}
	entity := FlowEntity(ls.Get("instance"), ls.Get("gate"))
	k := [2]string{name, entity}
	a := accs[k]
	if a == nil {
		a = &flowAcc{name: name, entity: entity, labels: flowLabels(ls)}
		accs[k] = a
	}
	sd, err := readFlow(s.Iterator(nil), from, to)
	if err != nil || !sd.inDay {
		return err
	}
	a.count += sd.count
	for i, ok := range sd.seen.ok {
		if ok {
			a.seen.set(i, 0)
		}
	}
	life := Span{maxT(time.UnixMilli(sd.first).Truncate(time.Second), from),
		minT(time.UnixMilli(sd.last).Add(Staleness).Truncate(time.Second), to)}
	if !a.inDay {
		a.life, a.inDay = life, true
	} else {
		a.life = Span{minT(a.life.Start, life.Start), maxT(a.life.End, life.End)}
	}
	return nil
}

// flowLabels are the gate's labels: the series' without its name and
// direction (the figure says which).
func flowLabels(ls labels.Labels) map[string]string {
	m := ls.WithoutEmpty().Map()
	delete(m, labels.MetricName)
	delete(m, "direction")
	return m
}

// flowSeriesDay is what one counter gave for one day.
type flowSeriesDay struct {
	count       float64
	seen        figures
	first, last int64 // first and last usable sample read (the day and its context), Unix ms
	inDay       bool
}

// readFlow walks one counter's samples in order. NaN (a stale marker) is no
// sample; a negative or infinite value is refused and counted.
func readFlow(it chunkenc.Iterator, from, to time.Time) (flowSeriesDay, error) {
	var d flowSeriesDay
	lo, hi := from.UnixMilli(), to.UnixMilli()
	var prev float64
	have := false
	for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
		if vt != chunkenc.ValFloat {
			continue
		}
		t, v := it.At()
		if math.IsNaN(v) {
			continue
		}
		if !validValue(v) {
			usageInvalid("flow")
			continue
		}
		if !have {
			d.first = t
		}
		d.last = t
		if t >= lo && t < hi {
			d.inDay = true
			d.seen.set(int((t-lo)/UsageInterval.Milliseconds()), 0)
			if have {
				d.count += increase(prev, v)
			}
		}
		prev, have = v, true
	}
	return d, it.Err()
}

// increase is what a counter counted between two samples: the difference,
// or after a reset (a decrease) the new value, counted from 0.
func increase(a, b float64) float64 {
	if b < a {
		return b
	}
	return b - a
}

// flowDays turns the accumulators into Days, ordered by figure and entity.
// A gate without a sample in the day gets none; a count past maxDayCount
// is refused and counted.
func flowDays(accs map[[2]string]*flowAcc, date string, from time.Time) []Day {
	keys := slices.SortedFunc(maps.Keys(accs), func(a, b [2]string) int {
		return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1]))
	})
	var out []Day
	for _, k := range keys {
		a := accs[k]
		if !a.inDay {
			continue
		}
		n := math.Round(a.count)
		if n > maxDayCount {
			usageInvalid("flow")
			continue
		}
		intervals := int64(0)
		for _, ok := range a.seen.ok {
			if ok {
				intervals++
			}
		}
		out = append(out, Day{SLI: a.name, Entity: a.entity, Labels: a.labels, Date: date,
			Tally: a.seen.tally(a.life, from), Stats: &Stats{Count: int64(n), Intervals: intervals}})
	}
	return out
}
