package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/timestamp"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/util/annotations"
)

// checkEvery is how many series pass between context checks in a scan.
const checkEvery = 128

var errTruncated = errors.New("results truncated due to limit")

// selection is the common part of series, labels and label values:
// an optional limit, a time range (open by default) and match[] sets.
type selection struct {
	limit      int
	start, end int64
	matchers   [][]*labels.Matcher
}

func (q *Query) parseSelection(r *http.Request) (selection, *apiError) {
	var s selection
	var err error
	if s.limit, err = parseLimit(r.FormValue("limit")); err != nil {
		return s, invalidParam("limit", err)
	}
	start, err := parseTimeParam(r, "start", minTime)
	if err != nil {
		return s, invalidParam("start", err)
	}
	end, err := parseTimeParam(r, "end", maxTime)
	if err != nil {
		return s, invalidParam("end", err)
	}
	if end.Before(start) {
		return s, invalidParam("end", errors.New("end timestamp must not be before start timestamp"))
	}
	s.start, s.end = timestamp.FromTime(start), timestamp.FromTime(end)
	if s.matchers, err = parseMatchers(q.parser, r.Form["match[]"]); err != nil {
		return s, invalidParam("match[]", err)
	}
	return s, nil
}

func (q *Query) series(r *http.Request) result {
	if len(r.Form["match[]"]) == 0 {
		return fail(badData(errors.New("no match[] parameter provided")))
	}
	sel, aerr := q.parseSelection(r)
	if aerr != nil {
		return fail(aerr)
	}
	qr, err := q.queryable.Querier(sel.start, sel.end)
	if err != nil {
		return fail(engineError(err))
	}
	defer qr.Close()
	hints := &storage.SelectHints{Start: sel.start, End: sel.end, Func: "series", Limit: hintLimit(sel.limit)}
	var set storage.SeriesSet
	if len(sel.matchers) == 1 {
		set = qr.Select(r.Context(), false, hints, sel.matchers[0]...)
	} else {
		sets := make([]storage.SeriesSet, 0, len(sel.matchers))
		for _, ms := range sel.matchers {
			// Merging needs sorted sets.
			sets = append(sets, qr.Select(r.Context(), true, hints, ms...))
		}
		set = storage.NewMergeSeriesSet(sets, 0, storage.ChainedSeriesMerge)
	}
	found, warnings, err := collectSeries(r.Context(), set, sel.limit)
	if err != nil {
		return result{err: engineError(err), warnings: warnings}
	}
	return result{data: found, warnings: warnings}
}

// collectSeries reads the label sets of set, at most limit of them (0: all).
// Labels are copied because the querier's memory is released on return.
func collectSeries(ctx context.Context, set storage.SeriesSet, limit int) ([]labels.Labels, annotations.Annotations, error) {
	found := []labels.Labels{}
	for i := 1; set.Next(); i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, set.Warnings(), err
			}
		}
		if limit > 0 && len(found) == limit {
			w := set.Warnings()
			w.Add(errTruncated)
			return found, w, nil
		}
		found = append(found, set.At().Labels().Copy())
	}
	return found, set.Warnings(), set.Err()
}

func (q *Query) labelNames(r *http.Request) result {
	sel, aerr := q.parseSelection(r)
	if aerr != nil {
		return fail(aerr)
	}
	return q.labelQuery(r.Context(), sel, func(ctx context.Context, qr storage.Querier, h *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
		return qr.LabelNames(ctx, h, ms...)
	})
}

func (q *Query) labelValues(r *http.Request) result {
	name := r.PathValue("name")
	if strings.HasPrefix(name, "U__") {
		name = model.UnescapeName(name, model.ValueEncodingEscaping)
	}
	if !model.UTF8Validation.IsValidLabelName(name) {
		return fail(badData(fmt.Errorf("invalid label name: %q", name)))
	}
	sel, aerr := q.parseSelection(r)
	if aerr != nil {
		return fail(aerr)
	}
	return q.labelQuery(r.Context(), sel, func(ctx context.Context, qr storage.Querier, h *storage.LabelHints, ms ...*labels.Matcher) ([]string, annotations.Annotations, error) {
		return qr.LabelValues(ctx, name, h, ms...)
	})
}

// labelLookup is LabelNames or LabelValues of a querier.
type labelLookup func(context.Context, storage.Querier, *storage.LabelHints, ...*labels.Matcher) ([]string, annotations.Annotations, error)

// labelQuery runs lookup once per match[] set (or once unfiltered) and
// returns the sorted union, cut to the limit.
func (q *Query) labelQuery(ctx context.Context, sel selection, lookup labelLookup) result {
	qr, err := q.queryable.Querier(sel.start, sel.end)
	if err != nil {
		return fail(engineError(err))
	}
	defer qr.Close()
	hints := &storage.LabelHints{Limit: hintLimit(sel.limit)}
	sets := sel.matchers
	if len(sets) == 0 {
		sets = [][]*labels.Matcher{nil}
	}
	union := map[string]struct{}{}
	var warnings annotations.Annotations
	for _, ms := range sets {
		vals, w, err := lookup(ctx, qr, hints, ms...)
		warnings.Merge(w)
		if err != nil {
			return result{err: engineError(err), warnings: warnings}
		}
		for _, v := range vals {
			// Cloned: block index strings may not outlive the querier.
			union[strings.Clone(v)] = struct{}{}
		}
	}
	out := sortedKeys(union)
	if sel.limit > 0 && len(out) > sel.limit {
		out = out[:sel.limit]
		warnings.Add(errTruncated)
	}
	return result{data: out, warnings: warnings}
}

func sortedKeys(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
