package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The fixture month (November 2026) for Build, written out day by day so
// that every expected figure in build_test.go can be checked by hand:
//
//	agents (agent_online)
//	  vm-a 湖滨区: bad 23:50–24:00 on the 3rd and 00:00–00:20 on the 4th (one 30-min spell, incident #101)
//	  vm-b 陕州区: 3 h without data on the 10th; bad from 22:00 on the 30th to the month's end (#102, fixed 01:00 on 1 Dec)
//	  vm-c 陕州区: added on the 17th (50,000 s measured that day)
//	  vm-d 湖滨区: one bad second on the 5th (no incident), 1 h of maintenance on the 6th
//	links
//	  wan-1 county 湖滨区: down 01:00–01:30 on the 2nd; latency bad 23:55 on the 15th – 00:10 on the 16th,
//	        Stats on those two days (max 80 ms and 65 ms, mean 20 ms)
//	  wan-2 village 卢氏县: latency bad 10:00–10:05 on the 20th (no Stats), 30 min without data on the 25th
//	  no days at all for loss, jitter, BER: their lines are 无法判定
//	usage: vm-idle, vm-low1/2 (one system), vm-low3, vm-short (5 days), vm-busy
//	scenic area (天鹅湖景区): see fixtureScenicDays
//	one day of an indicator nobody configured (ups_online)
const fixtureMonth = "2026-11"

func mNov(day, h, m, s int) time.Time { return time.Date(2026, 11, day, h, m, s, 0, cst.Location) }

func mDate(day int) string { return fmt.Sprintf("2026-11-%02d", day) }

func mGood(g int64) sla.Tally { return sla.Tally{GoodS: g} }

type mDayOpt func(*sla.Day)

func mBad(b int64, spans ...sla.Span) mDayOpt {
	return func(d *sla.Day) {
		d.Tally.GoodS -= b
		d.Tally.BadS += b
		d.Outages = append(d.Outages, spans...)
	}
}

func mUnknown(u int64) mDayOpt {
	return func(d *sla.Day) { d.Tally.GoodS -= u; d.Tally.UnknownS += u }
}

func mExcluded(x int64) mDayOpt {
	return func(d *sla.Day) { d.Tally.GoodS -= x; d.Tally.ExcludedS += x }
}

func mStats(s sla.Stats) mDayOpt { return func(d *sla.Day) { d.Stats = &s } }

func mSpan(d1, h1, m1, s1, d2, h2, m2, s2 int) sla.Span {
	return sla.Span{Start: mNov(d1, h1, m1, s1), End: mNov(d2, h2, m2, s2)}
}

// monthDays makes one full day per date in [from, to], then applies opts
// to the day they name.
func mDays(sli, entity string, labels map[string]string, from, to int, opts map[int][]mDayOpt) []sla.Day {
	var out []sla.Day
	for d := from; d <= to; d++ {
		day := sla.Day{SLI: sli, Entity: entity, Labels: labels, Date: mDate(d), Tally: mGood(86400)}
		for _, o := range opts[d] {
			o(&day)
		}
		out = append(out, day)
	}
	return out
}

