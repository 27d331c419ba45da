package sla

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/storage"
)

func cpu4Busy(c int, t time.Time) float64 {
	if h := hourOf(t); h != 14 {
		return 0.1*float64(c+1) + 0.05*float64(h%4)
	}
	return 0.9
}

func utcBusy(_ int, t time.Time) float64 {
	switch {
	case between("2026-11-09 23:00", "2026-11-10 00:00")(t): // 15:00–16:00 UTC on the 9th
		return 0.95
	case between("2026-11-10 00:00", "2026-11-10 00:30")(t): // 16:00–16:30 UTC on the 9th
		return 0.8
	case between("2026-11-11 00:00", "2026-11-11 01:00")(t): // 16:00–17:00 UTC on the 10th
		return 0.9
	}
	return 0.1
}

var rootFS = []usageFS{{"/", "ext4", constant(0.25)}}

// usageVMs are the fixture's agents; each comment says what it proves.
var usageVMs = []usageVM{
	// four CPUs of different load (per-CPU series), a busy hour, and a
	// reboot at 10:02:30 that resets every counter inside an interval.
	{name: "vm-cpu4", offset: 15 * time.Second, cpus: 4, busy: cpu4Busy,
		reset:   cstAt("2026-11-10 10:02").Add(30 * time.Second),
		memUsed: func(t time.Time) float64 { return float64(300+minutesSince(t)%64) / 1024 }, fs: rootFS},
	// two CPUs summed per mode, as the agent collector stores them by default.
	{name: "vm-sum2", offset: 15 * time.Second, cpus: 2, summed: true, busy: constBusy(0.2, 0.6),
		memUsed: constant(0.5), fs: rootFS},
	// a stale marker at 08:02:15, then no sample until 08:14:15; and none
	// from 23:50 until 00:10 the next day.
	{name: "vm-gap", offset: 15 * time.Second, cpus: 1, busy: constBusy(0.5), memUsed: constant(0.75), fs: rootFS,
		present: func(t time.Time) bool {
			return notBetween("2026-11-10 08:03", "2026-11-10 08:14")(t) && notBetween("2026-11-10 23:50", "2026-11-11 00:10")(t)
		},
		stale: cstAt("2026-11-10 08:02").Add(15 * time.Second)},
	// two real filesystems, the fuller one changing at 15:45, and two
	// fuller tmpfs that do not count.
	{name: "vm-disk", offset: 15 * time.Second, cpus: 1, busy: constBusy(0.1), memUsed: constant(0.5), fs: []usageFS{
		{"/", "ext4", constant(0.5)},
		{"/data", "xfs", func(t time.Time) float64 { return float64(300+minutesSince(t)/5) / 1024 }},
		{"/run", "tmpfs", constant(0.99)}, {"/dev/shm", "tmpfs", constant(0.995)}}},
	// added at 09:17:40.
	{name: "vm-late", offset: 40 * time.Second, cpus: 2, busy: constBusy(0.3, 0.3), memUsed: constant(0.25), fs: rootFS,
		present: between("2026-11-10 09:17", "2026-11-12 00:00")},
	// removed: its last sample is at 17:59:15.
	{name: "vm-end", offset: 15 * time.Second, cpus: 1, busy: constBusy(0.2), memUsed: constant(0.5), fs: rootFS,
		present: between("2026-11-01 00:00", "2026-11-10 18:00")},
	// busy on both sides of 00:00 CST, which is 16:00 UTC.
	{name: "vm-utc", offset: 15 * time.Second, cpus: 1, busy: utcBusy, memUsed: constant(0.5), fs: rootFS},
	// moved to another system at 12:00: new series, the figures go on and
	// the Day carries the labels of its latest samples.
	{name: "vm-moved", offset: 15 * time.Second, cpus: 2, busy: cpu4Busy, memUsed: constant(0.5), fs: rootFS,
		moved: cstAt("2026-11-10 12:00")},
	// only the day before: no Day.
	{name: "vm-before", offset: 15 * time.Second, cpus: 1, busy: constBusy(0.5), memUsed: constant(0.5), fs: rootFS,
		present: between("2026-11-01 00:00", "2026-11-09 23:00")},
}

