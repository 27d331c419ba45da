package storage

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

var benchDistricts = []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

// estate builds the label sets of vms agents × perVM series, as the agent
// collector emits them: name, district, instance, kind, level, site, system
// (plus cpu/mode or device where node_exporter has them).
func estate(vms, perVM int) [][]collectors.Sample {
	out := make([][]collectors.Sample, vms)
	for v := range out {
		d := benchDistricts[v%len(benchDistricts)]
		round := make([]collectors.Sample, perVM)
		for j := range round {
			extra := []string{"cpu", fmt.Sprint(j % 8), "mode", []string{"user", "system", "idle", "iowait"}[j%4]}
			if j%3 == 0 {
				extra = []string{"device", fmt.Sprintf("vd%c", 'a'+j%4)}
			}
			kv := append([]string{"district", d, "instance", fmt.Sprintf("vm-%05d", v), "kind", "agent",
				"level", "县", "site", fmt.Sprintf("%s-机房%d", d, v%7), "system", fmt.Sprintf("系统%03d", v%200)}, extra...)
			round[j] = sample(fmt.Sprintf("node_metric_%02d", j%25), 0, kv...)
		}
		out[v] = round
	}
	return out
}

// fill gives every sample of a round a believable value for round k.
func fill(round []collectors.Sample, k int) {
	for j := range round {
		round[j].Value = float64((k*7919+j*31)%10007) / 100
	}
}

// BenchmarkAppend reports samples/s through Storage.Append for a 3,000-VM ×
// 50-series estate in steady state (series exist, refs cached).
func BenchmarkAppend(b *testing.B) {
	const vms, perVM = 3000, 50
	for _, par := range []bool{false, true} {
		b.Run(fmt.Sprintf("parallel=%v", par), func(b *testing.B) {
			s, err := Open(Options{Dir: b.TempDir()})
			require.NoError(b, err)
			defer s.Close()
			rounds := estate(vms, perVM)
			base := time.Now().Add(-time.Hour)
			ctx := context.Background()
			for v, r := range rounds { // create the series first
				require.NoError(b, s.Append(ctx, base, r), "vm %d", v)
			}
			b.ReportAllocs()
			b.ResetTimer()
			cpu0 := cpuTime()
			if par {
				benchParallel(b, s, rounds, base)
			} else {
				for i := 0; i < b.N; i++ {
					r := rounds[i%vms]
					fill(r, i)
					if err := s.Append(ctx, base.Add(time.Duration(1+i/vms)*30*time.Second), r); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*perVM)/b.Elapsed().Seconds(), "samples/s")
			// The machine is shared: samples per CPU second of the whole process
			// (GC and the WAL included) does not depend on what else runs.
			b.ReportMetric(float64(b.N*perVM)/(cpuTime()-cpu0).Seconds(), "samples/cpu-s")
		})
	}
}

// benchParallel gives each goroutine its own VMs, as the Runner does per target.
func benchParallel(b *testing.B, s *Storage, rounds [][]collectors.Sample, base time.Time) {
	var ids atomic.Int64
	procs := int64(runtime.GOMAXPROCS(0))
	b.RunParallel(func(pb *testing.PB) {
		id := ids.Add(1) - 1
		var mine [][]collectors.Sample
		for v := id; v < int64(len(rounds)); v += procs {
			mine = append(mine, rounds[v])
		}
		for i := 0; pb.Next(); i++ {
			r := mine[i%len(mine)]
			fill(r, i)
			if err := s.Append(context.Background(), base.Add(time.Duration(1+i/len(mine))*30*time.Second), r); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkBytesPerSeries appends 1 h of 30 s data for 1,000 VMs × 50 series
// and reports the heap the storage holds per active series (head chunks, index,
// ref cache) and the head chunk files on disk per series. Run with -benchtime=1x.
func BenchmarkBytesPerSeries(b *testing.B) {
	const vms, perVM, rounds = 1000, 50, 120
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		est := estate(vms, perVM)
		before := heapInUse()
		s, err := Open(Options{Dir: dir})
		require.NoError(b, err)
		base := time.Now().Add(-2 * time.Hour)
		for k := range rounds {
			for _, r := range est {
				fill(r, k)
				require.NoError(b, s.Append(context.Background(), base.Add(time.Duration(k)*30*time.Second), r))
			}
		}
		after := heapInUse()
		series := float64(s.DB().Head().NumSeries())
		require.Equal(b, float64(vms*perVM), series)
		b.ReportMetric(float64(after-before)/series, "heap-bytes/series")
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, "chunks_head")))/series, "chunk-file-bytes/series")
		b.ReportMetric(float64(dirSize(b, filepath.Join(dir, "wal")))/series, "wal-bytes/series")
		require.NoError(b, s.Close())
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			n += info.Size()
		}
		return err
	})
	require.NoError(b, err)
	return n
}
