package report

import (
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

var districts = []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

func at(day, h, m int) time.Time { return time.Date(2026, 11, day, h, m, 0, 0, cst.Location) }

func ratio(v float64) Value  { return Value{V: v, Kind: Ratio, Known: true} }
func millis(v float64) Value { return Value{V: v, Kind: Millis, Known: true} }
func seconds(v float64) Value {
	return Value{V: v, Kind: Seconds, Known: true}
}

// fixtureReport is a month with every kind of content the renderers must
// show: figures met and not, an unknown figure, a figure just under 100 %,
// long Chinese and Latin text that must wrap, an open span, enough breach
// rows to continue a table on a second page.
func fixtureReport() Report {
	r := Report{
		Month: "2026-11", Addressee: "市行政审批和政务信息管理局", Issuer: "SwanWatch 运维团队",
		GeneratedAt: time.Date(2026, 12, 1, 0, 10, 0, 0, cst.Location),
		FrozenAt:    time.Date(2026, 12, 1, 0, 5, 0, 0, cst.Location),
		InputSHA256: "9f2c1d0b5e7a4c3f8a6b2d1e0f9c8b7a6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f10",
	}
	r.Summary = []SummaryLine{
		{"R-A1", "监控插件在线率", ratio(1), ">=", ratio(0.99996), Missed},
		{"R-A4", "政务云可用率", ratio(0.999), ">=", ratio(0.99953), Met},
		{"R-A4", "故障响应时长（MTTA）", seconds(900), "<=", seconds(312), Met},
		{"R-B1", "链路时延 ≤ 50 ms 的5分钟窗口占比", ratio(0.99), ">=", ratio(0.9874), Missed},
		{"R-B3", "冗余链路可用率", ratio(0.999), ">=", Value{Kind: Ratio}, Undetermined},
		{"R-C4", "天鹅湖景区重大故障次数", countV(0), "<=", countV(1), Missed},
	}
	r.Agents = fixtureAgents()
	r.Links = fixtureLinks()
	r.Incidents = fixtureIncidents()
	r.Resources = fixtureResources()
	r.Scenic = fixtureScenic()
	r.Cloud = fixtureCloud()
	r.Security = fixtureSecurity()
	r.Methods = []Paragraph{
		{"统计周期", "北京时间（Asia/Shanghai, UTC+8）自然月：2026-11-01 00:00:00 至 2026-12-01 00:00:00。"},
		{"无数据", "采集中断或数据丢失的时段记为“无数据”，既不计为在线也不计为离线，在第七节单独列出。"},
		{"维护窗口", "经批准的维护窗口内的时间不计入可用率的分子与分母。"},
		{"取整", "百分比保留四位小数并截断，不向上取整：99.99996% 记为 99.9999%，绝不记为 100%。"},
	}
	r.Gaps = []DataGap{
		{"监控插件在线率", "vm-lb-0012", 5400, 1, "2026-11-07", "2026-11-07"},
		{"链路时延达标率", "wan-hb-c03", 2700, 2, "2026-11-19", "2026-11-20"},
	}
	r.Corrections = []string{"2026-12-03 补录 11-30 的 2 条延迟数据，超过宽限期，未改变已冻结数字。"}
	return r
}

func fixtureAgents() AgentSection {
	a := AgentSection{Agents: 2994, Rate: ratio(0.99996), Target: ratio(1)}
	for d := 1; d <= 30; d++ {
		v := ratio(1 - float64(d%7)*0.00002)
		if d == 12 {
			v = Value{Kind: Ratio}
		}
		a.Daily = append(a.Daily, DailyRate{Date: fmt.Sprintf("2026-11-%02d", d), Rate: v})
	}
	for i, name := range districts {
		t := sla.Tally{GoodS: 77_760_000 - int64(i)*60, BadS: int64(i) * 60, UnknownS: int64(i%3) * 300}
		rate, _ := t.Ratio()
		a.ByDistrict = append(a.ByDistrict, GroupRate{Name: name, Entities: 300, Rate: ratio(rate), Tally: t})
	}
	a.Offline = []OfflineIncident{
		{"vm-sz-0107 (gov-cloud-a/10.31.4.17)", "陕州区", "政务云", sla.Span{Start: at(3, 9, 12), End: at(3, 9, 40)}, "#7", "agent 进程被 OOM killer 结束", seconds(1680)},
		{"vm-lb-0012", "灵宝市", "大数据中心", sla.Span{Start: at(21, 23, 50), End: at(22, 1, 5)}, "#31", "宿主机重启", seconds(4500)},
		{"vm-ls-0044", "卢氏县", "互联网+政务服务", sla.Span{Start: at(30, 22, 0)}, "", "无对应故障事件", Value{Kind: Seconds}},
	}
	return a
}

var linkIndicators = []string{"链路可用率", "链路时延达标率", "链路丢包率达标率", "链路抖动达标率", "链路误码率达标率"}

func linkGroup(name string, n int, avail float64, lat, jit float64, breaches int) LinkGroup {
	return LinkGroup{Name: name, Links: n, Compliance: []Value{ratio(avail), ratio(lat / 50), ratio(0.9996), ratio(1 - jit/1000), Value{Kind: Ratio}},
		Measured: []Value{{Kind: Number}, millis(lat), ratio(0.0004), millis(jit), {Kind: Number}}, Breaches: breaches}
}

func fixtureLinks() LinkSection {
	l := LinkSection{Indicators: linkIndicators, ByLevel: []LinkGroup{
		linkGroup("市级", 20, 0.99991, 12.4, 1.1, 0),
		linkGroup("县级", 180, 0.99962, 23.8, 2.4, 3),
		linkGroup("乡镇级", 600, 0.99871, 41.2, 4.9, 17),
		linkGroup("村级", 1000, 0.99702, 48.9, 6.3, 40),
	}}
	for i, name := range districts {
		l.ByDistrict = append(l.ByDistrict, linkGroup(name, 180, 0.9975+float64(i)*0.00021, 20+float64(i)*3, 2+float64(i)*0.4, i*6))
	}
	for i := 0; i < 60; i++ {
		start := at(1+i%30, i%24, 5)
		l.Breaches = append(l.Breaches, Breach{
			Link: fmt.Sprintf("wan-%s-v%03d", []string{"hb", "sz", "lb", "ls"}[i%4], i), Level: "村级", District: districts[i%10],
			SLI: "链路时延达标率", Span: sla.Span{Start: start, End: start.Add(time.Duration(5+i%4*5) * time.Minute)},
			Worst: millis(50 + float64(i%9)*7.5), Op: "<=", Limit: millis(50),
		})
	}
	return l
}

func fixtureIncidents() IncidentSection {
	return IncidentSection{
		Availability: []GroupRate{
			{Name: "政务云", Entities: 1800, Rate: ratio(0.99953), Tally: sla.Tally{GoodS: 2_591_000, BadS: 1_218, UnknownS: 600}},
			{Name: "电子政务外网", Entities: 1800, Rate: ratio(0.99871)},
			{Name: "天鹅湖景区", Entities: 420, Rate: Value{Kind: Ratio}, Tally: sla.Tally{UnknownS: 2_592_000}},
		},
		Total: 131, Suppressed: 12,
		BySeverity: []SeverityStats{
			{"critical", 2, 2, 2, seconds(240), seconds(5_400)},
			{"major", 9, 9, 8, seconds(300), seconds(3_000)},
			{"minor", 31, 30, 31, seconds(420), seconds(1_800)},
			{"warning", 77, 0, 77, Value{Kind: Seconds}, seconds(600)},
		},
		MTTA: seconds(312), MTTR: seconds(1_620),
		Worst: []IncidentSummary{
			{"INC-20261103-0007", "陕州区汇聚节点至市级核心链路中断，影响乡镇级链路 14 条", "critical", "陕州区", at(3, 9, 10), at(3, 9, 13), at(3, 10, 40)},
			{"INC-20261121-0031", "Database cluster failover on gov-cloud-a (postgres-ha-02)", "major", "市本级", at(21, 23, 48), time.Time{}, at(22, 1, 10)},
			{"INC-20261130-0052", "卢氏县村级链路丢包率超过阈值", "major", "卢氏县", at(30, 21, 55), at(30, 22, 1), time.Time{}},
		},
		Open: []IncidentSummary{
			{"INC-20261130-0052", "卢氏县村级链路丢包率超过阈值", "major", "卢氏县", at(30, 21, 55), at(30, 22, 1), time.Time{}},
		},
	}
}

func fixtureResources() ResourceSection {
	rs := ResourceSection{Thresholds: DefaultThresholds().describe(), VMs: 3000}
	for i, name := range districts {
		rs.ByDistrict = append(rs.ByDistrict, Usage{name, 300, ratio(0.12 + float64(i)*0.013), ratio(0.35 + float64(i)*0.02), ratio(0.41), ratio(0.57)})
	}
	rs.BySystem = []Usage{
		{"政务云 / 互联网+政务服务", 900, ratio(0.18), ratio(0.52), ratio(0.47), ratio(0.61)},
		{"大数据中心", 600, ratio(0.31), ratio(0.77), ratio(0.66), ratio(0.72)},
		{"天鹅湖景区", 120, ratio(0.07), Value{Kind: Ratio}, ratio(0.22), ratio(0.35)},
	}
	rs.Findings = []Finding{
		{"vm-hb-0231", "湖滨区", "天鹅湖景区", "idle", ratio(0.006), ratio(0.021), ratio(0.04), 30, "shut_down", "整月CPU平均 0.6%，无业务流量，建议确认后关停",
			Pricing{Spec: "4C8G", Known: true, Yuan: 255}, ""},
		{"vm-sj-0119", "市本级", "政务云", "low_use", ratio(0.031), ratio(0.079), ratio(0.18), 30, "downsize", "8 vCPU / 32 GiB 配置，CPU P95 仅 7.9%，建议降配为 2 vCPU / 8 GiB",
			Pricing{Spec: "8C32G", Target: "2C8G", Known: true, Yuan: 477}, "大数据局"},
		{"vm-jk-0077", "经济开发区", "大数据中心", "low_use", ratio(0.044), ratio(0.21), ratio(0.21), 12, "consolidate", "与 vm-jk-0078 承载同一应用，建议整合",
			Pricing{Spec: "6C12G", Note: "规格 6C12G 不是合同价格表中的云主机固定规格，无法计价"}, ""},
	}
	rs.Savings = Savings{Priced: 2, Unpriced: 1, Yuan: 732}
	rs.FollowUp = FollowUp{Tracked: true, States: map[string]string{FindingKey("vm-sj-0119", "downsize"): "已通知"},
		Open: 3, OpenYuan: 732, DoneYuan: 127, SavedYuan: 381, Rejected: 1,
		Done: []DoneRecommendation{{"vm-hb-0102", "天鹅湖景区", "shut_down", "2C4G", "", "2026-09", 127, 381}},
	}
	return rs
}

func countV(n float64) Value { return Value{V: n, Kind: Count, Known: true} }

// fixtureScenic is a month of the scenic area: lines met, missed and
// without data, a site without a label, a major incident, visitor counts
// with a day no gate reported, vehicles, and the entities with bad time.
func fixtureScenic() ScenicSection {
	s := ScenicSection{HasData: true, Major: countV(1), BySeverity: [4]int{1, 6, 14, 3}, Suppressed: 9}
	s.Indicators = []ScenicIndicator{
		{"R-C3", "摄像机在线率", 420, ratio(0.99213), ratio(0.98), Met, sla.Tally{GoodS: 1_078_000_000, BadS: 8_541_000, UnknownS: 3_600}, 37},
		{"R-C2", "画面完好率", 418, ratio(0.94871), ratio(0.95), Missed, sla.Tally{GoodS: 1_030_000_000, BadS: 55_700_000}, 112},
		{"R-C3", "录像完整率", 420, ratio(0.99902), ratio(0.99), Met, sla.Tally{GoodS: 1_087_000_000, BadS: 1_066_000}, 8},
		{"R-C2", "闸机可用率", 16, ratio(0.99871), ratio(0.99), Met, sla.Tally{GoodS: 41_400_000, BadS: 53_000}, 4},
		{"R-C2", "道闸可用率", 0, Value{Kind: Ratio}, ratio(0.99), Undetermined, sla.Tally{}, 0},
		{"R-C2", "LED屏可用率", 12, ratio(0.97112), ratio(0.98), Missed, sla.Tally{GoodS: 30_200_000, BadS: 898_000}, 21},
	}
	unknown := Value{Kind: Ratio}
	s.BySite = []ScenicSite{
		{"北门广场", []Value{ratio(0.9951), ratio(0.9312), ratio(0.9993), ratio(0.99871), unknown, ratio(0.97112)}},
		{"湖心岛", []Value{ratio(0.98876), ratio(0.96021), ratio(0.9987), unknown, unknown, unknown}},
		{"未标注园区", []Value{ratio(1), unknown, unknown, unknown, unknown, unknown}},
	}
	s.Faults = []ScenicFault{
		{"画面完好率", "cam-lake-017 (湖心岛观鸟台/10.40.3.17)", "湖心岛", ratio(0.61), 1_011_000, 3},
		{"LED屏可用率", "led-north-01", "北门广场", ratio(0.9654), 89_700, 5},
		{"摄像机在线率", "cam-north-03", "北门广场", ratio(0.99861), 3_600, 1},
	}
	s.MajorList = []IncidentSummary{
		{"#4711", "园区视频全部中断:湖心岛", "critical", "湖滨区", at(14, 23, 35), at(14, 23, 40), at(15, 0, 30)},
	}
	f := VisitorFlow{Gates: 8, VisitorsIn: countV(412_530), VisitorsOut: countV(409_877), VehiclesIn: countV(61_204),
		VehiclesOut: countV(60_988), PeakDay: "2026-11-15", PeakIn: countV(31_872)}
	for d := 1; d <= 30; d++ {
		in, out := countV(float64(11_000+d*97)), countV(float64(10_900+d*97))
		if d == 15 {
			in = countV(31_872)
		}
		if d == 20 {
			in, out = Value{Kind: Count}, Value{Kind: Count}
		}
		f.Daily = append(f.Daily, DailyFlow{Date: fmt.Sprintf("2026-11-%02d", d), VisitorsIn: in, VisitorsOut: out,
			VehiclesIn: countV(2_040), VehiclesOut: countV(2_033)})
	}
	f.ByGate = []GateFlow{
		{Entity: "gate-n/北门1号", Site: "北门广场", In: countV(120_331), Out: countV(118_002)},
		{Entity: "gate-w/西门", Site: "西门", In: countV(2_000), Out: Value{Kind: Count}},
		{Entity: "plate-1/东停车场入口", Site: "东停车场", Vehicles: true, In: countV(61_204), Out: countV(60_988)},
	}
	s.Flow = f
	return s
}

// fixtureCloud is the cloud section with every part: the HA proof and the
// backups from the build fixtures, the exchange jobs not connected, a
// hardware fault per kind of row and a room with each kind of episode.
func fixtureCloud() CloudSection {
	c := CloudSection{HAOn: true, HA: haSummary(*fixtureHA()), Backups: jobGroup(fixtureJobs(), "backup"),
		HardwareOn: true, HardwareIncidents: 3, RoomsOn: true}
	c.Hardware = []HardwareFault{
		{Server: "esx-07", Rack: "A-03", Kind: "带外管理严重事件", Severity: "critical", Count: 1, First: at(14, 2, 59), Last: at(14, 2, 59)},
		{Server: "esx-07", Rack: "A-03", Kind: "硬盘预测性故障", Severity: "major", Count: 2, Open: 1, First: at(3, 8, 0), Last: at(27, 8, 0)},
	}
	c.Rooms = []RoomFigures{{Room: "主机房", OnBattery: 1, OnBatteryS: 1500, SinglePower: 1}, {Room: "备用机房", TempHigh: 1}}
	c.RoomEvents = []RoomEvent{
		{Room: "备用机房", Rack: "B-01", Kind: "机房温度过高", Severity: "major", Start: at(5, 14, 0), End: at(5, 14, 40), Length: seconds(2400)},
		{Room: "主机房", Rack: "—", Kind: "市电中断（UPS电池供电）", Severity: "critical", Start: at(20, 10, 0), End: at(20, 10, 25), Length: seconds(1500)},
		{Room: "主机房", Rack: "A-05", Kind: "双路供电缺失", Severity: "major", Start: at(30, 23, 30), Length: seconds(1800)},
	}
	return c
}

// fixtureSecurity is the security section with every part, as the build
// fixtures give it (build_security_test.go works it out).
func fixtureSecurity() SecuritySection {
	s := SecuritySection{EventsOn: true, Events: securityEvents(*fixtureSecurityEvents()), VulnsOn: true,
		Vulns: vulnFigures(*fixtureSecurityVulns()), Notices: noticeSummary(fixtureSecurityVulns().Notices),
		Scans: ScanStatus{Month: 2, Quarter: "2026年第四季度", QuarterScans: 2}}
	s.Findings = securityFindings(s)
	return s
}
