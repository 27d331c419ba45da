package sla

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/storage"
)

func TestUsageStatsNearestRank(t *testing.T) {
	seq := func(n int, div float64) map[int]float64 {
		m := map[int]float64{}
		for k := 1; k <= n; k++ {
			m[k] = float64(k) / div
		}
		return m
	}
	for _, tc := range []struct {
		name string
		figs map[int]float64 // interval → figure
		want Stats
	}{
		{"one interval", map[int]float64{100: 0.3}, Stats{0.3, 0.3, 0.3, 0.3, 1, 0}},
		// ⌈0.95·20⌉ = 19: the 19th smallest, not the largest.
		{"twenty", seq(20, 20), Stats{10.5 / 20, 19.0 / 20, 1, 1, 20, 0}},
		// ⌈0.95·21⌉ = ⌈19.95⌉ = 20.
		{"twenty-one", seq(21, 100), Stats{0.11, 0.20, 0.21, 0.21, 21, 0}},
		// Last is the day's last interval, not the largest.
		{"last in time", map[int]float64{0: 0.9, 287: 0.1}, Stats{0.5, 0.9, 0.9, 0.1, 2, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &figures{}
			for k, v := range tc.figs {
				f.set(k, v)
			}
			got, ok := f.stats()
			require.True(t, ok)
			assertStats(t, tc.want, got)
		})
	}
	_, ok := (&figures{}).stats()
	assert.False(t, ok, "no interval, no stats")
}

// inputSeries is one series of a bad-input case: five samples, one a
// minute from 10:00:15 CST, NaN for none.
type inputSeries struct {
	name string
	kv   []string
	v    [5]float64
}

func fiveOf(v float64) [5]float64 { return [5]float64{v, v, v, v, v} }

func TestAccountUsageBadInput(t *testing.T) {
	ramp := func(step float64) [5]float64 { return [5]float64{0, step, 2 * step, 3 * step, 4 * step} }
	for _, tc := range []struct {
		name    string
		series  []inputSeries
		want    map[string]float64 // usage name → the one interval's figure
		invalid string             // kind counted
		count   uint64
	}{
		{"MemAvailable above MemTotal", []inputSeries{
			{metricMemTotal, nil, fiveOf(1000)}, {metricMemAvail, nil, [5]float64{250, 250, 2000, 250, 250}},
		}, map[string]float64{UsageMemory: 0.75}, "memory", 1},
		{"MemTotal 0", []inputSeries{
			{metricMemTotal, nil, [5]float64{1000, 1000, 0, 1000, 1000}}, {metricMemAvail, nil, fiveOf(250)},
		}, map[string]float64{UsageMemory: 0.75}, "memory", 1},
		{"infinite MemAvailable", []inputSeries{
			{metricMemTotal, nil, fiveOf(1000)}, {metricMemAvail, nil, [5]float64{math.Inf(1), 500, 500, 500, 500}},
		}, map[string]float64{UsageMemory: 0.5}, "memory", 1},
		{"filesystem of size 0", []inputSeries{
			{metricFSSize, fsKV("/", "ext4"), fiveOf(0)}, {metricFSAvail, fsKV("/", "ext4"), fiveOf(0)},
			{metricFSSize, fsKV("/data", "xfs"), fiveOf(1000)}, {metricFSAvail, fsKV("/data", "xfs"), fiveOf(500)},
		}, map[string]float64{UsageDisk: 0.5}, "disk", 5},
		// the -5 is dropped: idle 10+20+10, user 4 → 1 − 40/44.
		{"negative CPU counter", []inputSeries{
			{metricCPU, []string{"mode", "idle"}, [5]float64{10, 20, -5, 40, 50}},
			{metricCPU, []string{"mode", "user"}, [5]float64{1, 2, 3, 4, 5}},
		}, map[string]float64{UsageCPU: 1 - 40.0/44}, "cpu", 1},
		// without idle the busy share is unknowable: no figure, not 100 %.
		{"no idle series", []inputSeries{
			{metricCPU, []string{"mode", "user"}, ramp(6)}, {metricCPU, []string{"mode", "system"}, ramp(3)},
		}, map[string]float64{}, "cpu", 0},
		{"only tmpfs", []inputSeries{
			{metricFSSize, fsKV("/run", "tmpfs"), fiveOf(1000)}, {metricFSAvail, fsKV("/run", "tmpfs"), fiveOf(10)},
		}, map[string]float64{}, "disk", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := buildInputTSDB(t, tc.series)
			before := usageInvalidCounts()
			days, err := AccountUsage(context.Background(), s.Queryable(), usageDate)
			require.NoError(t, err)
			got := map[string]float64{}
			for _, d := range days {
				require.Equal(t, int64(1), d.Stats.Intervals)
				got[d.SLI] = d.Stats.Mean
			}
			assert.InDeltaMapValues(t, tc.want, got, 1e-12)
			assert.Len(t, got, len(tc.want))
			after := usageInvalidCounts()
			idx := map[string]int{"cpu": 0, "memory": 1, "disk": 2}[tc.invalid]
			assert.Equal(t, tc.count, after[idx]-before[idx], "counted as invalid %s", tc.invalid)
		})
	}
}

