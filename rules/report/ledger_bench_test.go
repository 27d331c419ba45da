package report

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// BenchmarkReportFromFrozenLedger is the performance line end to
// end: the reference month (3,000 VMs, 1,800 links, 30 days) closed day by
// day in a real ledger and frozen, then — the measured part — read back
// from the state store, built and rendered as PDF, XLSX and HTML, as a
// re-issued report is. peak_rss_MiB is the process's peak resident set
// during the measured part (VmHWM reset through /proc/self/clear_refs).
func BenchmarkReportFromFrozenLedger(b *testing.B) {
	ctx := context.Background()
	db, err := statestore.Open(filepath.Join(b.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(b, err)
	b.Cleanup(func() { _ = db.Close() })
	clock := time.Date(2026, 12, 4, 0, 10, 0, 0, cst.Location)
	l := sla.NewLedger(db, slog.New(slog.DiscardHandler), sla.WithLedgerClock(func() time.Time { return clock }))
	byDate := map[string][]sla.Day{}
	require.NoError(b, refMonth(func(d sla.Day) error { byDate[d.Date] = append(byDate[d.Date], d); return nil }))
	for date, days := range byDate {
		require.NoError(b, l.CloseDay(ctx, date, days))
	}
	hdr, err := l.Freeze(ctx, "2026-11", clock, refIncidents())
	require.NoError(b, err)
	byDate = nil
	runtime.GC()
	debug.FreeOSMemory()
	rssReset := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
	var took time.Duration
	var size int64
	for b.Loop() {
		t0 := time.Now()
		r, err := Build(ctx, Input{Info: hdr, SLIs: sla.DefaultSLIs(), GeneratedAt: clock,
			Days:     func(fn func(sla.Day) error) error { _, err := l.Scan(ctx, "2026-11", fn); return err },
			Findings: DefaultThresholds(), Targets: DefaultResponseTargets()})
		require.NoError(b, err)
		size = 0
		for _, render := range []func(io.Writer, Report) error{RenderPDF, RenderXLSX, RenderHTML} {
			w := &countWriter{}
			require.NoError(b, render(w, *r))
			size += w.n
		}
		took = time.Since(t0)
	}
	b.ReportMetric(took.Seconds(), "report_s")
	b.ReportMetric(float64(size)/(1<<20), "output_MiB")
	if rssReset {
		b.ReportMetric(peakRSS(), "peak_rss_MiB")
	}
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
