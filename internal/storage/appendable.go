package storage

import (
	"context"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/prompb"
	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/collectors"
)

// Appendable returns the storage.Appendable (appender v1) whose commits reach the
// TSDB and, for float samples, the remote_write queues.
func (s *Storage) Appendable() storage.Appendable { return appendable{s} }

// AppendableV2 is the same for appender v2, which the rules manager of
// prometheus v0.316 takes (rules.ManagerOptions.AppendableV2).
func (s *Storage) AppendableV2() storage.AppendableV2 { return appendable{s} }

type appendable struct{ s *Storage }

func (a appendable) Appender(ctx context.Context) storage.Appender {
	return &forwardAppender{Appender: a.s.db.Appender(ctx), fwd: forwarder{s: a.s}}
}

func (a appendable) AppenderV2(ctx context.Context) storage.AppenderV2 {
	return &forwardAppenderV2{AppenderV2: a.s.db.AppenderV2(ctx), fwd: forwarder{s: a.s}}
}

// forwarder remembers the float samples of one transaction and hands them to
// remote_write after a successful Commit. Histograms stay local: the collectors
// produce none and prompb histograms would need their own conversion.
type forwarder struct {
	s      *Storage
	series []prompb.TimeSeries
	n      int
}

func (f *forwarder) add(ls labels.Labels, t int64, v float64) {
	f.n++
	if len(f.s.queues) == 0 {
		return
	}
	pl := make([]prompb.Label, 0, ls.Len())
	ls.Range(func(l labels.Label) { pl = append(pl, prompb.Label{Name: l.Name, Value: l.Value}) })
	f.series = append(f.series, prompb.TimeSeries{Labels: pl, Samples: []prompb.Sample{{Value: v, Timestamp: t}}})
}

func (f *forwarder) committed() {
	f.s.metrics.appended.Add(f.n)
	if len(f.series) > 0 {
		f.s.forward(f.series)
	}
}

type forwardAppender struct {
	storage.Appender
	fwd forwarder
}

func (a *forwardAppender) Append(ref storage.SeriesRef, ls labels.Labels, t int64, v float64) (storage.SeriesRef, error) {
	if ref == 0 { // may create a series: see Storage.create
		a.fwd.s.create.Lock()
		defer a.fwd.s.create.Unlock()
	}
	r, err := a.Appender.Append(ref, ls, t, v)
	if err == nil {
		a.fwd.add(ls, t, v)
	}
	return r, err
}

func (a *forwardAppender) Commit() error {
	if err := a.Appender.Commit(); err != nil {
		return err
	}
	a.fwd.committed()
	return nil
}

type forwardAppenderV2 struct {
	storage.AppenderV2
	fwd forwarder
}

func (a *forwardAppenderV2) Append(ref storage.SeriesRef, ls labels.Labels, st, t int64, v float64,
	h *histogram.Histogram, fh *histogram.FloatHistogram, opts storage.AOptions,
) (storage.SeriesRef, error) {
	if ref == 0 { // may create a series: see Storage.create
		a.fwd.s.create.Lock()
		defer a.fwd.s.create.Unlock()
	}
	r, err := a.AppenderV2.Append(ref, ls, st, t, v, h, fh, opts)
	if err == nil && h == nil && fh == nil {
		a.fwd.add(ls, t, v)
	}
	return r, err
}

func (a *forwardAppenderV2) Commit() error {
	if err := a.AppenderV2.Commit(); err != nil {
		return err
	}
	a.fwd.committed()
	return nil
}

// roundSeries converts the accepted samples of one round for remote_write in
// three allocations (labels, samples, series): the queue must not share the
// caller's slices, which it may reuse after Append returns. Empty label values
// are left out, as the TSDB leaves them out.
func roundSeries(t int64, samples []collectors.Sample, skip []int) []prompb.TimeSeries {
	nl := 0
	for i := range samples {
		nl += len(samples[i].Labels)
	}
	lab := make([]prompb.Label, 0, nl)
	smp := make([]prompb.Sample, len(samples))
	out := make([]prompb.TimeSeries, 0, len(samples)-len(skip))
	for i := range samples {
		if len(skip) > 0 && skip[0] == i {
			skip = skip[1:]
			continue
		}
		start := len(lab)
		for _, l := range samples[i].Labels {
			if l.Value != "" {
				lab = append(lab, prompb.Label{Name: l.Name, Value: l.Value})
			}
		}
		smp[i] = prompb.Sample{Value: samples[i].Value, Timestamp: t}
		out = append(out, prompb.TimeSeries{Labels: lab[start:len(lab):len(lab)], Samples: smp[i : i+1 : i+1]})
	}
	return out
}

// forward queues series on every receiver; it never blocks.
func (s *Storage) forward(series []prompb.TimeSeries) {
	for _, q := range s.queues {
		q.enqueue(series)
	}
}
