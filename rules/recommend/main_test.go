package recommend

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/report"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openState(t *testing.T) *statestore.DB {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func openTSDB(t *testing.T) *tsdb.DB {
	t.Helper()
	opts := tsdb.DefaultOptions()
	// The fixture writes months in the past, month by month: out of order for the head.
	opts.OutOfOrderTimeWindow = (400 * 24 * time.Hour).Milliseconds()
	db, err := tsdb.Open(t.TempDir(), slog.New(slog.DiscardHandler), nil, opts, nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// monthEnd is the first instant after month (CST).
func monthEnd(month string) time.Time {
	t, err := time.ParseInLocation("2006-01", month, cst.Location)
	if err != nil {
		panic(err)
	}
	return t.AddDate(0, 1, 0)
}

// series writes one sample a minute of v over [from, to) for the series kv.
func series(t *testing.T, db *tsdb.DB, from, to time.Time, v float64, kv ...string) {
	t.Helper()
	app := db.Appender(context.Background())
	for ts := from; ts.Before(to); ts = ts.Add(time.Minute) {
		_, err := app.Append(0, labels.FromStrings(kv...), ts.UnixMilli(), v)
		require.NoError(t, err)
	}
	require.NoError(t, app.Commit())
}

// lastDay writes v over the last day of month.
func lastDay(t *testing.T, db *tsdb.DB, month string, v float64, kv ...string) {
	end := monthEnd(month)
	series(t, db, end.Add(-24*time.Hour), end, v, kv...)
}

func finding(vm, rec string, p report.Pricing) report.Finding {
	return report.Finding{VM: vm, System: "政务云", District: "湖滨区", Dept: "大数据局", Class: "low_use",
		Recommendation: rec, Reason: "测试", Price: p}
}
