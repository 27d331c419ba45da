package vsphere

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/types"
)

// Counters read, by vCenter name (group.name.rollup). Instance "" is the
// entity's aggregate, "*" every instance.
var (
	vmCounters = []metricReq{
		{cCPUUsage, ""}, {cCPUReady, ""}, {cMemConsumed, ""}, {cVDiskRead, "*"}, {cVDiskWrite, "*"},
		{cDiskMaxLatency, ""}, {cNetRx, ""}, {cNetTx, ""},
	}
	hostCounters = []metricReq{
		{cCPUUsageMHz, ""}, {cMemConsumed, ""}, {cDSReadLatency, "*"}, {cDSWriteLatency, "*"},
	}
	datastoreCounters = []metricReq{
		{cDSRead, ""}, {cDSWrite, ""}, {cDSReadIOPS, ""}, {cDSWriteIOPS, ""},
	}
)

const (
	cCPUUsage       = "cpu.usage.average"                   // hundredths of a percent
	cCPUUsageMHz    = "cpu.usagemhz.average"                // MHz
	cCPUReady       = "cpu.ready.summation"                 // ms over the interval
	cMemConsumed    = "mem.consumed.average"                // KB
	cVDiskRead      = "virtualDisk.read.average"            // KBps
	cVDiskWrite     = "virtualDisk.write.average"           // KBps
	cDiskMaxLatency = "disk.maxTotalLatency.latest"         // ms
	cNetRx          = "net.bytesRx.average"                 // KBps
	cNetTx          = "net.bytesTx.average"                 // KBps
	cDSReadLatency  = "datastore.totalReadLatency.average"  // ms, host per datastore
	cDSWriteLatency = "datastore.totalWriteLatency.average" // ms
	cDSRead         = "datastore.read.average"              // KBps
	cDSWrite        = "datastore.write.average"             // KBps
	cDSReadIOPS     = "datastore.numberReadAveraged.average"
	cDSWriteIOPS    = "datastore.numberWriteAveraged.average"
)

const (
	realtimeInterval   = 20
	historicalInterval = 300
	historicalLookback = 3 * historicalInterval * time.Second // datastore stats can lag
	perfParallel       = 4
	// maxSample: the newest three samples, so a newest one not written yet
	// (-1) falls back to the one before.
	maxSample = 3
)

type metricReq struct{ counter, instance string }

// perfValues holds the newest sample per entity, counter and instance.
type perfValues map[string]map[metricKey]float64

type metricKey struct{ counter, instance string }

// get returns the aggregate, or the sum of the instances when the platform
// keeps only per-instance values (virtual disks).
func (p perfValues) get(ref, counter string) (float64, bool) {
	m := p[ref]
	if v, ok := m[metricKey{counter, ""}]; ok {
		return v, true
	}
	var sum float64
	found := false
	for k, v := range m {
		if k.counter == counter {
			sum += v
			found = true
		}
	}
	return sum, found
}

// perfQuery is one entity's part of a QueryPerf.
type perfQuery struct {
	entity types.ManagedObjectReference
	ids    []types.PerfMetricId
}

// specs builds one query per entity with the counters this session knows;
// unknown counter names are left out (versions differ).
func (s *sessionState) specs(refs []types.ManagedObjectReference, reqs []metricReq) []perfQuery {
	var ids []types.PerfMetricId
	for _, r := range reqs {
		if id, ok := s.counters.byName[r.counter]; ok {
			ids = append(ids, types.PerfMetricId{CounterId: id, Instance: r.instance})
		}
	}
	if len(ids) == 0 {
		return nil
	}
	out := make([]perfQuery, len(refs))
	for i, ref := range refs {
		out[i] = perfQuery{entity: ref, ids: ids}
	}
	return out
}

// Batches splits queries so that none holds more than max metrics (entity ×
// counter, as vCenter counts them for vpxd.stats.maxQueryMetrics); an entity
// with more counters than max goes alone.
func Batches(n int, perEntity func(i int) int, max int) [][2]int {
	var out [][2]int
	start, sum := 0, 0
	for i := range n {
		k := perEntity(i)
		if i > start && sum+k > max {
			out = append(out, [2]int{start, i})
			start, sum = i, 0
		}
		sum += k
	}
	if n > start {
		out = append(out, [2]int{start, n})
	}
	return out
}

// queryPerf runs the queries in as few QueryPerf calls as max_query_metrics
// allows, a few at a time, and keeps the newest sample of each series.
func (s *sessionState) queryPerf(ctx context.Context, qs []perfQuery, interval int32, start *time.Time, maxMetrics int) (perfValues, error) {
	out := perfValues{}
	if len(qs) == 0 {
		return out, nil
	}
	batches := Batches(len(qs), func(i int) int { return len(qs[i].ids) }, maxMetrics)
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		sem      = make(chan struct{}, perfParallel)
	)
	for _, b := range batches {
		specs := make([]types.PerfQuerySpec, 0, b[1]-b[0])
		for _, q := range qs[b[0]:b[1]] {
			specs = append(specs, types.PerfQuerySpec{Entity: q.entity, MetricId: q.ids, IntervalId: interval,
				MaxSample: maxSample, StartTime: start, Format: string(types.PerfFormatNormal)})
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			res, err := methods.QueryPerf(ctx, s.vc, &types.QueryPerf{This: s.perf, QuerySpec: specs})
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if firstErr == nil {
					firstErr = fmt.Errorf("query perf: %w", err)
				}
				return
			}
			s.keep(out, res.Returnval)
		})
	}
	wg.Wait()
	return out, firstErr
}

// keep stores the newest valid sample (vCenter writes -1 for "no data") of
// every series; counter ids without a name in this session are skipped
// (vcsim always adds one, govmomi issue #2835).
func (s *sessionState) keep(out perfValues, res []types.BasePerfEntityMetricBase) {
	for _, b := range res {
		em, ok := b.(*types.PerfEntityMetric)
		if !ok {
			continue
		}
		order := newestFirst(em.SampleInfo)
		ref := keyOf(em.Entity)
		for _, sv := range em.Value {
			series, ok := sv.(*types.PerfMetricIntSeries)
			if !ok {
				continue
			}
			name, ok := s.counters.byID[series.Id.CounterId]
			if !ok || len(series.Value) != len(order) {
				// unknown counter; or values that do not line up with the
				// samples (vcsim's XML drops an all-zero series)
				continue
			}
			for _, i := range order {
				if series.Value[i] < 0 {
					continue
				}
				m := out[ref]
				if m == nil {
					m = map[metricKey]float64{}
					out[ref] = m
				}
				m[metricKey{name, series.Id.Instance}] = float64(series.Value[i])
				break
			}
		}
	}
}

// newestFirst orders the samples by time, newest first: vCenter lists them
// oldest first, vcsim newest first.
func newestFirst(info []types.PerfSampleInfo) []int {
	order := make([]int, len(info))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return info[b].Timestamp.Compare(info[a].Timestamp) })
	return order
}
