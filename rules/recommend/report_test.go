package recommend

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// usageMonth is October 2026 of two VMs as the ledger gives it: vm-idle
// (8C16G) idle, vm-low (8C16G) low use whose highest CPU and memory fit 4C8G.
func usageMonth() []sla.Day {
	var ds []sla.Day
	for _, v := range []struct {
		vm                  string
		cpu, cpuMax, memMax float64
	}{{"vm-idle", 0.01, 0.05, 0.10}, {"vm-low", 0.05, 0.25, 0.35}} {
		labels := map[string]string{"instance": v.vm, "system": "政务云", "dept": "大数据局", "spec": "8C16G"}
		for d := 1; d <= 31; d++ {
			date := fmt.Sprintf("2026-10-%02d", d)
			c := sla.Stats{Mean: v.cpu, P95: v.cpuMax * 0.8, Max: v.cpuMax, Last: v.cpu, Intervals: 288}
			m := sla.Stats{Mean: v.memMax * 0.8, P95: v.memMax, Max: v.memMax, Last: v.memMax, Intervals: 288}
			ds = append(ds, sla.Day{SLI: sla.UsageCPU, Entity: v.vm, Labels: labels, Date: date, Tally: sla.Tally{GoodS: 86400}, Stats: &c},
				sla.Day{SLI: sla.UsageMemory, Entity: v.vm, Labels: labels, Date: date, Tally: sla.Tally{GoodS: 86400}, Stats: &m})
		}
	}
	return ds
}

// The lead's wiring, end to end: Build the month, Sync its findings, then
// Month's follow-up goes into the report before it is rendered.
func TestReportFollowUp(t *testing.T) {
	ctx := context.Background()
	days := usageMonth()
	in := report.Input{Info: sla.Month{Month: "2026-10"}, SLIs: sla.DefaultSLIs(), Findings: report.DefaultThresholds(),
		Targets: report.DefaultResponseTargets(), GeneratedAt: time.Date(2026, 11, 1, 1, 0, 0, 0, time.UTC),
		Days: func(fn func(sla.Day) error) error {
			for _, d := range days {
				if err := fn(d); err != nil {
					return err
				}
			}
			return nil
		}}
	r, err := report.Build(ctx, in)
	require.NoError(t, err)
	require.Len(t, r.Resources.Findings, 2)
	assert.Equal(t, report.Savings{Priced: 2, Yuan: 509 + 254}, r.Resources.Savings)

	ts := openTSDB(t)
	lastDay(t, ts, "2026-10", 1, "__name__", "hypervisor_vm_running", "vm", "vm-idle")
	now := monthEnd("2026-10").Add(time.Hour)
	st := NewStore(openState(t), NewTSDBEvidence(ts, 0), func() time.Time { return now })
	_, err = st.Sync(ctx, "2026-10", r.Resources.Findings)
	require.NoError(t, err)
	low := byVM(t, st)["vm-low"]
	_, err = st.SetState(ctx, low.ID, Notified, "", "zhang")
	require.NoError(t, err)
	r.Resources.FollowUp, err = st.Month(ctx, "2026-10")
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, report.RenderHTML(&buf, *r))
	html := buf.String()
	for _, want := range []string{"8C16G", "4C8G", "509", "254", "待处理", "已通知",
		"可计价的 2 条建议全部落实每月可节省 763 元", "待落实（待处理、已通知）建议 2 条，涉及每月 763 元"} {
		assert.Contains(t, html, want)
	}
}