// usageDays accounts date in the fixture TSDB, keyed by entity and name.
func usageDays(t *testing.T, s *storage.Storage, date string) map[[2]string]Day {
	t.Helper()
	days, err := AccountUsage(context.Background(), s.Queryable(), date)
	require.NoError(t, err)
	out := map[[2]string]Day{}
	for _, d := range days {
		require.Equal(t, date, d.Date)
		out[[2]string{d.Entity, d.SLI}] = d
	}
	require.Len(t, out, len(days), "one Day per agent and usage name")
	return out
}

func TestAccountUsageFixture(t *testing.T) {
	s := buildUsageTSDB(t, usageVMs)
	before := usageInvalidCounts()
	days := usageDays(t, s, usageDate)
	assert.Equal(t, before, usageInvalidCounts(), "stale markers and gaps are no data, not bad input")

	t.Run("figures by hand", func(t *testing.T) {
		for _, tc := range []struct {
			entity, sli string
			want        Stats
			tally       Tally
		}{
			// busy per hour 0.25/0.30/0.35/0.40 (h mod 4), hour 14 at 0.9
			// instead of 0.35: (72·1.3 − 12·0.35 + 12·0.9) / 288.
			{"vm-cpu4", UsageCPU, Stats{100.2 / 288, 0.40, 0.9, 0.40, 288, 0}, Tally{GoodS: 86400}},
			{"vm-sum2", UsageCPU, Stats{0.4, 0.4, 0.4, 0.4, 288, 0}, Tally{GoodS: 86400}},
			// 08:05 has no sample, 08:10 one: no CPU figure, a memory one;
			// 23:50–24:00 none, and samples after the day: Unknown to 24:00.
			{"vm-gap", UsageCPU, Stats{0.5, 0.5, 0.5, 0.5, 284, 0}, Tally{GoodS: 85200, UnknownS: 1200}},
			{"vm-gap", UsageMemory, Stats{0.75, 0.75, 0.75, 0.75, 285, 0}, Tally{GoodS: 85500, UnknownS: 900}},
			// / at 512/1024 until /data's (324+k)/1024 passes it at k = 189.
			{"vm-disk", UsageDisk, Stats{(189*512 + 99*324 + 23562) / (288 * 1024.0), 597.0 / 1024, 611.0 / 1024, 611.0 / 1024, 288, 0},
				Tally{GoodS: 86400}},
			// from 09:17:40: the 09:15 interval counts 140 s, then 176 whole ones.
			{"vm-late", UsageCPU, Stats{0.3, 0.3, 0.3, 0.3, 177, 0}, Tally{GoodS: 52940}},
			{"vm-late", UsageMemory, Stats{0.25, 0.25, 0.25, 0.25, 177, 0}, Tally{GoodS: 52940}},
			// last sample 17:59:15: measured until 18:04:15, 255 s of it unknown.
			{"vm-end", UsageCPU, Stats{0.2, 0.2, 0.2, 0.2, 216, 0}, Tally{GoodS: 64800, UnknownS: 255}},
			{"vm-end", UsageDisk, Stats{0.25, 0.25, 0.25, 0.25, 216, 0}, Tally{GoodS: 64800, UnknownS: 255}},
			// 00:00–00:30 CST at 0.8 counts; 23:00–24:00 the day before and
			// 00:00–01:00 the day after (the same UTC dates) do not.
			{"vm-utc", UsageCPU, Stats{33.0 / 288, 0.1, 0.8, 0.1, 288, 0}, Tally{GoodS: 86400}},
		} {
			t.Run(tc.entity+"/"+tc.sli, func(t *testing.T) {
				d, ok := days[[2]string{tc.entity, tc.sli}]
				require.True(t, ok, "no day")
				assertStats(t, tc.want, *d.Stats)
				assert.Equal(t, tc.tally, d.Tally)
			})
		}
	})

	t.Run("every figure by an independent loop", func(t *testing.T) {
		for _, vm := range usageVMs {
			for _, sli := range []string{UsageCPU, UsageMemory, UsageDisk} {
				want, ok := wantStats(wantFigures(vm, sli, usageDate))
				d, got := days[[2]string{vm.name, sli}]
				require.Equal(t, ok, got, "%s %s: a Day iff an interval has a figure", vm.name, sli)
				if ok {
					assertStats(t, want, *d.Stats)
					assert.Equal(t, int64(0), d.Tally.BadS+d.Tally.ExcludedS)
				}
			}
		}
	})

	t.Run("labels identify the agent", func(t *testing.T) {
		assert.Equal(t, map[string]string{"district": "陕州区", "instance": "vm-cpu4", "kind": "agent",
			"site": "政务云主中心", "system": "不动产登记系统"}, days[[2]string{"vm-cpu4", UsageDisk}].Labels)
		for _, sli := range []string{UsageCPU, UsageMemory, UsageDisk} {
			assert.Equal(t, "公积金管理系统", days[[2]string{"vm-moved", sli}].Labels["system"], sli)
		}
	})

	t.Run("the same days from compacted blocks", func(t *testing.T) {
		// The closer runs after midnight: most of the day is in 2-hour
		// blocks by then, a series split over several of them.
		require.NoError(t, s.DB().Compact(context.Background()))
		require.Greater(t, len(s.DB().Blocks()), 5)
		assert.Equal(t, days, usageDays(t, s, usageDate))
	})

	t.Run("the next CST day", func(t *testing.T) {
		next := usageDays(t, s, "2026-11-11")
		d := next[[2]string{"vm-utc", UsageCPU}]
		require.NotNil(t, d.Stats)
		// 00:00–02:00 CST; the last sample 01:59:15 and nothing after it.
		assertStats(t, Stats{(12*0.9 + 12*0.1) / 24, 0.9, 0.9, 0.1, 24, 0}, *d.Stats)
		assert.Equal(t, Tally{GoodS: 7200, UnknownS: 255}, d.Tally)
		_, ok := next[[2]string{"vm-end", UsageCPU}]
		assert.False(t, ok, "removed the day before: no Day")
	})
}

