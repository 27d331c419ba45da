package sla

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// ledgerEstateDays is one date of the reference estate: 3,000 VM agents and
// 1,800 links with six SLIs each (13,800 days).
func ledgerEstateDays(date string) []Day {
	var days []Day
	for i := range 3000 {
		d := ledgerDays(date, 86000)[1]
		d.Entity = fmt.Sprintf("vm-%04d", i)
		days = append(days, d)
	}
	for i := range 1800 {
		for _, sli := range []string{"link_available", "link_loss", "link_latency", "link_jitter", "link_ber", "link_bandwidth"} {
			d := ledgerDays(date, 86000)[0]
			d.SLI, d.Entity = sli, fmt.Sprintf("lb-%04d", i)
			days = append(days, d)
		}
	}
	return days
}

// BenchmarkLedgerCloseDay re-closes one date of the reference estate.
func BenchmarkLedgerCloseDay(b *testing.B) {
	const date = "2026-11-27"
	days := ledgerEstateDays(date)
	clk := &ledgerClock{t: ledgerCST(2026, 11, 28, 0, 10)}
	l, _ := ledgerOpen(b, clk.now)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		days[0].Tally.GoodS = int64(i % 86000) // each pass a real re-close
		require.NoError(b, l.CloseDay(ctx, date, days))
	}
	b.ReportMetric(float64(len(days)), "days/op")
}

// BenchmarkLedgerFreezeMonth freezes a 30-day month of the reference estate
// (414,000 days) and scans the snapshot back, as a report does, reporting
// the seconds of each, the payload's size and the peak memory of the two:
// the heap in use (sampled every 2 ms) and the process's RSS high-water
// mark, reset before the freeze where the kernel allows it.
func BenchmarkLedgerFreezeMonth(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		clk := &ledgerClock{t: ledgerCST(2026, 12, 1, 0, 10)}
		l, db := ledgerOpen(b, clk.now)
		start, err := ParseMonth("2026-11")
		require.NoError(b, err)
		for _, d := range datesOfMonth(start) {
			require.NoError(b, l.CloseDay(ctx, d, ledgerEstateDays(d)))
		}
		runtime.GC()
		peak := ledgerPeakHeap()
		rssReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
		b.StartTimer()
		t0 := time.Now()
		_, err = l.Freeze(ctx, "2026-11", clk.now(), nil)
		require.NoError(b, err)
		t1 := time.Now()
		n := 0
		_, err = l.Scan(ctx, "2026-11", func(Day) error { n++; return nil })
		require.NoError(b, err)
		t2 := time.Now()
		b.StopTimer()
		require.Equal(b, 30*13800, n)
		b.ReportMetric(t1.Sub(t0).Seconds(), "freeze_s")
		b.ReportMetric(t2.Sub(t1).Seconds(), "scan_s")
		b.ReportMetric(float64(peak())/(1<<20), "peak_heap_MiB")
		if hwm, err := ledgerVmHWM(); err == nil && rssReset {
			b.ReportMetric(float64(hwm)/(1<<20), "peak_rss_MiB")
		}
		var size int64
		require.NoError(b, db.SQL().QueryRow("SELECT length(payload) FROM sla_months").Scan(&size))
		b.ReportMetric(float64(size)/(1<<20), "payload_MiB")
		b.StartTimer()
	}
}

// ledgerPeakHeap samples the heap in use (objects and free space in heap
// spans: MemStats.HeapInuse) through runtime/metrics, which does not stop
// the world, until the returned function is called, which returns the
// largest value seen.
func ledgerPeakHeap() func() uint64 {
	done, result := make(chan struct{}), make(chan uint64)
	go func() {
		samples := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/memory/classes/heap/unused:bytes"}}
		var peak uint64
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			peak = max(peak, samples[0].Value.Uint64()+samples[1].Value.Uint64())
			select {
			case <-done:
				result <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(done); return <-result }
}

// ledgerVmHWM is the process's peak resident set, in bytes.
func ledgerVmHWM() (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc/self/status")
}
