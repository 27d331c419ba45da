package sla

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// ReadContext is how far before and after a day ReadDay looks to learn
// whether an entity existed at the day's edges: a gap that started yesterday
// is Unknown today, not "not yet added".
const ReadContext = 24 * time.Hour

// maxSeriesPerRead bounds one SLI's read: more series than this is a
// misconfigured selector, not an estate (the reference estate has 3,000 VMs).
const maxSeriesPerRead = 200_000

// EntitySamples is one entity's raw samples, all its series together (an
// IPv4 and an IPv6 series of one link: the worst counts, since any bad
// sample makes its window Bad), with the first series' labels minus __name__.
type EntitySamples struct {
	Entity  string
	Labels  map[string]string
	Samples []Sample
}

// ReadDay selects the raw samples of sli's series for [from-ReadContext,
// to+ReadContext), where [from, to) is the CST day date, grouped by the
// entity label and ordered by entity. Raw samples, not a step-aligned
// query_range: a range query interpolates with the lookback and would fill a
// gap with the last value (hiding downtime or inventing it).
func ReadDay(ctx context.Context, q storage.Queryable, sli SLI, date string) ([]EntitySamples, error) {
	from, to, err := DayBounds(date)
	if err != nil {
		return nil, err
	}
	ms, err := selector(sli.Query)
	if err != nil {
		invalid("sli")
		return nil, fmt.Errorf("read %s: query %q: %w", sli.Name, sli.Query, err)
	}
	mint, maxt := from.Add(-ReadContext).UnixMilli(), to.Add(ReadContext).UnixMilli()-1
	qr, err := q.Querier(mint, maxt)
	if err != nil {
		return nil, fmt.Errorf("read %s: open querier: %w", sli.Name, err)
	}
	defer qr.Close()
	hints := &storage.SelectHints{Start: mint, End: maxt, Func: "series_raw"}
	byEntity, err := collect(ctx, qr.Select(ctx, true, hints, ms...), sli.EntityLabel)
	if err != nil {
		return nil, fmt.Errorf("read %s %s: %w", sli.Name, date, err)
	}
	return sortedEntities(byEntity), nil
}

// collect groups the series' samples by entity; series without the entity
// label are dropped (they cannot be attributed).
func collect(ctx context.Context, ss storage.SeriesSet, entityLabel string) (map[string]*EntitySamples, error) {
	out := map[string]*EntitySamples{}
	for n := 0; ss.Next(); n++ {
		if n >= maxSeriesPerRead {
			return nil, fmt.Errorf("more than %d series: narrow the SLI's selector", maxSeriesPerRead)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		s := ss.At()
		id := s.Labels().Get(entityLabel)
		if id == "" {
			continue
		}
		e := out[id]
		if e == nil {
			e = &EntitySamples{Entity: id, Labels: s.Labels().WithoutEmpty().Map()}
			delete(e.Labels, "__name__")
			out[id] = e
		}
		var err error
		if e.Samples, err = appendSeries(e.Samples, s); err != nil {
			return nil, err
		}
	}
	return out, ss.Err()
}

func appendSeries(dst []Sample, s storage.Series) ([]Sample, error) {
	it := s.Iterator(nil)
	for vt := it.Next(); vt != chunkenc.ValNone; vt = it.Next() {
		if vt != chunkenc.ValFloat { // SLIs are float gauges; a histogram is not one
			continue
		}
		t, v := it.At()
		dst = append(dst, Sample{T: time.UnixMilli(t), V: v})
	}
	return dst, it.Err()
}

func sortedEntities(m map[string]*EntitySamples) []EntitySamples {
	out := make([]EntitySamples, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, *m[k])
	}
	return out
}
