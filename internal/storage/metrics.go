package storage

import (
	"errors"
	"fmt"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/spool"
)

// Append error kinds, the only values of the kind label.
const (
	kindOutOfOrder    = "out_of_order"
	kindOutOfBounds   = "out_of_bounds"
	kindDuplicate     = "duplicate"
	kindInvalidLabels = "invalid_labels"
	kindCommit        = "commit"
	kindOther         = "other"
)

var appendErrorKinds = []string{kindOutOfOrder, kindOutOfBounds, kindDuplicate, kindInvalidLabels, kindCommit, kindOther}

// storeMetrics are the TSDB figures. They live in their own metrics.Set,
// registered globally while the Storage is open, so that tests can open many.
type storeMetrics struct {
	set          *metrics.Set
	appended     *metrics.Counter
	appendErrors map[string]*metrics.Counter
}

func newStoreMetrics(s *Storage) *storeMetrics {
	set := metrics.NewSet()
	m := &storeMetrics{
		set:          set,
		appended:     set.NewCounter("swanwatch_tsdb_samples_appended_total"),
		appendErrors: make(map[string]*metrics.Counter, len(appendErrorKinds)),
	}
	for _, k := range appendErrorKinds {
		m.appendErrors[k] = set.NewCounter(fmt.Sprintf("swanwatch_tsdb_append_errors_total{kind=%q}", k))
	}
	// Called once s.db is open; Close unregisters the set before closing the DB.
	db := s.db
	set.NewGauge("swanwatch_tsdb_head_series", func() float64 { return float64(db.Head().NumSeries()) })
	set.NewGauge("swanwatch_tsdb_head_min_time_seconds", func() float64 { return float64(db.Head().MinTime()) / 1e3 })
	set.NewGauge("swanwatch_tsdb_head_max_time_seconds", func() float64 { return float64(db.Head().MaxTime()) / 1e3 })
	set.NewGauge("swanwatch_tsdb_blocks", func() float64 { return float64(len(db.Blocks())) })
	set.NewGauge("swanwatch_tsdb_wal_and_head_chunks_bytes", func() float64 { return float64(db.Head().Size()) })
	set.NewGauge("swanwatch_tsdb_series_ref_cache_entries", func() float64 { return float64(s.refs.len()) })
	metrics.RegisterSet(set)
	return m
}

func (m *storeMetrics) close() { metrics.UnregisterSet(m.set, true) }

// queueMetrics are per receiver; receiver names come from config, so the label
// set is bounded.
type queueMetrics struct {
	label                 string
	sent, failed, retries *metrics.Counter
	dropRejected          *metrics.Counter // 4xx from the receiver
	dropSpoolFull         *metrics.Counter // the spool bound dropped them
	dropSpoolErr          *metrics.Counter // spool write failed or record corrupt
	corruptSegments       *metrics.Counter
}

// newQueueMetrics makes the counters; they exist before the spool opens, which
// may already find damage to count.
func newQueueMetrics(set *metrics.Set, receiver string) queueMetrics {
	l := fmt.Sprintf("receiver=%q", receiver)
	c := func(name, extra string) *metrics.Counter {
		return set.NewCounter(fmt.Sprintf("swanwatch_remote_write_%s{%s%s}", name, l, extra))
	}
	return queueMetrics{
		label:           l,
		sent:            c("samples_sent_total", ""),
		failed:          c("samples_failed_total", ""),
		retries:         c("retries_total", ""),
		dropRejected:    c("samples_dropped_total", `,reason="rejected"`),
		dropSpoolFull:   c("samples_dropped_total", `,reason="spool_full"`),
		dropSpoolErr:    c("samples_dropped_total", `,reason="spool_error"`),
		corruptSegments: c("spool_corrupt_segments_total", ""),
	}
}

// gauges reads the queue's state at scrape time.
func (m *queueMetrics) gauges(set *metrics.Set, q *queue) {
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_queue_length{%s}", m.label), func() float64 { return float64(len(q.in)) })
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_spool_bytes{%s}", m.label), func() float64 { return float64(q.spool.Bytes()) })
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_spool_segments{%s}", m.label), func() float64 { return float64(q.spool.Segments()) })
}

// spoolDropped counts samples the spool lost.
func (m *queueMetrics) spoolDropped(r spool.Reason, samples int) {
	if r == spool.Full {
		m.dropSpoolFull.Add(samples)
	} else {
		m.dropSpoolErr.Add(samples)
	}
}

// spoolFailed counts samples the spool refused: too large to ever fit is the
// bound's doing, anything else a write error.
func (m *queueMetrics) spoolFailed(samples int, err error) {
	if errors.Is(err, spool.ErrTooLarge) {
		m.dropSpoolFull.Add(samples)
	} else {
		m.dropSpoolErr.Add(samples)
	}
}
