package sla

import (
	"context"
	"flag"
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/storage"
)

var benchVMs = flag.Int("usage.vms", 3000, "agents in BenchmarkAccountUsageDay (the reference estate: 3,000)")

// benchAgent is one VM's stored series as the agent collector writes them
// with its default keep-list and CPU sum (collectors/agent.DefaultKeep,
// DefaultSumWithout), plus the Runner's own series: about 32 per VM.
type benchAgent struct {
	series [][]collectors.Label
	cpus   float64
	fs     int
}

func newBenchAgent(i int) benchAgent {
	a := benchAgent{cpus: float64(int(2) << (i % 3)), fs: 1 + i%2}
	target := []string{"district", fmt.Sprintf("区%d", i%10), "instance", fmt.Sprintf("vm-%04d", i),
		"kind", "agent", "level", "city", "parent", fmt.Sprintf("cvk-%03d", i/40), "role", "app",
		"site", "政务云主中心", "system", fmt.Sprintf("系统%02d", i%40)}
	add := func(name string, kv ...string) {
		ls := []collectors.Label{{Name: "__name__", Value: name}}
		all := append(slices.Clone(target), kv...)
		for j := 0; j < len(all); j += 2 {
			ls = append(ls, collectors.Label{Name: all[j], Value: all[j+1]})
		}
		slices.SortFunc(ls, func(x, y collectors.Label) int { return strings.Compare(x.Name, y.Name) })
		a.series = append(a.series, ls)
	}
	for _, m := range []string{"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"} {
		add(metricCPU, "mode", m)
	}
	add(metricMemTotal)
	add(metricMemAvail)
	for f := range a.fs {
		kv := []string{"device", fmt.Sprintf("/dev/vd%c1", 'a'+f), "fstype", "ext4", "mountpoint", []string{"/", "/data"}[f]}
		add(metricFSSize, kv...)
		add(metricFSAvail, kv...)
		add("node_disk_read_bytes_total", "device", fmt.Sprintf("vd%c", 'a'+f))
		add("node_disk_written_bytes_total", "device", fmt.Sprintf("vd%c", 'a'+f))
	}
	for _, n := range []string{"node_load1", "node_load5", "node_load15", "node_boot_time_seconds",
		"node_time_seconds", "up", "collect_duration_seconds", "collect_samples"} {
		add(n)
	}
	for _, d := range []string{"eth0", "lo"} {
		add("node_network_receive_bytes_total", "device", d)
		add("node_network_transmit_bytes_total", "device", d)
	}
	add("node_uname_info", "nodename", fmt.Sprintf("vm-%04d", i), "release", "5.10.0", "sysname", "Linux")
	add("agent_summed_label_values", "family", metricCPU, "label", "cpu")
	return a
}

// value is a plausible sample of series j at minute m: counters grow with a
// wobble, gauges move, so chunks compress as real ones do.
func (a benchAgent) value(i, j, m int) float64 {
	w := math.Sin(float64(m*7+i*13+j) / 50)
	name := a.series[j][0].Value
	switch {
	case name == metricCPU:
		return math.Floor(float64(m)*60*a.cpus*(0.05+0.02*float64(j))*(1+0.1*w)*100) / 100
	case name == metricMemTotal || name == metricFSSize:
		return 64 << 30
	case name == metricMemAvail || name == metricFSAvail:
		return math.Floor((0.4+0.2*w)*(64<<30)/4096) * 4096
	case strings.HasSuffix(name, "_total"):
		return math.Floor(float64(m) * 1e5 * (1.5 + w))
	}
	return math.Round((1+w)*1000) / 1000
}

// buildBenchTSDB writes 26 hours (23:00 the day before to 01:00 after) of
// one round a minute and compacts the head into blocks, as the TSDB holds a
// day when the closer runs after midnight.
func buildBenchTSDB(b *testing.B, vms int) *storage.Storage {
	s, err := storage.Open(storage.Options{Dir: b.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(b, err)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	agents := make([]benchAgent, vms)
	for i := range agents {
		agents[i] = newBenchAgent(i)
	}
	start := cstAt("2026-11-09 23:00")
	var round []collectors.Sample
	for m := range 26 * 60 {
		round = round[:0]
		for i, a := range agents {
			for j, ls := range a.series {
				round = append(round, collectors.Sample{Labels: ls, Value: a.value(i, j, m)})
			}
		}
		require.NoError(b, s.Append(context.Background(), start.Add(time.Duration(m)*time.Minute), round))
		if m%120 == 119 { // keep the head to a few hours, as in the server
			require.NoError(b, s.DB().Compact(context.Background()))
		}
	}
	require.NoError(b, s.DB().Compact(context.Background()))
	return s
}

// BenchmarkAccountUsageDay accounts one CST day of the reference estate's
// agents (-usage.vms, default 3,000) from a compacted TSDB, and reports the
// live heap as the GC marks it (before and at its peak during the runs), and
// the peak of the heap with garbage not yet swept above where it started.
func BenchmarkAccountUsageDay(b *testing.B) {
	s := buildBenchTSDB(b, *benchVMs)
	runtime.GC()
	base := heapBytes()
	peak := &heapPeak{}
	b.ReportAllocs()
	var days []Day
	for b.Loop() {
		stop := peak.watch()
		var err error
		days, err = AccountUsage(context.Background(), s.Queryable(), "2026-11-10")
		stop()
		require.NoError(b, err)
	}
	require.Len(b, days, 3**benchVMs)
	// The live heap is absolute (the TSDB's share is base-live-MiB): a
	// difference of two GC marks can hide what the TSDB freed meanwhile.
	b.ReportMetric(float64(base[0])/(1<<20), "base-live-MiB")
	b.ReportMetric(float64(peak.live.Load())/(1<<20), "peak-live-MiB")
	b.ReportMetric(float64(peak.heap.Load()-min(base[1], peak.heap.Load()))/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(len(days)), "days/op")
}

// heapPeak samples the live heap every few milliseconds while watching.
type heapPeak struct{ live, heap maxU64 }

type maxU64 struct {
	mu sync.Mutex
	v  uint64
}

func (m *maxU64) put(v uint64) { m.mu.Lock(); m.v = max(m.v, v); m.mu.Unlock() }

func (m *maxU64) Load() uint64 { m.mu.Lock(); defer m.mu.Unlock(); return m.v }

func (p *heapPeak) watch() (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			h := heapBytes()
			p.live.put(h[0])
			p.heap.put(h[1])
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

var heapSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/heap/objects:bytes"}}

// heapBytes is the live heap at the last GC's mark, and the heap's objects
// including dead ones not yet swept.
func heapBytes() [2]uint64 {
	metrics.Read(heapSample)
	return [2]uint64{heapSample[0].Value.Uint64(), heapSample[1].Value.Uint64()}
}
