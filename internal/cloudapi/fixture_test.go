package cloudapi

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/api"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// The fixture is a tiny cloud in November 2026 (CST), worked by hand:
//
//	vm-a  8C16G (509/月)  esx-01  公积金/住建局   inventory agent never scraped; running
//	      from Nov 1 00:00 to Nov 16 00:00 (360 h), then off: cpu 0.5, memory 8 of 16 GiB while on
//	vm-b  4C8G  (255/月)  esx-02  政务服务/大数据局 agent online; running all month (720 h);
//	      cpu 0.25, busy 0.85 on Nov 20 09:00–11:00; memory 2 of 8 GiB free 6; / 60 % full, tmpfs full
//	vm-c  6C12G (units 31×6+8×12 = 282/月)   no hypervisor, no system or department;
//	      agent up Nov 1 00:00 – Nov 11 00:00 (240 h), then down
//	vm-d  2C4G  (127/月)  esx-02  政务服务/大数据局 hypervisor only; running all month; cpu 0.1, memory 1 of 4 GiB
//	vm-e  2C2G  (79/月)   低保/民政局  deleted on Nov 6 00:00: agent up for 120 h, since gone from
//	      the inventory; its up series carried system, dept and spec
var (
	monthStart = time.Date(2026, 11, 1, 0, 0, 0, 0, cst.Location)
	vmAOff     = time.Date(2026, 11, 16, 0, 0, 0, 0, cst.Location)
	vmCDown    = time.Date(2026, 11, 11, 0, 0, 0, 0, cst.Location)
	vmEGone    = time.Date(2026, 11, 6, 0, 0, 0, 0, cst.Location)
	counters   = time.Date(2026, 11, 18, 0, 0, 0, 0, cst.Location) // vm-b's node_cpu from here
	busyFrom   = time.Date(2026, 11, 20, 9, 0, 0, 0, cst.Location)
	busyTo     = time.Date(2026, 11, 20, 11, 0, 0, 0, cst.Location)
	fixtureNow = time.Date(2026, 12, 1, 0, 10, 0, 0, cst.Location)
)

const gib = 1 << 30

type fixture struct {
	api       *API
	incidents *alerting.Incidents
	targets   []inventory.Target
}

