package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// fixtureHA is one host failure: esx-07 fails on the 14th at 03:00; HA
// restarts vm-a on esx-08 after 150 s, vMotion brings vm-b to esx-09 after
// 240 s, vm-c never comes back. rules/ha's Month gives these figures
// (its own tests prove them); the report must show them as they are.
func fixtureHA() *ha.MonthFigures {
	failed := mNov(14, 3, 0, 0)
	f := ha.Failure{ID: 1, Instance: "vcenter-1", Host: "esx-07", Cluster: "政务云集群A", Kind: "host_failed",
		FailedAt: failed, RecoveredAt: mNov(14, 3, 40, 0), VMs: []ha.VM{
			{Name: "vm-a", Outcome: ha.Restarted, ToHost: "esx-08", BackAt: failed.Add(150 * time.Second), Downtime: 150 * time.Second},
			{Name: "vm-b", Outcome: ha.Migrated, ToHost: "esx-09", BackAt: failed.Add(240 * time.Second), Downtime: 240 * time.Second},
			{Name: "vm-c", Outcome: ha.NotRecovered, GaveUpAt: failed.Add(10 * time.Minute)},
		}}
	return &ha.MonthFigures{Month: "2026-11", HostFailures: 1, VMsAffected: 3, RestartedByHA: 2, NotRecovered: 1,
		StillDown: 1, MedianDowntime: 195 * time.Second, LongestDowntime: 240 * time.Second, Failures: []ha.Failure{f},
		NotRecoveredVMs: []ha.VMRef{{Instance: "vcenter-1", Host: "esx-07", FailedAt: failed, VM: f.VMs[2]}}}
}

// fixtureJobs: two backups (one with a run more than its slots: a manual
// rerun) and a plain job that belongs to neither line; no exchange job.
func fixtureJobs() []jobs.JobMonth {
	return []jobs.JobMonth{
		{Job: "oa-db-backup", System: "协同办公", Kind: jobs.KindBackup, Backup: true, Expected: 30, Runs: 29, Successes: 28,
			Failures: 1, Missed: 1, TooLong: 2},
		{Job: "fs-weekly-backup", System: "不动产登记系统", Kind: jobs.KindBackup, Backup: true, Expected: 4, Runs: 5, Successes: 5},
		{Job: "log-rotate", System: "政务云", Kind: jobs.KindJob, Expected: 30, Runs: 30, Successes: 30},
	}
}

// fixtureCloudIncidents: hardware (a drive predicting failure twice, one
// still open; a BMC log entry; a BMC unreachable, which is no hardware
// fault) and machine rooms (mains lost 25 minutes; a rack on one feed still
// open at the freeze; a hot standby room).
func fixtureCloudIncidents() []sla.IncidentRecord {
	hw := func(kv ...string) map[string]string {
		return mLabels(append([]string{"server", "esx-07", "rack", "A-03", "kind", "bmc"}, kv...)...)
	}
	room := func(name string, kv ...string) map[string]string {
		return mLabels(append([]string{"room", name, "kind", "device"}, kv...)...)
	}
	return []sla.IncidentRecord{
		{ID: 901, Alertname: "DrivePredictedFailure", Severity: "major", Title: "硬盘预测性故障", Labels: hw("drive", "Disk.0"),
			FirstFired: mNov(3, 8, 0, 0), ResolvedAt: mNov(3, 9, 0, 0)},
		{ID: 902, Alertname: "DrivePredictedFailure", Severity: "major", Title: "硬盘预测性故障", Labels: hw("drive", "Disk.1"),
			FirstFired: mNov(27, 8, 0, 0)},
		{ID: 903, Alertname: "ServerCriticalHardwareEvent", Severity: "critical", Title: "服务器硬件严重事件", Labels: hw(),
			FirstFired: mNov(14, 2, 59, 0), ResolvedAt: mNov(14, 8, 59, 0)},
		{ID: 904, Alertname: "BmcUnreachable", Severity: "major", Title: "带外管理不可达", Labels: hw(),
			FirstFired: mNov(10, 1, 0, 0), ResolvedAt: mNov(10, 2, 0, 0)},
		{ID: 905, Alertname: "UpsOnBattery", Severity: "critical", Title: "市电中断，UPS电池供电", Labels: room("主机房"),
			FirstFired: mNov(20, 10, 0, 0), ResolvedAt: mNov(20, 10, 25, 0)},
		{ID: 906, Alertname: "RackSinglePower", Severity: "major", Title: "双路供电缺失", Labels: room("主机房", "rack", "A-05"),
			FirstFired: mNov(30, 23, 30, 0)},
		{ID: 907, Alertname: "RoomTemperatureHigh", Severity: "major", Title: "机房温度过高", Labels: room("备用机房", "rack", "B-01"),
			FirstFired: mNov(5, 14, 0, 0), ResolvedAt: mNov(5, 14, 40, 0)},
	}
}

