package sla

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// maxUsageSeriesPerAgent bounds one agent's read: a 64-vCPU VM whose CPU
// series are not summed has 512 CPU series; ten thousand is a broken agent.
const maxUsageSeriesPerAgent = 10_000

// usageReader reads one CST day of usage series, one agent at a time. It
// keeps two queriers: the day plus ReadContext after it (the day's samples,
// and whether the agent still existed at 24:00), and ReadContext before it
// (whether it already existed at 00:00). Two, because an iterator's Seek
// decodes every sample it skips: the context before the day is only probed.
type usageReader struct {
	day, before storage.Querier
	from, to    int64 // the day, Unix ms
	hints       storage.SelectHints
	vm          vmDay // reused from agent to agent
}

func openUsageReader(q storage.Queryable, from, to time.Time) (*usageReader, error) {
	r := &usageReader{from: from.UnixMilli(), to: to.UnixMilli()}
	end := to.Add(ReadContext).UnixMilli() - 1
	r.hints = storage.SelectHints{Start: r.from, End: end, Func: "series_raw"}
	var err error
	if r.day, err = q.Querier(r.from, end); err != nil {
		return nil, fmt.Errorf("open querier: %w", err)
	}
	if r.before, err = q.Querier(from.Add(-ReadContext).UnixMilli(), r.from-1); err != nil {
		r.day.Close()
		return nil, fmt.Errorf("open querier: %w", err)
	}
	return r, nil
}

func (r *usageReader) close() { r.day.Close(); r.before.Close() }

// usageMatchers select the agents' usage families, plus extra matchers.
func usageMatchers(extra ...*labels.Matcher) []*labels.Matcher {
	names := strings.Join([]string{metricCPU, metricMemTotal, metricMemAvail, metricFSSize, metricFSAvail}, "|")
	return append(extra, labels.MustNewMatcher(labels.MatchEqual, "kind", "agent"),
		labels.MustNewMatcher(labels.MatchRegexp, labels.MetricName, names))
}

// agents lists the instances with usage series in the day (or after it:
// those without a sample in the day get no Day).
func (r *usageReader) agents(ctx context.Context) ([]string, error) {
	vals, _, err := r.day.LabelValues(ctx, usageEntityLabel, nil, usageMatchers()...)
	if err != nil {
		return nil, fmt.Errorf("list agents: %w", err)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = strings.Clone(v) // valid only while the querier is open
	}
	return out, nil
}

// read loads one agent's usage series of the day and probes the contexts.
func (r *usageReader) read(ctx context.Context, agent string) (*vmDay, error) {
	vm := &r.vm
	vm.reset(agent, r.from)
	m := labels.MustNewMatcher(labels.MatchEqual, usageEntityLabel, agent)
	ss := r.day.Select(ctx, false, &r.hints, usageMatchers(m)...)
	for n := 0; ss.Next(); n++ {
		if n >= maxUsageSeriesPerAgent {
			return nil, fmt.Errorf("more than %d usage series: check the agent's exposition", maxUsageSeriesPerAgent)
		}
		if err := vm.add(ss.At(), r.to); err != nil {
			return nil, err
		}
	}
	if err := ss.Err(); err != nil {
		return nil, fmt.Errorf("select: %w", err)
	}
	return vm, r.probeBefore(ctx, vm, m)
}

// probeBefore marks the classes that have a sample in the context before the
// day: such an agent existed at 00:00 and its lifetime starts there.
func (r *usageReader) probeBefore(ctx context.Context, vm *vmDay, m *labels.Matcher) error {
	hints := storage.SelectHints{Start: r.from - ReadContext.Milliseconds(), End: r.from - 1, Func: "series_raw"}
	ss := r.before.Select(ctx, false, &hints, usageMatchers(m)...)
	for n := 0; ss.Next(); n++ {
		if n >= maxUsageSeriesPerAgent {
			return fmt.Errorf("more than %d usage series before the day", maxUsageSeriesPerAgent)
		}
		s := ss.At()
		c := classOf(s.Labels())
		if c == classNone || vm.life[c].before {
			continue
		}
		ok, err := firstUsable(s.Iterator(nil), math.MaxInt64)
		if err != nil {
			return fmt.Errorf("read before the day: %w", err)
		}
		vm.life[c].before = ok
	}
	return ss.Err()
}

// firstUsable reports whether the iterator has a float sample that is not
// NaN before limit (a stale marker alone is not presence).
func firstUsable(it chunkenc.Iterator, limit int64) (bool, error) {
	for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
		t, v := it.At()
		if t >= limit {
			break
		}
		if vt == chunkenc.ValFloat && !math.IsNaN(v) {
			return true, nil
		}
	}
	return false, it.Err()
}

// readPoints appends the series' usable samples in [from, to), and reports
// whether a usable one follows at or after to. NaN (a stale marker) is no
// sample; a negative or infinite value is refused and counted.
func readPoints(dst []point, it chunkenc.Iterator, from, to int64, c usageClass) ([]point, bool, error) {
	for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
		if vt != chunkenc.ValFloat {
			continue
		}
		t, v := it.At()
		switch {
		case math.IsNaN(v) || t < from: // the querier trims; this is for certainty
			continue
		case t >= to && validValue(v):
			return dst, true, it.Err()
		case t >= to:
			continue // the next day's reader counts it
		case !validValue(v):
			usageInvalid(c.String())
			continue
		}
		dst = append(dst, point{t, v})
	}
	return dst, false, it.Err()
}

// validValue: byte counts and CPU seconds are finite and never negative.
func validValue(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }
