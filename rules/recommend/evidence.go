package recommend

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// Observation is what the data shows of a VM at a time.
type Observation struct {
	Off   bool   // shut down: every sample in the window says so
	OffBy string // which data, Chinese (for the proof)
	Spec  string // its `spec` label now, "" unknown
	VCPU  int    // configured vCPUs now (hypervisor), 0 unknown
	MemGB int    // configured memory now in GB (hypervisor), 0 unknown
}

// Evidence tells what the data shows of VMs at a time.
type Evidence interface {
	Observe(ctx context.Context, vms []string, at time.Time) (map[string]Observation, error)
}

// The series read (docs/cloud.md): the hypervisor's power state and size,
// and the agent's `up` with the inventory's spec label.
const (
	seriesRunning = "hypervisor_vm_running"
	seriesVCPUs   = "hypervisor_vm_vcpus"
	seriesMemory  = "hypervisor_vm_memory_bytes"
)

// TSDBEvidence reads the evidence from the time series: over the window
// before the time asked, a VM is off when the hypervisor reported it powered
// off in every sample (hypervisor_vm_running 0), or, where no hypervisor
// reports it, when its agent target answered not once (up 0 in every
// sample; a VM whose agent target was removed has no samples and proves
// nothing). Its spec is the latest `spec` label of the agent's up series; its
// size the hypervisor's latest vCPUs and memory.
type TSDBEvidence struct {
	q      storage.Queryable
	window time.Duration
}

// NewTSDBEvidence reads from q; window ≤ 0 takes a day (a VM off for a
// whole day was shut down, not rebooted).
func NewTSDBEvidence(q storage.Queryable, window time.Duration) *TSDBEvidence {
	if window <= 0 {
		window = 24 * time.Hour
	}
	return &TSDBEvidence{q: q, window: window}
}

// Observe implements Evidence.
func (e *TSDBEvidence) Observe(ctx context.Context, vms []string, at time.Time) (map[string]Observation, error) {
	from, to := at.Add(-e.window).UnixMilli(), at.UnixMilli()
	qr, err := e.q.Querier(from, to)
	if err != nil {
		return nil, err
	}
	defer qr.Close()
	out := make(map[string]Observation, len(vms))
	for _, vm := range vms {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		o, err := observe(ctx, qr, vm)
		if err != nil {
			return nil, fmt.Errorf("vm %s: %w", vm, err)
		}
		out[vm] = o
	}
	return out, nil
}

func observe(ctx context.Context, qr storage.Querier, vm string) (Observation, error) {
	var o Observation
	run, err := read(ctx, qr, labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, seriesRunning),
		labels.MustNewMatcher(labels.MatchEqual, "vm", vm))
	if err != nil {
		return o, err
	}
	up, err := read(ctx, qr, labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, "up"),
		labels.MustNewMatcher(labels.MatchEqual, "kind", "agent"), labels.MustNewMatcher(labels.MatchEqual, "instance", vm))
	if err != nil {
		return o, err
	}
	switch {
	case run.n > 0:
		o.Off, o.OffBy = run.allZero, "虚拟化平台电源状态整段为关机"
	case up.n > 0:
		o.Off, o.OffBy = up.allZero, "无虚拟化平台数据，监控插件整段离线"
	}
	o.Spec = up.lastLabels.Get("spec")
	for name, dst := range map[string]*int{seriesVCPUs: &o.VCPU, seriesMemory: &o.MemGB} {
		s, err := read(ctx, qr, labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, name),
			labels.MustNewMatcher(labels.MatchEqual, "vm", vm))
		if err != nil {
			return o, err
		}
		if s.n > 0 && s.last > 0 && s.last < 1<<50 {
			*dst = int(math.Round(s.last))
		}
	}
	if o.MemGB > 0 {
		o.MemGB = int(math.Round(float64(o.MemGB) / (1 << 30)))
	}
	return o, nil
}

// samples sums up the samples of the matching series.
type samples struct {
	n          int
	allZero    bool
	last       float64 // the value of the latest sample
	lastT      int64
	lastLabels labels.Labels
}

func read(ctx context.Context, qr storage.Querier, ms ...*labels.Matcher) (samples, error) {
	out := samples{allZero: true, lastT: math.MinInt64}
	set := qr.Select(ctx, false, nil, ms...)
	var it chunkenc.Iterator
	for set.Next() {
		series := set.At()
		it = series.Iterator(it)
		for it.Next() == chunkenc.ValFloat {
			t, v := it.At()
			out.n++
			out.allZero = out.allZero && v == 0
			if t >= out.lastT {
				out.last, out.lastT, out.lastLabels = v, t, series.Labels()
			}
		}
		if err := it.Err(); err != nil {
			return out, err
		}
	}
	return out, set.Err()
}