func buildCloudFixture(t *testing.T) *Report {
	t.Helper()
	in := fixtureInput(fixtureDays())
	in.Info.Incidents = append(fixtureIncidentRecords(), fixtureCloudIncidents()...)
	in.Cloud = CloudInput{HA: fixtureHA(), Jobs: fixtureJobs(), JobsOn: true, HardwareOn: true, RoomsOn: true}
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	return r
}

func TestBuildCloudHA(t *testing.T) {
	c := buildCloudFixture(t).Cloud
	require.True(t, c.HAOn)
	h := c.HA
	assert.Equal(t, [6]int{1, 3, 2, 0, 1, 1}, [6]int{h.HostFailures, h.VMsAffected, h.RestartedByHA, h.InPlace, h.NotRecovered, h.StillDown})
	assert.Equal(t, "3分15秒", h.Median.text()) // (150 + 240) ÷ 2
	assert.Equal(t, "4分0秒", h.Longest.text())
	require.Len(t, h.Failures, 1)
	f := h.Failures[0]
	assert.Equal(t, [3]int{3, 2, 1}, [3]int{f.VMs, f.ByHA, f.NotBack})
	assert.Equal(t, seconds(240), f.Longest)
	require.Len(t, h.VMs, 3)
	assert.Equal(t, HAVM{Host: "esx-07", VM: "vm-a", Outcome: "HA已重启", ToHost: "esx-08", FailedAt: mNov(14, 3, 0, 0),
		BackAt: mNov(14, 3, 2, 30), Downtime: seconds(150)}, h.VMs[0])
	assert.Equal(t, "超时未恢复", h.VMs[2].Outcome)
	assert.False(t, h.VMs[2].Downtime.Known, "a VM not back has no downtime, not 0")
}

func TestBuildCloudJobs(t *testing.T) {
	c := buildCloudFixture(t).Cloud
	b := c.Backups
	require.True(t, b.On)
	require.Len(t, b.Jobs, 2, "only kind backup")
	assert.Equal(t, "93.3333%", b.Jobs[0].Rate.text())  // 28 ÷ 30
	assert.Equal(t, "100.0000%", b.Jobs[1].Rate.text()) // 5 successes of 4 slots count as 4
	// (28 + 4) ÷ (30 + 4) = 94.1176…%
	assert.Equal(t, JobFigures{Job: "合计", Expected: 34, Runs: 34, Successes: 32, Failures: 1, Missed: 1, TooLong: 2,
		Rate: ratio(32.0 / 34)}, b.Total)
	assert.Equal(t, "94.1176%", b.Total.Rate.text())
	assert.False(t, c.Exchange.On, "no exchange job configured: 未接入, not 0 %")
}

