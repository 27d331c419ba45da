package storage

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
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
	sent, failed, retries *metrics.Counter
	dropRejected          *metrics.Counter // 4xx from the receiver
	dropSpoolFull         *metrics.Counter // oldest spool segment dropped
	dropSpoolErr          *metrics.Counter // spool write failed or record corrupt
	corruptSegments       *metrics.Counter
}

func newQueueMetrics(set *metrics.Set, q *queue) queueMetrics {
	l := fmt.Sprintf("receiver=%q", q.opts.Name)
	c := func(name, extra string) *metrics.Counter {
		return set.NewCounter(fmt.Sprintf("swanwatch_remote_write_%s{%s%s}", name, l, extra))
	}
	m := queueMetrics{
		sent:            c("samples_sent_total", ""),
		failed:          c("samples_failed_total", ""),
		retries:         c("retries_total", ""),
		dropRejected:    c("samples_dropped_total", `,reason="rejected"`),
		dropSpoolFull:   c("samples_dropped_total", `,reason="spool_full"`),
		dropSpoolErr:    c("samples_dropped_total", `,reason="spool_error"`),
		corruptSegments: c("spool_corrupt_segments_total", ""),
	}
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_queue_length{%s}", l), func() float64 { return float64(len(q.in)) })
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_spool_bytes{%s}", l), func() float64 { return float64(q.spool.bytes()) })
	set.NewGauge(fmt.Sprintf("swanwatch_remote_write_spool_segments{%s}", l), func() float64 { return float64(q.spool.segments()) })
	return m
}