func mLabels(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func fixtureAgentDays() []sla.Day {
	var ds []sla.Day
	ds = append(ds, mDays("agent_online", "vm-a", mLabels("instance", "vm-a", "district", "湖滨区", "system", "政务云"), 1, 30, map[int][]mDayOpt{
		3: {mBad(600, mSpan(3, 23, 50, 0, 4, 0, 0, 0))}, 4: {mBad(1200, mSpan(4, 0, 0, 0, 4, 0, 20, 0))}})...)
	ds = append(ds, mDays("agent_online", "vm-b", mLabels("instance", "vm-b", "district", "陕州区", "system", "大数据中心"), 1, 30, map[int][]mDayOpt{
		10: {mUnknown(10800)}, 30: {mBad(7200, sla.Span{Start: mNov(30, 22, 0, 0), End: time.Date(2026, 12, 1, 0, 0, 0, 0, cst.Location)})}})...)
	c := mDays("agent_online", "vm-c", mLabels("instance", "vm-c", "district", "陕州区", "system", "大数据中心"), 17, 30, nil)
	c[0].Tally = mGood(50000) // added at 10:06:40 on the 17th: measured from then only
	ds = append(ds, c...)
	ds = append(ds, mDays("agent_online", "vm-d", mLabels("instance", "vm-d", "district", "湖滨区", "system", "政务云"), 1, 30, map[int][]mDayOpt{
		5: {mBad(1, mSpan(5, 14, 0, 0, 5, 14, 0, 1))}, 6: {mExcluded(3600)}})...)
	return ds
}

func fixtureLinkDays() []sla.Day {
	l1 := mLabels("link", "wan-1", "district", "湖滨区", "level", "county")
	l2 := mLabels("link", "wan-2", "district", "卢氏县", "level", "village")
	latStats := func(max float64) mDayOpt {
		return mStats(sla.Stats{Mean: 0.02, P95: 0.04, Max: max, Last: 0.02, Intervals: 288})
	}
	var ds []sla.Day
	ds = append(ds, mDays("link_availability", "wan-1", l1, 1, 30, map[int][]mDayOpt{2: {mBad(1800, mSpan(2, 1, 0, 0, 2, 1, 30, 0))}})...)
	ds = append(ds, mDays("link_availability", "wan-2", l2, 1, 30, nil)...)
	ds = append(ds, mDays("link_latency", "wan-1", l1, 1, 30, map[int][]mDayOpt{
		15: {mBad(300, mSpan(15, 23, 55, 0, 16, 0, 0, 0)), latStats(0.080)},
		16: {mBad(600, mSpan(16, 0, 0, 0, 16, 0, 10, 0)), latStats(0.065)}})...)
	ds = append(ds, mDays("link_latency", "wan-2", l2, 1, 30, map[int][]mDayOpt{
		20: {mBad(300, mSpan(20, 10, 0, 0, 20, 10, 5, 0))}, 25: {mUnknown(1800)}})...)
	return ds
}

// usage is one VM's usage days: CPU (mean, P95) for days from…to with 288
// intervals each, memory and disk means alike.
func mUsage(vm, district, system string, from, to int, cpu, p95, mem, disk float64) []sla.Day {
	labels := mLabels("instance", vm, "district", district, "system", system)
	var ds []sla.Day
	for d := from; d <= to; d++ {
		for _, u := range []struct {
			name string
			s    sla.Stats
		}{
			{sla.UsageCPU, sla.Stats{Mean: cpu, P95: p95, Max: p95, Last: cpu, Intervals: 288}},
			{sla.UsageMemory, sla.Stats{Mean: mem, P95: mem, Max: mem, Last: mem, Intervals: 288}},
			{sla.UsageDisk, sla.Stats{Mean: disk, P95: disk, Max: disk, Last: disk + float64(d)/1000, Intervals: 288}},
		} {
			s := u.s
			ds = append(ds, sla.Day{SLI: u.name, Entity: vm, Labels: labels, Date: mDate(d), Tally: mGood(86400), Stats: &s})
		}
	}
	return ds
}

func fixtureUsageDays() []sla.Day {
	var ds []sla.Day
	idle := mUsage("vm-idle", "湖滨区", "天鹅湖景区", 1, 30, 0.01, 0.04, 0.10, 0.30)
	idle[0].Stats = &sla.Stats{Mean: 0.05, P95: 0.09, Max: 0.09, Last: 0.05, Intervals: 144} // half a day of data at 5 %
	ds = append(ds, idle...)
	ds = append(ds, mUsage("vm-low1", "湖滨区", "天鹅湖景区", 1, 30, 0.06, 0.20, 0.50, 0.40)...)
	low2 := mUsage("vm-low2", "陕州区", "天鹅湖景区", 1, 30, 0.08, 0.15, 0.45, 0.50)
	low2[3*9].Stats.P95 = 0.25 // CPU on the 10th: the month's peak
	ds = append(ds, low2...)
	ds = append(ds, mUsage("vm-low3", "陕州区", "政务云", 1, 30, 0.05, 0.12, 0.30, 0.60)...)
	ds = append(ds, mUsage("vm-short", "陕州区", "政务云", 26, 30, 0.01, 0.02, 0.05, 0.10)...)
	ds = append(ds, mUsage("vm-busy", "湖滨区", "政务云", 1, 30, 0.50, 0.90, 0.70, 0.80)...)
	return ds
}

// The scenic area's month (天鹅湖景区):
//
//	camera_online   cam-n1 北门广场: bad 10:00–12:00 on the 8th
//	                cam-e1 东停车场: 1 h without data on the 12th; bad 23:30 on
//	                the 14th – 00:30 on the 15th (one spell)
//	camera_picture_ok  cam-n1: bad 14:00–14:30 on the 20th (cam-e1 never diagnosed)
//	recording_complete nvr-1/101 监控中心: bad 10:00–10:10 on the 8th
//	gate_availability  gate-n/北门1号 北门广场: bad 18:00–18:30 on the 25th
//	barrier_availability: no day at all (无数据)
//	led_availability   led-1 北门广场: 2 h of maintenance on the 3rd
//	flow   visitors in  gate-n/北门1号: 1000 + 10·d on day d, 5000 on the 15th, no day on the 20th
//	       visitors out gate-n/北门1号: 990 + 10·d, no day on the 20th
//	       visitors in  gate-w/西门 西门: 200 on days 1–10
//	       vehicles     plate-1/东停车场入口 东停车场: 300 in and 290 out every day
func fixtureScenicDays() []sla.Day {
	lab := func(inst, site string, kv ...string) map[string]string {
		return mLabels(append([]string{"instance", inst, "site", site, "district", "湖滨区", "system", "天鹅湖景区"}, kv...)...)
	}
	camN, camE := lab("cam-n1", "北门广场"), lab("cam-e1", "东停车场")
	var ds []sla.Day
	ds = append(ds, mDays("camera_online", "cam-n1", camN, 1, 30, map[int][]mDayOpt{8: {mBad(7200, mSpan(8, 10, 0, 0, 8, 12, 0, 0))}})...)
	ds = append(ds, mDays("camera_online", "cam-e1", camE, 1, 30, map[int][]mDayOpt{12: {mUnknown(3600)},
		14: {mBad(1800, mSpan(14, 23, 30, 0, 15, 0, 0, 0))}, 15: {mBad(1800, mSpan(15, 0, 0, 0, 15, 0, 30, 0))}})...)
	ds = append(ds, mDays("camera_picture_ok", "cam-n1", camN, 1, 30, map[int][]mDayOpt{20: {mBad(1800, mSpan(20, 14, 0, 0, 20, 14, 30, 0))}})...)
	ds = append(ds, mDays("recording_complete", "nvr-1/101", lab("nvr-1", "监控中心", "channel", "101", "camera", "cam-n1"), 1, 30,
		map[int][]mDayOpt{8: {mBad(600, mSpan(8, 10, 0, 0, 8, 10, 10, 0))}})...)
	ds = append(ds, mDays("gate_availability", "gate-n/北门1号", lab("gate-n", "北门广场", "gate", "北门1号"), 1, 30,
		map[int][]mDayOpt{25: {mBad(1800, mSpan(25, 18, 0, 0, 25, 18, 30, 0))}})...)
	ds = append(ds, mDays("led_availability", "led-1", lab("led-1", "北门广场"), 1, 30, map[int][]mDayOpt{3: {mExcluded(7200)}})...)
	flow := func(sli, entity string, labels map[string]string, from, to int, count func(d int) int64) {
		for d := from; d <= to; d++ {
			if n := count(d); n >= 0 {
				ds = append(ds, sla.Day{SLI: sli, Entity: entity, Labels: labels, Date: mDate(d), Tally: mGood(86400),
					Stats: &sla.Stats{Count: n, Intervals: 288}})
			}
		}
	}
	north := lab("gate-n", "北门广场", "gate", "北门1号")
	flow(sla.FlowVisitorsIn, "gate-n/北门1号", north, 1, 30, func(d int) int64 {
		switch d {
		case 15:
			return 5000
		case 20:
			return -1 // no day
		}
		return 1000 + 10*int64(d)
	})
	flow(sla.FlowVisitorsOut, "gate-n/北门1号", north, 1, 30, func(d int) int64 {
		if d == 20 {
			return -1
		}
		return 990 + 10*int64(d)
	})
	flow(sla.FlowVisitorsIn, "gate-w/西门", lab("gate-w", "西门", "gate", "西门"), 1, 10, func(int) int64 { return 200 })
	plate := lab("plate-1", "东停车场", "gate", "东停车场入口")
	flow(sla.FlowVehiclesIn, "plate-1/东停车场入口", plate, 1, 30, func(int) int64 { return 300 })
	flow(sla.FlowVehiclesOut, "plate-1/东停车场入口", plate, 1, 30, func(int) int64 { return 290 })
	return ds
}

// fixtureCloudDays are the cloud's VMs running (R-A4, vm_running):
//
//	zwy-web-01 政务服务网: not running 10:00–11:00 on the 5th
//	zwy-gjj-01 公积金: running all month
//
// and their agents (R-A1, agent_coverage): both have one all month; zwy-tmp-01
// runs from the 21st without an agent.
func fixtureCloudDays() []sla.Day {
	lab := func(vm, system string) map[string]string {
		return mLabels("vm", vm, "district", "市本级", "system", system)
	}
	ds := mDays("vm_running", "zwy-web-01", lab("zwy-web-01", "政务服务网"), 1, 30,
		map[int][]mDayOpt{5: {mBad(3600, mSpan(5, 10, 0, 0, 5, 11, 0, 0))}})
	ds = append(ds, mDays("vm_running", "zwy-gjj-01", lab("zwy-gjj-01", "公积金"), 1, 30, nil)...)
	ds = append(ds, mDays("agent_coverage", "zwy-web-01", mLabels("vm", "zwy-web-01"), 1, 30, nil)...)
	ds = append(ds, mDays("agent_coverage", "zwy-gjj-01", mLabels("vm", "zwy-gjj-01"), 1, 30, nil)...)
	for d := 21; d <= 30; d++ {
		ds = append(ds, sla.Day{SLI: "agent_coverage", Entity: "zwy-tmp-01", Labels: mLabels("vm", "zwy-tmp-01"),
			Date: mDate(d), Tally: sla.Tally{BadS: 86400}})
	}
	return ds
}

// fixtureDays is the whole month in the ledger's canonical order.
func fixtureDays() []sla.Day {
	ds := append(append(fixtureAgentDays(), fixtureLinkDays()...), fixtureUsageDays()...)
	ds = append(ds, fixtureScenicDays()...)
	ds = append(ds, fixtureCloudDays()...)
	ds = append(ds, sla.Day{SLI: "ups_online", Entity: "ups-1", Date: mDate(1), Tally: mGood(86400)})
	slices.SortStableFunc(ds, func(a, b sla.Day) int {
		return cmp.Or(cmp.Compare(a.SLI, b.SLI), cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Date, b.Date))
	})
	return ds
}

