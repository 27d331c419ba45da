package ledger

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/cst"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// at is the fixture's "now": 2026-11-15 12:00 CST.
var at = time.Date(2026, 11, 15, 12, 0, 0, 0, cst.Location)

func openTSDB(t *testing.T) *tsdb.DB {
	t.Helper()
	db, err := tsdb.Open(t.TempDir(), slog.New(slog.DiscardHandler), nil, tsdb.DefaultOptions(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// series writes v every 20 s over [from, to) for the series kv.
func series(t *testing.T, db *tsdb.DB, from, to time.Time, v float64, kv ...string) {
	t.Helper()
	app := db.Appender(context.Background())
	for ts := from; ts.Before(to); ts = ts.Add(20 * time.Second) {
		_, err := app.Append(0, labels.FromStrings(kv...), ts.UnixMilli(), v)
		require.NoError(t, err)
	}
	require.NoError(t, app.Commit())
}

// sample writes one sample.
func sample(t *testing.T, db *tsdb.DB, ts time.Time, v float64, kv ...string) {
	t.Helper()
	app := db.Appender(context.Background())
	_, err := app.Append(0, labels.FromStrings(kv...), ts.UnixMilli(), v)
	require.NoError(t, err)
	require.NoError(t, app.Commit())
}

// hvVM writes a hypervisor VM's series over the last 10 minutes before at:
// info with its host and tags, power state, size.
func hvVM(t *testing.T, db *tsdb.DB, vm string, running bool, vcpus int, memGiB float64, system, dept string) {
	t.Helper()
	from := at.Add(-10 * time.Minute)
	base := []string{"instance", "vc-a", "kind", "hypervisor", "vm", vm}
	info := append(append([]string{"__name__", "hypervisor_vm_info", "host", "esxi-01", "cluster", "c1", "uuid", "u-" + vm}, base...),
		"vm_system", system, "vm_dept", dept)
	series(t, db, from, at, 1, info...)
	run := 0.0
	if running {
		run = 1
	}
	series(t, db, from, at, run, append([]string{"__name__", "hypervisor_vm_running"}, base...)...)
	series(t, db, from, at, float64(vcpus), append([]string{"__name__", "hypervisor_vm_vcpus"}, base...)...)
	series(t, db, from, at, memGiB*(1<<30), append([]string{"__name__", "hypervisor_vm_memory_bytes"}, base...)...)
}

// agentUp writes an agent target's up over the last 10 minutes before at.
func agentUp(t *testing.T, db *tsdb.DB, vm string, v float64) {
	t.Helper()
	series(t, db, at.Add(-10*time.Minute), at, v, "__name__", "up", "instance", vm, "kind", "agent")
}
