package issue

import (
	"context"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/api"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// reportFixture is October 2026 with two agents on its last two days: vm-a
// (卢氏县) down 10:00–10:30 CST on the 31st, vm-b (灵宝市) always up, both
// with node_exporter usage figures; one incident fired for vm-a's outage.
// The service reads the real TSDB, state store and PromQL engine.
type reportFixture struct {
	st        *storage.Storage
	db        *statestore.DB
	mu        sync.Mutex
	clock     time.Time
	rules     sla.Rules
	settings  Settings
	ledger    *sla.Ledger
	incidents *alerting.Incidents
	accounts  *sla.Accounting
	announced *announcements
	s         *Service
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	f := &reportFixture{st: st, db: db, clock: time.Date(2026, 11, 1, 0, 10, 0, 0, cst.Location),
		rules: sla.Rules{SLIs: sla.DefaultSLIs()}, announced: &announcements{},
		settings: Settings{Addressee: "市行政审批和政务信息管理局", Issuer: "三门峡市新型智慧城市运维指挥中心",
			Receiver: "duty", Findings: report.DefaultThresholds(), Targets: report.DefaultResponseTargets(),
			HorizonDays: 30, Dir: filepath.Join(t.TempDir(), "reports"), ExternalURL: "http://sw.example/"}}
	f.ledger = sla.NewLedger(db, nil, sla.WithLedgerClock(f.now))
	f.incidents = alerting.NewIncidents(db, f.now)
	f.accounts = sla.NewAccounting(st.Queryable(), f.incidents, f.getRules)
	q := api.NewQuery(api.QueryOptions{Queryable: st.Queryable()})
	f.s = New(Options{Ledger: f.ledger, Accounting: f.accounts, Incidents: f.incidents, Instant: q.Instant,
		Settings: f.getSettings, Announce: f.announced.add, Now: f.now})
	f.write(t)
	return f
}

func (f *reportFixture) now() time.Time        { f.mu.Lock(); defer f.mu.Unlock(); return f.clock }
func (f *reportFixture) setClock(t time.Time)  { f.mu.Lock(); defer f.mu.Unlock(); f.clock = t }
func (f *reportFixture) getRules() sla.Rules   { f.mu.Lock(); defer f.mu.Unlock(); return f.rules }
func (f *reportFixture) getSettings() Settings { f.mu.Lock(); defer f.mu.Unlock(); return f.settings }
func (f *reportFixture) setRules(r sla.Rules)  { f.mu.Lock(); defer f.mu.Unlock(); f.rules = r }
func (f *reportFixture) setSettings(fn func(*Settings)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(&f.settings)
}

// vmSamples are one agent's samples at one minute: up, two CPU modes as
// counters (busy 25 % of the time), memory (40 % used), one disk (70 % used).
func vmSamples(vm, district string, at, start time.Time, up bool) []collectors.Sample {
	base := []collectors.Label{{Name: "district", Value: district}, {Name: "instance", Value: vm},
		{Name: "kind", Value: "agent"}, {Name: "system", Value: "政务服务网"}}
	s := func(name string, v float64, extra ...collectors.Label) collectors.Sample {
		ls := append(append([]collectors.Label{{Name: "__name__", Value: name}}, base...), extra...)
		slices.SortFunc(ls, func(a, b collectors.Label) int { return strings.Compare(a.Name, b.Name) })
		return collectors.Sample{Value: v, Labels: ls}
	}
	if !up {
		return []collectors.Sample{s("up", 0)}
	}
	secs := at.Sub(start).Seconds()
	disk := []collectors.Label{{Name: "device", Value: "/dev/vda1"}, {Name: "fstype", Value: "ext4"}, {Name: "mountpoint", Value: "/"}}
	return []collectors.Sample{s("up", 1),
		s("node_cpu_seconds_total", secs*0.75, collectors.Label{Name: "cpu", Value: "0"}, collectors.Label{Name: "mode", Value: "idle"}),
		s("node_cpu_seconds_total", secs*0.25, collectors.Label{Name: "cpu", Value: "0"}, collectors.Label{Name: "mode", Value: "user"}),
		s("node_memory_MemTotal_bytes", 8e9), s("node_memory_MemAvailable_bytes", 4.8e9),
		s("node_filesystem_size_bytes", 1e11, disk...), s("node_filesystem_avail_bytes", 3e10, disk...),
	}
}

func (f *reportFixture) write(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 10, 30, 0, 0, 0, 0, cst.Location)
	outage := time.Date(2026, 10, 31, 10, 0, 0, 0, cst.Location)
	for at := start; at.Before(start.AddDate(0, 0, 2)); at = at.Add(time.Minute) {
		down := !at.Before(outage) && at.Before(outage.Add(30*time.Minute))
		samples := append(vmSamples("vm-a", "卢氏县", at, start, !down), vmSamples("vm-b", "灵宝市", at, start, true)...)
		require.NoError(t, f.st.Append(ctx, at, samples))
	}
	inc, _, err := f.incidents.Fire(ctx, alerting.Alert{Fingerprint: "vm-a", Labels: map[string]string{"alertname": "AgentOffline",
		"instance": "vm-a", "district": "卢氏县", "severity": "major"}, Annotations: map[string]string{"summary": "卢氏县 vm-a 监控插件离线"},
		StartsAt: outage.Add(time.Minute)})
	require.NoError(t, err)
	_, _, err = f.incidents.Resolve(ctx, inc.Fingerprint, outage.Add(30*time.Minute))
	require.NoError(t, err)
}

// closeAndFreeze closes every date of October from the TSDB and freezes it.
func (f *reportFixture) closeAndFreeze(t *testing.T) {
	ctx := context.Background()
	for d := time.Date(2026, 10, 1, 0, 0, 0, 0, cst.Location); d.Month() == 10; d = d.AddDate(0, 0, 1) {
		days, err := f.accounts.Date(ctx, sla.DateOf(d))
		require.NoError(t, err)
		require.NoError(t, f.ledger.CloseDay(ctx, sla.DateOf(d), days))
	}
	incs, err := f.accounts.Incidents(ctx, "2026-10")
	require.NoError(t, err)
	require.Len(t, incs, 1)
	f.setClock(time.Date(2026, 11, 4, 0, 10, 0, 0, cst.Location))
	_, err = f.ledger.Freeze(ctx, "2026-10", f.now(), incs)
	require.NoError(t, err)
}

// announcement is one call of the Announce callback.
type announcement struct {
	receiver, id string
	n            alerting.Notification
}

type announcements struct {
	mu  sync.Mutex
	got []announcement
}

func (a *announcements) add(_ context.Context, receiver, id string, n alerting.Notification) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.got = append(a.got, announcement{receiver, id, n})
}

func (a *announcements) all() []announcement {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.got)
}

// utcTimes sets every time.Time reachable from v to UTC: the ledger hands
// back UTC, the TSDB local time, for the same instants.
func utcTimes(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			utcTimes(v.Elem())
		}
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			if v.CanSet() {
				v.Set(reflect.ValueOf(t.UTC()))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				utcTimes(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			utcTimes(v.Index(i))
		}
	}
}
