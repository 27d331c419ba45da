package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/config"
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
type reportFixture struct {
	st     *storage.Storage
	db     *statestore.DB
	clock  time.Time
	ledger *sla.Ledger
	m      *monthReports
}

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	st, err := storage.Open(storage.Options{Dir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, st.Close()) })
	db, err := statestore.Open(t.TempDir()+"/state.db", slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	f := &reportFixture{st: st, db: db, clock: time.Date(2026, 11, 1, 0, 10, 0, 0, cst.Location)}
	f.ledger = sla.NewLedger(db, slog.New(slog.DiscardHandler), sla.WithLedgerClock(func() time.Time { return f.clock }))
	cfg := config.Default()
	f.m = &monthReports{ledger: f.ledger, q: st.Queryable(), incidents: alerting.NewIncidents(db, func() time.Time { return f.clock }),
		rules: func() accounting { return accounting{} }, cfg: func() config.Reports { return cfg.Reports },
		now: func() time.Time { return f.clock }, logger: slog.New(slog.NewTextHandler(io.Discard, nil)), busy: make(chan struct{}, 1)}
	f.write(t)
	return f
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
	return []collectors.Sample{s("up", 1),
		s("node_cpu_seconds_total", secs*0.75, collectors.Label{Name: "cpu", Value: "0"}, collectors.Label{Name: "mode", Value: "idle"}),
		s("node_cpu_seconds_total", secs*0.25, collectors.Label{Name: "cpu", Value: "0"}, collectors.Label{Name: "mode", Value: "user"}),
		s("node_memory_MemTotal_bytes", 8e9), s("node_memory_MemAvailable_bytes", 4.8e9),
		s("node_filesystem_size_bytes", 1e11, collectors.Label{Name: "device", Value: "/dev/vda1"},
			collectors.Label{Name: "fstype", Value: "ext4"}, collectors.Label{Name: "mountpoint", Value: "/"}),
		s("node_filesystem_avail_bytes", 3e10, collectors.Label{Name: "device", Value: "/dev/vda1"},
			collectors.Label{Name: "fstype", Value: "ext4"}, collectors.Label{Name: "mountpoint", Value: "/"}),
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
	inc, _, err := f.m.incidents.Fire(ctx, alerting.Alert{Labels: map[string]string{"alertname": "AgentOffline",
		"instance": "vm-a", "district": "卢氏县", "severity": "major"}, Annotations: map[string]string{"summary": "卢氏县 vm-a 监控插件离线"},
		StartsAt: outage.Add(time.Minute)})
	require.NoError(t, err)
	_, _, err = f.m.incidents.Resolve(ctx, inc.Fingerprint, outage.Add(30*time.Minute))
	require.NoError(t, err)
}

// closeAndFreeze closes every date of October from the TSDB and freezes it.
func (f *reportFixture) closeAndFreeze(t *testing.T) {
	ctx := context.Background()
	for d := time.Date(2026, 10, 1, 0, 0, 0, 0, cst.Location); d.Month() == 10; d = d.AddDate(0, 0, 1) {
		days, err := accountDate(ctx, f.st.Queryable(), sla.DateOf(d), accounting{}, time.Time{})
		require.NoError(t, err)
		require.NoError(t, f.ledger.CloseDay(ctx, sla.DateOf(d), days))
	}
	incs, err := monthIncidents(ctx, f.m.incidents, "2026-10")
	require.NoError(t, err)
	require.Len(t, incs, 1)
	f.clock = time.Date(2026, 11, 4, 0, 10, 0, 0, cst.Location)
	_, err = f.ledger.Freeze(ctx, "2026-10", f.clock, incs)
	require.NoError(t, err)
}

// The provisional report (accounted from the TSDB on the spot) and the
// frozen one (from the ledger) give the same figures, and they are the
// figures worked out by hand.
func TestMonthReportProvisionalEqualsFrozen(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	prov, err := f.m.build(ctx, "2026-10")
	require.NoError(t, err)
	assert.True(t, prov.Provisional())

	f.closeAndFreeze(t)
	frozen, err := f.m.build(ctx, "2026-10")
	require.NoError(t, err)
	require.False(t, frozen.Provisional())
	assert.Len(t, frozen.InputSHA256, 64)

	// vm-a: 2 days − 30 min down; vm-b: 2 days up (lifetimes cover the days
	// whole: samples every minute, the last one at 23:59 + 5 min staleness).
	const total = 2 * 2 * 86400
	wantRate := float64(total-1800) / total // 0.99479166… → 99.4791 %
	assert.Equal(t, 2, frozen.Agents.Agents)
	assert.InDelta(t, wantRate, frozen.Agents.Rate.V, 1e-6)
	assert.Equal(t, "99.4791%", sla.Percent4(frozen.Agents.Rate.V)+"%")
	require.Len(t, frozen.Agents.Offline, 1)
	off := frozen.Agents.Offline[0]
	assert.Equal(t, "vm-a", off.Entity)
	assert.Equal(t, 30*time.Minute, off.Span.End.Sub(off.Span.Start))
	assert.Equal(t, 1, frozen.Incidents.Total)

	// Usage: CPU 25 % busy, memory 40 %, disk 70 % — for both VMs.
	require.Len(t, frozen.Resources.ByDistrict, 2)
	for _, u := range frozen.Resources.ByDistrict {
		assert.InDelta(t, 0.25, u.CPU.V, 1e-9, u.Name)
		assert.InDelta(t, 0.40, u.Memory.V, 1e-9, u.Name)
		assert.InDelta(t, 0.70, u.Disk.V, 1e-9, u.Name)
	}
	// Same figures either way: only the generation facts differ.
	utcTimes(reflect.ValueOf(prov))
	utcTimes(reflect.ValueOf(frozen))
	assert.Equal(t, frozen.Summary, prov.Summary)
	assert.Equal(t, frozen.Agents, prov.Agents)
	assert.Equal(t, frozen.Resources, prov.Resources)
	assert.Equal(t, frozen.Incidents, prov.Incidents)
}

// Every format renders from the frozen month; the XLSX keeps numbers as
// numbers and the PDF carries the checksum.
func TestMonthReportRendersEveryFormat(t *testing.T) {
	f := newReportFixture(t)
	f.closeAndFreeze(t)
	ctx := context.Background()
	out := map[string][]byte{}
	for format := range reportFormats {
		var buf bytes.Buffer
		require.NoError(t, f.m.Render(ctx, "2026-10", format, &buf), format)
		out[format] = buf.Bytes()
	}
	assert.True(t, bytes.HasPrefix(out["pdf"], []byte("%PDF-")))
	assert.Contains(t, string(out["html"]), "99.4791")
	x, err := excelize.OpenReader(bytes.NewReader(out["xlsx"]))
	require.NoError(t, err)
	defer x.Close()
	assert.GreaterOrEqual(t, len(x.GetSheetList()), 4, "one sheet per section")

	assert.ErrorContains(t, f.m.Render(ctx, "2026-10", "docx", io.Discard), "format")
	assert.ErrorIs(t, f.m.Render(ctx, "2027-01", "pdf", io.Discard), errNotStarted)
	f.m.busy <- struct{}{}
	assert.ErrorIs(t, f.m.Render(ctx, "2026-10", "pdf", io.Discard), ErrReportBusy, "one report at a time")
	<-f.m.busy
}

// The message of an issued report lists every line with its verdict.
func TestSummaryTextListsEveryLine(t *testing.T) {
	r := &report.Report{Summary: []report.SummaryLine{
		{Requirement: "R-A1", Title: "监控插件在线率", Op: ">=", Target: report.Value{V: 1, Kind: report.Ratio, Known: true},
			Figure: report.Value{V: 0.99, Kind: report.Ratio, Known: true}, Verdict: report.Missed},
		{Requirement: "R-B1", Title: "链路抖动达标率", Op: ">=", Target: report.Value{V: 0.99, Kind: report.Ratio, Known: true},
			Verdict: report.Undetermined},
	}}
	text := summaryText(r)
	assert.True(t, strings.HasPrefix(text, "共 2 项指标，1 项未达标。"), text)
	assert.Contains(t, text, "R-A1 监控插件在线率：99.0000%（目标 ≥ 100.0000%）未达标")
	assert.Contains(t, text, "无法判定")
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

// A provisional report of the running month, generated during an outage,
// shows the spell as still going on (未恢复), not as fixed at the end of the
// data, and counts the day only up to the generation.
func TestProvisionalReportDuringAnOutage(t *testing.T) {
	f := newReportFixture(t)
	f.clock = time.Date(2026, 10, 31, 10, 15, 0, 5e8, cst.Location) // vm-a down since 10:00; not on a second
	r, err := f.m.build(context.Background(), "2026-10")
	require.NoError(t, err)
	require.Len(t, r.Agents.Offline, 1)
	off := r.Agents.Offline[0]
	assert.True(t, off.Span.End.IsZero(), "still offline: %v", off.Span)
	// vm-a: 30 Oct whole, 31 Oct 00:00–10:00 up and 10:00–10:15 down; vm-b: up.
	up := float64(2*86400 + 2*36000 + 900)
	assert.InDelta(t, up/(up+900), r.Agents.Rate.V, 1e-6)
}

// A configured business-hours calendar reaches the accounting: with
// agent_online measured Monday to Friday 08:00–18:00, vm-a's outage on
// Saturday 31 October is outside it and costs nothing.
func TestConfiguredCalendarExcludesTheWeekend(t *testing.T) {
	cfg, err := config.Parse("sw.yaml", []byte(`storage: {path: data}
sla:
  calendars: [{name: 工作时间, days: [1, 2, 3, 4, 5], start: "08:00", end: "18:00"}]
  slis: [{name: agent_online, calendar: 工作时间}]
`))
	require.NoError(t, err)
	f := newReportFixture(t)
	f.m.rules = func() accounting { return accounting{sla: cfg.SLA} }
	r, err := f.m.build(context.Background(), "2026-10")
	require.NoError(t, err)
	assert.Equal(t, 1.0, r.Agents.Rate.V, "the outage was on a Saturday")
	assert.Empty(t, r.Agents.Offline)
	// Friday 30 October 08:00–18:00 for two agents is all that is measured.
	assert.Equal(t, int64(2*10*3600), r.Agents.ByDistrict[0].Tally.GoodS+r.Agents.ByDistrict[1].Tally.GoodS)
}