func TestBuildCloudIncidents(t *testing.T) {
	c := buildCloudFixture(t).Cloud
	assert.Equal(t, 3, c.HardwareIncidents, "BmcUnreachable is no hardware fault")
	assert.Equal(t, []HardwareFault{
		{Server: "esx-07", Rack: "A-03", Kind: "带外管理严重事件", Severity: "critical", Count: 1, First: mNov(14, 2, 59, 0), Last: mNov(14, 2, 59, 0)},
		{Server: "esx-07", Rack: "A-03", Kind: "硬盘预测性故障", Severity: "major", Count: 2, Open: 1, First: mNov(3, 8, 0, 0), Last: mNov(27, 8, 0, 0)},
	}, c.Hardware)
	// the open rack runs from 11-30 23:30 to the freeze, 12-03 00:30: 49 h
	assert.Equal(t, []RoomFigures{
		{Room: "主机房", OnBattery: 1, OnBatteryS: 1500, SinglePower: 1},
		{Room: "备用机房", TempHigh: 1},
	}, c.Rooms)
	require.Len(t, c.RoomEvents, 3)
	assert.Equal(t, RoomEvent{Room: "主机房", Rack: "A-05", Kind: "双路供电缺失", Severity: "major", Start: mNov(30, 23, 30, 0),
		Length: seconds(49 * 3600)}, c.RoomEvents[2])
}

// A month with no source connected says 未接入 for every part, in every
// format, and no figure of the section is 0.
func TestRenderCloudNotConnected(t *testing.T) {
	r := buildFixture(t)
	assert.False(t, r.Cloud.HAOn || r.Cloud.Backups.On || r.Cloud.HardwareOn || r.Cloud.RoomsOn)
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	file := filepath.Join(t.TempDir(), "nocloud.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for format, text := range map[string]string{"pdf": flat, "xlsx": dumpXLSX(t, xlsx.Bytes()), "html": html.String()} {
		for _, w := range []string{"宿主机故障与HA（R-A9）：未接入", "服务器硬件（R-A9）：未接入", "备份作业（R-A9）：未接入",
			"数据交换作业（R-C1）：未接入", "机房环境（R-A8）：未接入"} {
			assert.Contains(t, text, w, format)
		}
		assert.NotContains(t, text, "备份成功率", format)
	}
}

// Connected sources without an event say so, not 未接入.
func TestBuildCloudConnectedQuiet(t *testing.T) {
	in := fixtureInput(fixtureDays())
	in.Cloud = CloudInput{HA: &ha.MonthFigures{Month: "2026-11"}, JobsOn: true, HardwareOn: true, RoomsOn: true}
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	c := r.Cloud
	assert.Equal(t, "宿主机故障与HA（R-A9）：本月未发生宿主机故障。", c.haParagraph())
	assert.Contains(t, c.hardwareParagraph(), "本月硬件故障事件 0 起")
	assert.Equal(t, "机房环境（R-A8）：本月未发生市电中断、双路供电缺失或温湿度越限。", c.roomParagraph())
	assert.False(t, c.Backups.On, "jobs configured but none a backup")
}

// The cloud section renders in every format with its figures; -args
// -png=DIR keeps the PDF's pages to look at.
func TestRenderCloudFixture(t *testing.T) {
	r := buildCloudFixture(t)
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	dir := *pngDir
	if dir == "" {
		dir = t.TempDir()
	}
	file := filepath.Join(dir, "cloud.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	if *pngDir != "" {
		poppler(t, "pdftoppm", "-png", "-r", "70", file, filepath.Join(dir, "cloud"))
	}
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for _, w := range []string{"七、政务云平台（R-A8、R-A9、R-C1）", "本月宿主机故障 1 次，涉及云服务器 3 台",
		"esx-07 vm-a HA已重启 esx-08", "总体备份成功率 94.1176%", "oa-db-backup 协同办公 30 29 28 1 1 2 93.3333%",
		"esx-07 A-03 硬盘预测性故障 重要 2 1", "主机房 1 25分0秒", "数据交换作业（R-C1）：未接入", "九、方法说明", "十、数据缺口"} {
		assert.Contains(t, flat, w)
	}
}