func fixtureIncidentRecords() []sla.IncidentRecord {
	dec1 := func(h, m int) time.Time { return time.Date(2026, 12, 1, h, m, 0, 0, cst.Location) }
	return []sla.IncidentRecord{
		{ID: 101, Severity: "major", Title: "vm-a 监控插件离线", Labels: mLabels("instance", "vm-a", "district", "湖滨区"),
			FirstFired: mNov(3, 23, 52, 0), AckedAt: mNov(3, 23, 55, 0), ResolvedAt: mNov(4, 0, 25, 0)},
		{ID: 102, Severity: "critical", Title: "陕州区宿主机宕机", Labels: mLabels("instance", "vm-b", "district", "陕州区"),
			FirstFired: mNov(30, 22, 1, 0), AckedAt: mNov(30, 22, 11, 0), ResolvedAt: dec1(1, 0)},
		{ID: 103, Severity: "minor", Title: "陕州区业务探测失败", Labels: mLabels("district", "陕州区"),
			FirstFired: mNov(30, 22, 2, 0), ResolvedAt: dec1(1, 0), SuppressedBy: 102},
		{ID: 104, Severity: "warning", Title: "证书将于30天内到期", FirstFired: mNov(20, 10, 0, 0)},
		{ID: 105, Severity: "major", Title: "政务云存储延迟升高", Labels: mLabels("district", "市本级"),
			FirstFired: mNov(12, 8, 0, 0), AckedAt: mNov(12, 9, 0, 0), ResolvedAt: mNov(12, 10, 0, 0)},
	}
}

