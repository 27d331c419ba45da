package issue

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The provisional report (accounted from the TSDB on the spot) and the
// frozen one (from the ledger) give the same figures, and they are the
// figures worked out by hand.
func TestMonthReportProvisionalEqualsFrozen(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	prov, err := f.s.build(ctx, "2026-10")
	require.NoError(t, err)
	assert.True(t, prov.Provisional())

	f.closeAndFreeze(t)
	frozen, err := f.s.build(ctx, "2026-10")
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
	for format := range monthFormats {
		var buf bytes.Buffer
		require.NoError(t, f.s.Render(ctx, "2026-10", format, &buf), format)
		out[format] = buf.Bytes()
	}
	assert.True(t, bytes.HasPrefix(out["pdf"], []byte("%PDF-")))
	assert.Contains(t, string(out["html"]), "99.4791")
	x, err := excelize.OpenReader(bytes.NewReader(out["xlsx"]))
	require.NoError(t, err)
	defer x.Close()
	assert.GreaterOrEqual(t, len(x.GetSheetList()), 4, "one sheet per section")

	assert.ErrorContains(t, f.s.Render(ctx, "2026-10", "docx", io.Discard), "format")
	assert.ErrorIs(t, f.s.Render(ctx, "2027-01", "pdf", io.Discard), ErrNotStarted)
	f.s.busy <- struct{}{}
	assert.ErrorIs(t, f.s.Render(ctx, "2026-10", "pdf", io.Discard), ErrBusy, "one report at a time")
	<-f.s.busy
}

// A provisional report of the running month, generated during an outage,
// shows the spell as still going on (未恢复), not as fixed at the end of the
// data, and counts the day only up to the generation.
func TestProvisionalReportDuringAnOutage(t *testing.T) {
	f := newReportFixture(t)
	f.setClock(time.Date(2026, 10, 31, 10, 15, 0, 5e8, cst.Location)) // vm-a down since 10:00; not on a second
	r, err := f.s.build(context.Background(), "2026-10")
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
	cal := sla.Calendar{Name: "工作时间", Days: []time.Weekday{1, 2, 3, 4, 5}, Start: "08:00", End: "18:00"}
	require.NoError(t, cal.Compile())
	slis := sla.DefaultSLIs()
	for i := range slis {
		if slis[i].Name == "agent_online" {
			slis[i].Calendar = cal.Name
		}
	}
	f := newReportFixture(t)
	f.setRules(sla.Rules{SLIs: slis, Calendars: []sla.Calendar{cal}})
	r, err := f.s.build(context.Background(), "2026-10")
	require.NoError(t, err)
	assert.Equal(t, 1.0, r.Agents.Rate.V, "the outage was on a Saturday")
	assert.Empty(t, r.Agents.Offline)
	// Friday 30 October 08:00–18:00 for two agents is all that is measured.
	assert.Equal(t, int64(2*10*3600), r.Agents.ByDistrict[0].Tally.GoodS+r.Agents.ByDistrict[1].Tally.GoodS)
}