func assertStats(t *testing.T, want, got Stats) {
	t.Helper()
	assert.InDelta(t, want.Mean, got.Mean, 1e-9, "mean")
	assert.InDelta(t, want.P95, got.P95, 1e-9, "p95")
	assert.InDelta(t, want.Max, got.Max, 1e-9, "max")
	assert.InDelta(t, want.Last, got.Last, 1e-9, "last")
	assert.Equal(t, want.Intervals, got.Intervals, "intervals")
}

// wantFigures computes the interval figures of date straight from the
// fixture's definition (its functions at its scrape times), never from the
// samples read back: NaN for an interval without a figure.
func wantFigures(vm usageVM, sli, date string) []float64 {
	day := cstAt(date + " 00:00")
	out := make([]float64, 0, 288)
	for ws := day; ws.Before(day.AddDate(0, 0, 1)); ws = ws.Add(5 * time.Minute) {
		ts := slices.DeleteFunc(vm.sampleTimes(ws, ws.Add(5*time.Minute)), vm.stale.Equal)
		switch {
		case len(ts) == 0 || (sli == UsageCPU && len(ts) < 2):
			out = append(out, math.NaN())
		case sli == UsageCPU: // constant within the interval by construction
			sum := 0.0
			for c := range vm.cpus {
				sum += vm.busy(c, ws)
			}
			out = append(out, sum/float64(vm.cpus))
		case sli == UsageMemory:
			out = append(out, meanAt(ts, vm.memUsed))
		default:
			fullest := math.Inf(-1)
			for _, f := range vm.fs {
				if f.fstype != "tmpfs" {
					fullest = max(fullest, meanAt(ts, f.used))
				}
			}
			out = append(out, fullest)
		}
	}
	return out
}

func meanAt(ts []time.Time, f func(time.Time) float64) float64 {
	sum := 0.0
	for _, t := range ts {
		sum += f(t)
	}
	return sum / float64(len(ts))
}

// wantStats: the mean of the figures, the smallest figure with at least 95 %
// of them at or below it, the largest, the last.
func wantStats(figs []float64) (Stats, bool) {
	var vals []float64
	var st Stats
	for _, v := range figs {
		if !math.IsNaN(v) {
			vals = append(vals, v)
			st.Mean += v
			st.Last = v
		}
	}
	if len(vals) == 0 {
		return Stats{}, false
	}
	st.Mean /= float64(len(vals))
	sorted := slices.Sorted(slices.Values(vals))
	st.Max, st.Intervals = sorted[len(sorted)-1], int64(len(vals))
	for i, v := range sorted {
		if (i+1)*100 >= 95*len(sorted) {
			st.P95 = v
			break
		}
	}
	return st, true
}

func usageInvalidCounts() []uint64 {
	var out []uint64
	for _, k := range []string{"cpu", "memory", "disk"} {
		out = append(out, metrics.GetOrCreateCounter(`swanwatch_sla_usage_invalid_total{kind="`+k+`"}`).Get())
	}
	return out
}