func fixtureInput(days []sla.Day) Input {
	return Input{
		Info: sla.Month{Month: fixtureMonth, FrozenAt: time.Date(2026, 12, 3, 0, 30, 0, 0, cst.Location),
			InputSHA256: "5e1f0c2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100",
			Incidents:   fixtureIncidentRecords(), Corrections: []string{"2026-12-04 收到 11-30 的迟到数据 2 条，超过宽限期，未改变已冻结数字。"}},
		SLIs: sla.DefaultSLIs(),
		Days: func(fn func(sla.Day) error) error {
			for _, d := range days {
				if err := fn(d); err != nil {
					return err
				}
			}
			return nil
		},
		Addressee: "市行政审批和政务信息管理局", Issuer: "SwanWatch 运维团队",
		GeneratedAt: time.Date(2026, 12, 3, 1, 0, 0, 0, cst.Location),
	}
}

// fixtureScenicIncidents are the scenic area's incidents of the month: a
// whole park area without video (critical: a major incident), the camera
// offline behind it (major) and a recording gap suppressed by it.
func fixtureScenicIncidents() []sla.IncidentRecord {
	scenic := func(kv ...string) map[string]string {
		return mLabels(append([]string{"district", "湖滨区", "system", "天鹅湖景区"}, kv...)...)
	}
	return []sla.IncidentRecord{
		{ID: 106, Alertname: "SwanLakeSiteVideoDown", Severity: "critical", Title: "园区视频全部中断:东停车场",
			Labels: scenic("site", "东停车场"), FirstFired: mNov(14, 23, 35, 0), AckedAt: mNov(14, 23, 40, 0), ResolvedAt: mNov(15, 0, 30, 0)},
		{ID: 107, Alertname: "CameraOffline", Severity: "major", Title: "摄像机离线:cam-e1",
			Labels: scenic("instance", "cam-e1", "site", "东停车场"), FirstFired: mNov(14, 23, 32, 0), ResolvedAt: mNov(15, 0, 30, 0)},
		{ID: 108, Alertname: "RecordingGap", Severity: "major", Title: "录像缺失:cam-e1",
			Labels: scenic("instance", "nvr-1", "camera", "cam-e1"), FirstFired: mNov(14, 23, 40, 0), ResolvedAt: mNov(15, 0, 31, 0), SuppressedBy: 106},
	}
}