// The TSDB is written once for the package (43,000 rounds) and only read
// by the tests; each test has its own incident store.
var shared struct {
	once sync.Once
	dir  string
	st   *storage.Storage
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.st != nil {
		_ = shared.st.Close()
		_ = os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func sharedStorage(t testing.TB) *storage.Storage {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "cloudapi-tsdb-"); shared.err != nil {
			return
		}
		if shared.st, shared.err = storage.Open(storage.Options{Dir: shared.dir, Retention: 365 * 24 * time.Hour}); shared.err != nil {
			return
		}
		shared.err = feed(shared.st)
	})
	require.NoError(t, shared.err)
	return shared.st
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	q := api.NewQuery(api.QueryOptions{Queryable: sharedStorage(t).Queryable()})
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	f := &fixture{incidents: alerting.NewIncidents(db, func() time.Time { return fixtureNow })}
	f.targets = []inventory.Target{
		{Name: "vm-a", Kind: "agent", Address: "http://vm-a:9100/metrics", District: "湖滨区", System: "公积金",
			Dept: "住建局", Labels: map[string]string{"spec": "8C16G"}},
		{Name: "vm-b", Kind: "agent", Address: "http://vm-b:9100/metrics", District: "市本级", System: "政务服务",
			Dept: "大数据局", Labels: map[string]string{"spec": "4C8G"}},
		{Name: "vm-c", Kind: "agent", Address: "http://vm-c:9100/metrics", District: "陕州区",
			Labels: map[string]string{"spec": "6C12G"}},
		{Name: "sw-1", Kind: "snmp", Address: "udp://10.0.0.1", District: "市本级"}, // not a VM
	}
	f.api, err = New(Options{Query: q.Instant, Incidents: f.incidents,
		Targets: func() []inventory.Target { return f.targets }, Now: func() time.Time { return fixtureNow },
		Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	return f
}

// feed writes the fixture's series minute by minute: the agents every
// minute, the hypervisor every 5 minutes (as a 20 s vSphere round would, thinned).
func feed(st *storage.Storage) error {
	ctx := context.Background()
	for ts := monthStart; !ts.After(fixtureNow); ts = ts.Add(time.Minute) {
		smp := agentSamples(ts)
		if ts.Minute()%5 == 0 {
			smp = append(smp, hypervisorSamples(ts)...)
		}
		if err := st.Append(ctx, ts, smp); err != nil {
			return err
		}
	}
	return nil
}

func sample(v float64, kv ...string) collectors.Sample {
	ls := make([]collectors.Label, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		ls = append(ls, collectors.Label{Name: kv[i], Value: kv[i+1]})
	}
	sort.Slice(ls, func(i, j int) bool { return ls[i].Name < ls[j].Name })
	return collectors.Sample{Labels: ls, Value: v}
}

func agentSamples(ts time.Time) []collectors.Sample {
	b := func(name string, v float64, kv ...string) collectors.Sample {
		return sample(v, append([]string{"__name__", name, "instance", "vm-b", "kind", "agent",
			"system", "政务服务", "dept", "大数据局"}, kv...)...)
	}
	out := []collectors.Sample{b("up", 1)}
	up := 0.0
	if ts.Before(vmCDown) {
		up = 1
	}
	out = append(out, sample(up, "__name__", "up", "instance", "vm-c", "kind", "agent"))
	if !ts.After(vmEGone) {
		up := 1.0
		if ts.Equal(vmEGone) {
			up = collectors.StaleNaN // the runner marks a removed target's series stale
		}
		out = append(out, sample(up, "__name__", "up", "instance", "vm-e", "kind", "agent", "system", "低保",
			"dept", "民政局", "spec", "2C2G"))
	}
	if ts.Before(counters) {
		return out
	}
	user := busySeconds(ts)
	return append(out,
		b("node_cpu_seconds_total", user, "mode", "user"),
		b("node_cpu_seconds_total", ts.Sub(counters).Seconds()-user, "mode", "idle"),
		b("node_memory_MemTotal_bytes", 8*gib), b("node_memory_MemAvailable_bytes", 6*gib),
		b("node_filesystem_size_bytes", 100e9, "fstype", "ext4", "mountpoint", "/"),
		b("node_filesystem_avail_bytes", 40e9, "fstype", "ext4", "mountpoint", "/"),
		b("node_filesystem_size_bytes", 1e9, "fstype", "tmpfs", "mountpoint", "/run"),
		b("node_filesystem_avail_bytes", 0, "fstype", "tmpfs", "mountpoint", "/run"),
	)
}

// busySeconds is vm-b's user CPU seconds since counters: 0.25 of the time,
// 0.85 between busyFrom and busyTo.
func busySeconds(ts time.Time) float64 {
	s := ts.Sub(counters).Seconds() * 0.25
	busy := math.Max(0, minTime(ts, busyTo).Sub(busyFrom).Seconds())
	return s + busy*0.6
}

func hypervisorSamples(ts time.Time) []collectors.Sample {
	hv := func(name string, v float64, kv ...string) collectors.Sample {
		return sample(v, append([]string{"__name__", name, "instance", "vcenter-1", "kind", "hypervisor"}, kv...)...)
	}
	var out []collectors.Sample
	vm := func(name, host, system, dept string, vcpus, memGiB float64, on bool, cpu, usedGiB float64) {
		running := 0.0
		if on {
			running = 1
		}
		out = append(out,
			hv("hypervisor_vm_info", 1, "vm", name, "host", host, "cluster", "c1", "uuid", "uuid-"+name,
				"vm_system", system, "vm_dept", dept),
			hv("hypervisor_vm_running", running, "vm", name),
			hv("hypervisor_vm_vcpus", vcpus, "vm", name),
			hv("hypervisor_vm_memory_bytes", memGiB*gib, "vm", name))
		if on {
			out = append(out, hv("hypervisor_vm_cpu_usage_ratio", cpu, "vm", name),
				hv("hypervisor_vm_memory_used_bytes", usedGiB*gib, "vm", name))
		}
	}
	// vm-a's tags say another system: the inventory wins.
	vm("vm-a", "esx-01", "旧系统", "住建局", 8, 16, ts.Before(vmAOff), 0.5, 8)
	vm("vm-b", "esx-02", "政务服务", "大数据局", 4, 8, true, 0.3, 4)
	vm("vm-d", "esx-02", "政务服务", "大数据局", 2, 4, true, 0.1, 1)
	return out
}

// fire records an incident that started at `at` (resolved at `end` unless zero).
func (f *fixture) fire(t testing.TB, labels map[string]string, at, end time.Time) {
	t.Helper()
	fp := fmt.Sprintf("%v", labels)
	_, _, err := f.incidents.Fire(context.Background(), alerting.Alert{Fingerprint: fp, Labels: labels,
		Annotations: map[string]string{"summary": "摘要 " + labels["alertname"], "description": "详情"},
		Firing:      true, StartsAt: at})
	require.NoError(t, err)
	if !end.IsZero() {
		_, ok, err := f.incidents.Resolve(context.Background(), fp, end)
		require.NoError(t, err)
		require.True(t, ok)
	}
}

// promVector is the engine's vector type, named for test doubles of a failing engine.
type promVector = promql.Vector
