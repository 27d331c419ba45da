// Package collectors owns the collector contract and the Runner that drives every
// collector kind: interval, hashed first-round jitter, timeout, a per-kind
// concurrency bound, panic recovery, the `up` and `collect_duration_seconds` series
// per target and staleness markers when a target or one of its series disappears.
//
// It deliberately imports nothing from github.com/prometheus/prometheus: samples
// leave through the Sink interface, which internal/storage implements.
package collectors

import (
	"context"
	"math"
	"time"
)

// Emit records one sample of the current round:
//
//	emit("if_in_octets_total", v, "ifname", "GE0/0/1")
//
// Extra labels come as name/value pairs; an odd count or a reserved name is a
// programming error that the Runner reports as a partial-data error for the round.
type Emit func(metric string, value float64, labels ...string)

// Collector gathers one round from one target. It returns promptly once ctx is
// done, keeps no reference to emit after returning, and is safe to call
// concurrently for different targets. A non-nil error fails the round.
type Collector interface {
	Collect(ctx context.Context, t Target, emit Emit) error
}

// CollectorFunc adapts a function to the Collector interface.
type CollectorFunc func(ctx context.Context, t Target, emit Emit) error

// Collect calls f.
func (f CollectorFunc) Collect(ctx context.Context, t Target, emit Emit) error {
	return f(ctx, t, emit)
}

// Target is one thing to collect from, as the inventory describes it.
type Target struct {
	Kind    string            // collector kind, e.g. "agent"; becomes the `kind` label
	Name    string            // unique within the kind, e.g. a VM name; becomes the `instance` label
	Address string            // what the collector dials: URL or host:port
	Labels  map[string]string // inventory labels: district, level, site, system, dept, parent, ...
	Params  map[string]string // kind-specific settings that are not labels (never secrets in clear)

	// Interval and Timeout override the kind's defaults when non-zero.
	Interval time.Duration
	Timeout  time.Duration
}

// Key identifies a target across inventory reloads.
func (t Target) Key() string { return t.Kind + "/" + t.Name }

// Label is one name/value pair of a series.
type Label struct {
	Name, Value string
}

// Sample is one value of one series at the round's timestamp. Labels are sorted by
// name and include __name__.
type Sample struct {
	Labels []Label
	Value  float64
}

// Sink receives the samples of a finished round, all stamped with ts.
// internal/storage implements it over the embedded TSDB. A sink must not keep the
// samples slice after Append returns, but each Sample's Labels slice is
// immutable once appended — callers never reuse it — so a sink may keep it
// (the storage's series-ref cache does, instead of copying 90,000 label sets).
type Sink interface {
	Append(ctx context.Context, ts time.Time, samples []Sample) error
}

// StaleNaN is Prometheus's staleness marker (value.StaleNaN). It is copied here so
// that collectors link nothing of github.com/prometheus/prometheus.
var StaleNaN = math.Float64frombits(0x7ff0000000000002)

// IsStaleNaN reports whether v is the staleness marker.
func IsStaleNaN(v float64) bool { return math.Float64bits(v) == 0x7ff0000000000002 }
