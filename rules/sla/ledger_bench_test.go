package sla

import (
	"context"
	"fmt"
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
// (414,000 days) and reads the snapshot back, as a re-issued report does.
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
		b.StartTimer()
		t0 := time.Now()
		_, err = l.Freeze(ctx, "2026-11", clk.now(), nil)
		require.NoError(b, err)
		t1 := time.Now()
		m, err := l.Month(ctx, "2026-11")
		require.NoError(b, err)
		b.ReportMetric(t1.Sub(t0).Seconds(), "freeze_s")
		b.ReportMetric(time.Since(t1).Seconds(), "month_s")
		require.Len(b, m.Days, 30*13800)
		b.StopTimer()
		var n int64
		require.NoError(b, db.SQL().QueryRow("SELECT length(payload) FROM sla_months").Scan(&n))
		b.ReportMetric(float64(n)/(1<<20), "payload_MiB")
		b.StartTimer()
	}
}