func fsKV(mount, fstype string) []string {
	return []string{"device", "/dev/x" + mount, "fstype", fstype, "mountpoint", mount}
}

func buildInputTSDB(t *testing.T, series []inputSeries) *storage.Storage {
	t.Helper()
	s, err := storage.Open(storage.Options{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	vm := usageVM{name: "vm-bad"}
	start := cstAt("2026-11-10 10:00").Add(15 * time.Second)
	for i := range 5 {
		var round []collectors.Sample
		for _, se := range series {
			round = append(round, collectors.Sample{Labels: vm.labels(start, se.name, se.kv...), Value: se.v[i]})
		}
		require.NoError(t, s.Append(context.Background(), start.Add(time.Duration(i)*time.Minute), round))
	}
	return s
}

func TestAccountUsageErrors(t *testing.T) {
	s := buildInputTSDB(t, []inputSeries{{metricMemTotal, nil, fiveOf(1000)}, {metricMemAvail, nil, fiveOf(500)}})
	_, err := AccountUsage(context.Background(), s.Queryable(), "2026-13-01")
	require.ErrorContains(t, err, `parse date "2026-13-01"`)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = AccountUsage(ctx, s.Queryable(), usageDate)
	require.ErrorIs(t, err, context.Canceled)
}

// FuzzUsageFigures feeds arbitrary counter and gauge values through the
// interval figures: whatever the agent sends, every figure is a ratio in
// [0, 1] and the day's stats are finite.
func FuzzUsageFigures(f *testing.F) {
	f.Add([]byte{10, 20, 5, 40, 0, 255, 3, 3}, uint8(2))
	f.Add([]byte{0, 0, 0, 0}, uint8(1))
	f.Fuzz(func(t *testing.T, raw []byte, cpus uint8) {
		vm := &vmDay{from: 0}
		raw = raw[:min(len(raw), 4000)] // 20 s apart: within the day
		n := int(cpus%4) + 1
		for s := range 2 * n { // an idle and a user series per CPU
			pts := []point{}
			for i := s; i < len(raw); i += 2 * n {
				pts = append(pts, point{t: int64(i) * 20_000, v: float64(raw[i]) * 3.7})
			}
			mode := []string{"idle", "user"}[s%2]
			vm.series = append(vm.series, usageSeries{name: metricCPU, class: classCPU,
				lset: labels.FromStrings("__name__", metricCPU, "cpu", strconv.Itoa(s/2), "mode", mode), pts: pts})
		}
		vm.series = append(vm.series,
			usageSeries{name: metricMemAvail, class: classMemory, lset: labels.FromStrings("__name__", metricMemAvail), pts: vm.series[0].pts},
			usageSeries{name: metricMemTotal, class: classMemory, lset: labels.FromStrings("__name__", metricMemTotal), pts: vm.series[1].pts})
		for _, fig := range []*figures{vm.cpu(), vm.memory()} {
			for k, ok := range fig.ok {
				if ok && !(fig.val[k] >= 0 && fig.val[k] <= 1) {
					t.Fatalf("interval %d: figure %v outside [0, 1]", k, fig.val[k])
				}
			}
			if st, ok := fig.stats(); ok && !(st.Mean >= 0 && st.Mean <= 1 && st.P95 <= st.Max && st.Max <= 1) {
				t.Fatalf("stats %+v", st)
			}
		}
	})
}
