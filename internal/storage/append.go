package storage

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/collectors"
)

var _ collectors.Sink = (*Storage)(nil)

// errClosed is returned by Append after Close.
var errClosed = errors.New("storage is closed")

// Append writes one round of samples, all stamped ts, in one appender and one
// Commit, and queues the accepted ones for remote_write. A rejected sample (bad
// labels, out of order, too old) is counted by kind and does not stop the others;
// the returned error then names how many were rejected and the first reason.
// collectors.StaleNaN values are written as staleness markers, unchanged.
func (s *Storage) Append(ctx context.Context, ts time.Time, samples []collectors.Sample) error {
	if len(samples) == 0 {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return errClosed
	}
	t := ts.UnixMilli()
	app := s.db.AppenderV2(ctx)
	var rej rejects
	var b labels.ScratchBuilder
	for i := range samples {
		if err := s.appendOne(app, &b, t, &samples[i]); err != nil {
			rej.add(i, &samples[i], err)
		}
	}
	if err := app.Commit(); err != nil {
		s.metrics.appendErrors[kindCommit].Add(len(samples))
		return fmt.Errorf("commit %d samples: %w", len(samples), err)
	}
	s.countRejects(&rej)
	s.metrics.appended.Add(len(samples) - len(rej.idx))
	if len(s.queues) > 0 {
		s.forward(roundSeries(t, samples, rej.idx))
	}
	return rej.err(len(samples))
}

// appendOne tries the cached ref first: the head accepts a known ref with empty
// labels. A ref that head GC removed fails with "empty labelset"; any failure
// other than a plain sample error falls back to the full labels once.
func (s *Storage) appendOne(app storage.AppenderV2, b *labels.ScratchBuilder, t int64, smp *collectors.Sample) error {
	h := hashLabels(smp.Labels)
	if ref, ok := s.refs.get(h, smp.Labels); ok {
		_, err := app.Append(ref, labels.EmptyLabels(), 0, t, smp.Value, nil, nil, storage.AOptions{})
		if err == nil || isSampleError(err) {
			return err
		}
		s.refs.drop(h, ref)
	}
	ls, err := buildLabels(b, smp.Labels)
	if err != nil {
		return err
	}
	s.create.Lock()
	ref, err := app.Append(0, ls, 0, t, smp.Value, nil, nil, storage.AOptions{})
	s.create.Unlock()
	if err != nil {
		return err
	}
	s.refs.put(h, ref, smp.Labels)
	return nil
}

// errInvalidLabels marks label sets that break the collectors.Sample contract.
var errInvalidLabels = errors.New("invalid labels")

// buildLabels checks what the head would otherwise index wrongly (unsorted or
// duplicate names) or could not serve back (no metric name, bad UTF-8).
func buildLabels(b *labels.ScratchBuilder, in []collectors.Label) (labels.Labels, error) {
	b.Reset()
	hasName := false
	for i, l := range in {
		switch {
		case l.Name == "":
			return labels.EmptyLabels(), fmt.Errorf("empty label name: %w", errInvalidLabels)
		case i > 0 && in[i-1].Name >= l.Name:
			return labels.EmptyLabels(), fmt.Errorf("label %q unsorted or repeated: %w", l.Name, errInvalidLabels)
		case !utf8.ValidString(l.Name) || !utf8.ValidString(l.Value):
			return labels.EmptyLabels(), fmt.Errorf("label %q not valid UTF-8: %w", l.Name, errInvalidLabels)
		}
		if l.Name == labels.MetricName {
			hasName = l.Value != ""
		}
		b.Add(l.Name, l.Value)
	}
	if !hasName {
		return labels.EmptyLabels(), fmt.Errorf("no metric name (%s): %w", labels.MetricName, errInvalidLabels)
	}
	return b.Labels(), nil
}

func isSampleError(err error) bool {
	return errors.Is(err, storage.ErrOutOfOrderSample) || errors.Is(err, storage.ErrOutOfBounds) ||
		errors.Is(err, storage.ErrTooOldSample) || errors.Is(err, storage.ErrDuplicateSampleForTimestamp)
}

func errorKind(err error) string {
	switch {
	case errors.Is(err, storage.ErrOutOfOrderSample):
		return kindOutOfOrder
	case errors.Is(err, storage.ErrOutOfBounds), errors.Is(err, storage.ErrTooOldSample):
		return kindOutOfBounds
	case errors.Is(err, storage.ErrDuplicateSampleForTimestamp):
		return kindDuplicate
	case errors.Is(err, errInvalidLabels):
		return kindInvalidLabels
	}
	return kindOther
}

// rejects collects per-sample failures of one round.
type rejects struct {
	idx    []int
	first  error
	byKind map[string]int
}

func (r *rejects) add(i int, smp *collectors.Sample, err error) {
	if r.first == nil {
		r.first = fmt.Errorf("series %s: %w", metricName(smp.Labels), err)
		r.byKind = make(map[string]int, 2)
	}
	r.idx = append(r.idx, i)
	r.byKind[errorKind(err)]++
}

func (r *rejects) err(total int) error {
	if r.first == nil {
		return nil
	}
	return fmt.Errorf("append: %d of %d samples rejected, first: %w", len(r.idx), total, r.first)
}

func (s *Storage) countRejects(r *rejects) {
	for kind, n := range r.byKind {
		s.metrics.appendErrors[kind].Add(n)
	}
}

func metricName(ls []collectors.Label) string {
	for _, l := range ls {
		if l.Name == labels.MetricName {
			return l.Value
		}
	}
	return "(no name)"
}
