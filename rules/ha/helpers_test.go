package ha

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type alertingAlert = alerting.Alert

// t0 is 2026-12-07 10:00:00 in Asia/Shanghai.
var t0 = time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// recorder collects what the tracker delivers, one slice per call.
type recorder struct {
	mu    sync.Mutex
	calls [][]alerting.Alert
}

func (r *recorder) onAlerts(_ context.Context, as []alerting.Alert) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, as)
}

func (r *recorder) all() []alerting.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []alerting.Alert
	for _, c := range r.calls {
		out = append(out, c...)
	}
	return out
}

// last is the last alert delivered; the test fails when there is none.
func (r *recorder) last(t *testing.T) alerting.Alert {
	t.Helper()
	all := r.all()
	require.NotEmpty(t, all, "no alert delivered")
	return all[len(all)-1]
}

func (r *recorder) reset() { r.mu.Lock(); r.calls = nil; r.mu.Unlock() }

// hv builds a hypervisor event as docs/cloud.md describes it; kv are more
// labels as pairs.
func hv(at time.Time, kind string, kv ...string) collectors.Event {
	l := map[string]string{"source": "hypervisor", "instance": "vc-01", "event": kind, "cluster": "政务云A"}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return collectors.Event{Time: at, Labels: l, Text: kind}
}

func hostFailed(at time.Time, host string) collectors.Event {
	return hv(at, "host_failed", "host", host, "event_type_id", "com.vmware.vc.HA.DasHostFailedEvent")
}

func hostRecovered(at time.Time, host string) collectors.Event {
	return hv(at, "host_recovered", "host", host, "event_type_id", "HostConnectedEvent")
}

func vmDown(at time.Time, host, vm string) collectors.Event {
	return hv(at, "vm_down", "host", host, "vm", vm)
}

func vmRestarted(at time.Time, vm, from, to string) collectors.Event {
	return hv(at, "vm_restarted", "vm", vm, "from_host", from, "to_host", to,
		"event_type_id", "com.vmware.vc.ha.VmRestartedByHAEvent")
}

func vmFailoverFailed(at time.Time, vm, from string) collectors.Event {
	return hv(at, "vm_failover_failed", "vm", vm, "from_host", from, "event_type_id", "VmFailoverFailed")
}

func vmStarted(at time.Time, vm, host string) collectors.Event {
	return hv(at, "vm_started", "vm", vm, "host", host)
}

// vmName is the i-th VM of the story: web-01 … web-19, then db-09.
func vmName(i int) string {
	if i == 19 {
		return "db-09"
	}
	return fmt.Sprintf("web-%02d", i+1)
}

// openDB opens a state database in dir.
func openDB(t *testing.T, dir string) *statestore.DB {
	t.Helper()
	db, err := statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}
