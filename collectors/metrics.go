package collectors

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
)

// kindMetrics are the Runner's own metrics of one collector kind. Every label set
// is bounded (kind, state, reason); per-target health goes to the TSDB instead.
type kindMetrics struct {
	rounds, failed, skipped, panics *metrics.Counter
	samples, sinkErrors             *metrics.Counter
	duration                        *metrics.PrometheusHistogram
	drops                           map[string]*metrics.Counter
	targets                         map[State]*metrics.Gauge
}

// roundBuckets cover the fast SNMP get (ms) up to a 2-minute hypervisor round.
var roundBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120}

func newKindMetrics(kind string) *kindMetrics {
	name := func(base string) string { return fmt.Sprintf("swanwatch_collector_%s{kind=%q}", base, kind) }
	m := &kindMetrics{
		rounds:     metrics.GetOrCreateCounter(name("rounds_total")),
		failed:     metrics.GetOrCreateCounter(name("rounds_failed_total")),
		skipped:    metrics.GetOrCreateCounter(name("rounds_skipped_total")),
		panics:     metrics.GetOrCreateCounter(name("panics_total")),
		samples:    metrics.GetOrCreateCounter(name("samples_total")),
		sinkErrors: metrics.GetOrCreateCounter(name("sink_errors_total")),
		duration:   metrics.GetOrCreatePrometheusHistogramExt(name("round_duration_seconds"), roundBuckets),
		drops:      map[string]*metrics.Counter{},
		targets:    map[State]*metrics.Gauge{},
	}
	for _, r := range dropReasons {
		m.drops[r] = metrics.GetOrCreateCounter(fmt.Sprintf(
			"swanwatch_collector_dropped_samples_total{kind=%q,reason=%q}", kind, r))
	}
	for _, st := range []State{StateUnknown, StateUp, StateDown} {
		m.targets[st] = metrics.GetOrCreateGauge(fmt.Sprintf(
			"swanwatch_collector_targets{kind=%q,state=%q}", kind, st), nil)
	}
	return m
}

// rejectedTargets counts inventory targets the Runner cannot run, by reason.
func rejectedTargets(reason string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf("swanwatch_collector_targets_rejected_total{reason=%q}", reason))
}
