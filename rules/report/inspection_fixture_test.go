package report

import (
	"fmt"
	"math"
	"time"
)

// inspectionAt is the morning run of the fixture: 2026-11-27 08:00 CST.
var inspectionAt = nov(27, 8)

func agent(inst, district, system string, online bool) AgentState {
	return AgentState{Instance: inst, District: district, System: system, Online: online}
}

func link(name, level, district string, up bool, red string) LinkState {
	return LinkState{Name: name, Level: level, District: district, Up: up, Redundancy: red}
}

func incident(id, sev, district, system, title string, opened, acked, resolved time.Time) IncidentInfo {
	return IncidentInfo{ID: id, Title: title, Severity: sev, District: district, System: system, Opened: opened, Acked: acked, Resolved: resolved}
}

// fixtureInspectionInput is a small estate whose every figure is worked out
// by hand in TestBuildInspection: agents that went offline, came back, were
// added and removed, links down, restored and with changed redundancy, one
// repeated agent, one unknown redundancy state, one unknown severity, one
// incident without ID, a NaN disk point, and series rising, past, flat,
// slow and too short.
func fixtureInspectionInput() InspectionInput {
	var none time.Time
	in := InspectionInput{At: inspectionAt, Issuer: "SwanWatch 运维团队"}
	in.Today.Agents = []AgentState{
		agent("vm-sbj-01", "市本级", "政务服务网", true),
		agent("vm-sbj-01", "市本级", "政务服务网", false), // repeated: the first counts
		agent("vm-sbj-02", "市本级", "政务服务网", false),
		agent("vm-sbj-03", "市本级", "大数据平台", true),
		agent("vm-ym-01", "义马市", "政务服务网", true),
		agent("vm-ym-02", "义马市", "视频监控平台", true),
		agent("vm-hb-01", "湖滨区", "视频监控平台", false),
		agent("vm-lb-01", "灵宝市", "大数据平台", true),
		agent("vm-x-01", "", "大数据平台", true),
	}
	in.Yesterday.Agents = []AgentState{
		agent("vm-sbj-01", "市本级", "政务服务网", true),
		agent("vm-sbj-02", "市本级", "政务服务网", true),
		agent("vm-sbj-03", "市本级", "大数据平台", true),
		agent("vm-ym-01", "义马市", "政务服务网", false),
		agent("vm-ym-02", "义马市", "视频监控平台", true),
		agent("vm-hb-01", "湖滨区", "视频监控平台", false),
		agent("vm-mc-01", "渑池县", "政务服务网", true),
	}
	in.Today.Links = []LinkState{
		link("wan-sbj-c01", "市级", "市本级", true, RedundancyFull),
		link("wan-ym-c01", "县级", "义马市", false, RedundancyDown),
		link("wan-hb-t01", "乡镇级", "湖滨区", true, RedundancyDegraded),
		link("wan-lb-v01", "村级", "灵宝市", true, ""),
		link("wan-hb-c02", "县级", "湖滨区", true, "partial"),
		link("wan-jk-c01", "县级", "经济开发区", true, RedundancyFull),
	}
	in.Yesterday.Links = []LinkState{
		link("wan-sbj-c01", "市级", "市本级", true, RedundancyDegraded),
		link("wan-ym-c01", "县级", "义马市", true, RedundancyFull),
		link("wan-hb-t01", "乡镇级", "湖滨区", false, RedundancyDegraded),
		link("wan-lb-v01", "村级", "灵宝市", true, ""),
		link("wan-hb-c02", "县级", "湖滨区", true, ""),
		link("wan-ls-c01", "县级", "卢氏县", true, RedundancyFull),
	}
	in.Open = []IncidentInfo{
		incident("INC-20261127-0001", "critical", "义马市", "电子政务外网", "义马市汇聚链路中断", nov(27, 6).Add(10*time.Minute), none, none),
		incident("INC-20261125-0007", "major", "市本级", "政务服务网", "政务服务网登录缓慢", nov(25, 10), nov(25, 10).Add(5*time.Minute), none),
		incident("INC-20261120-0003", "minor", "湖滨区", "视频监控平台", "摄像机画面冻结", nov(20, 9), nov(20, 9).Add(20*time.Minute), none),
		incident("INC-20261126-0002", "warning", "", "", "证书将于30天内到期", nov(26, 9), none, none),
		incident("INC-20261126-0001", "urgent", "灵宝市", "", "级别填写有误的事件", nov(26, 7), none, none),
		incident("", "major", "市本级", "", "没有编号", nov(26, 7), none, none),
	}
	in.Recent = []IncidentInfo{
		incident("INC-20261126-0009", "major", "渑池县", "政务服务网", "渑池县接入交换机重启", nov(26, 20), nov(26, 20).Add(3*time.Minute), nov(27, 2)),
		incident("INC-20261125-0008", "minor", "陕州区", "", "陕州区链路丢包", nov(25, 8), none, nov(26, 12)),
		incident("INC-20261124-0004", "minor", "卢氏县", "", "恢复于窗口之前", nov(24, 8), none, nov(26, 8).Add(-time.Minute)),
		incident("INC-20261127-0001", "critical", "义马市", "电子政务外网", "义马市汇聚链路中断", nov(27, 6).Add(10*time.Minute), none, none),
	}
	in.Disk = []Series{
		{Entity: "vm-sbj-01", District: "市本级", System: "政务服务网", Points: daily(20, 0.50, 0.52, 0.54, 0.56, 0.58, 0.60, 0.62)},
		{Entity: "vm-ym-02", District: "义马市", System: "视频监控平台", Points: daily(24, 0.85, 0.88, 0.91)},
		{Entity: "vm-hb-01", District: "湖滨区", System: "视频监控平台", Points: daily(22, 0.40, 0.40, 0.40, 0.40, 0.40)},
		{Entity: "vm-lb-01", District: "灵宝市", System: "大数据平台", Points: daily(25, 0.70, 0.80)},
		{Entity: "vm-sbj-03", District: "市本级", System: "大数据平台", Points: daily(24, 0.300, 0.301, 0.302)},
		{Entity: "vm-x-01", System: "大数据平台", Points: daily(23, math.NaN(), 0.60, 0.63, 0.66)},
	}
	in.Bandwidth = []Series{
		{Entity: "wan-ym-c01", District: "义马市", Points: daily(24, 0.60, 0.63, 0.66)},
	}
	in.Scenic = fixtureScenicSnapshot()
	in.Cloud = fixtureCloudSnapshot()
	return in
}

// fixtureScenicSnapshot is the scenic area on the fixture's morning; every
// figure is worked out in TestBuildInspectionScenic.
func fixtureScenicSnapshot() ScenicSnapshot {
	return ScenicSnapshot{
		Cameras: []CameraState{
			{Instance: "cam-n1", Site: "北门广场", Online: true},
			{Instance: "cam-n2", Site: "北门广场", Online: true, Faults: []string{"scene_change", "blur"}},
			{Instance: "cam-e1", Site: "东停车场", Faults: []string{"signal_loss"}}, // offline: its diagnosis is stale
			{Instance: "cam-l1", Site: "湖心岛", Online: true},
		},
		Channels: []ChannelState{
			{NVR: "nvr-1", Channel: "101", Camera: "cam-n1", Site: "监控中心", Recording: true, Retention: 31, Required: 30},
			{NVR: "nvr-1", Channel: "201", Camera: "cam-n2", Site: "监控中心", Retention: 29.5, Required: 30},
			{NVR: "nvr-1", Channel: "301", Site: "监控中心", Recording: true, Retention: 5}, // no requirement known
		},
		Disks: []DiskState{{NVR: "nvr-1", Disk: "1", OK: true}, {NVR: "nvr-1", Disk: "2"}},
		Devices: []ParkDeviceState{
			{Kind: DeviceGate, Instance: "gate-n", Name: "北门1号", Site: "北门广场", OK: true},
			{Kind: DeviceGate, Instance: "gate-n", Name: "北门2号", Site: "北门广场"},
			{Kind: DeviceBarrier, Instance: "barrier-1", Name: "东停车场入口", Site: "东停车场", OK: true},
			{Kind: DeviceLED, Instance: "led-1", Site: "北门广场"},
			{Kind: DeviceLED, Instance: "led-2", Site: "湖心岛", OK: true},
		},
		Lots: []LotState{
			{Lot: "B区", Site: "东停车场", Free: 0, Capacity: 100},
			{Lot: "A区", Site: "东停车场", Free: 80, Capacity: 200},
			{Lot: "F区", Site: "东停车场", Free: 0, Capacity: 0},
		},
		Flow: FlowFigures{VisitorsIn: Value{V: 12345, Kind: Count, Known: true}, VisitorsOut: Value{V: 12001, Kind: Count, Known: true},
			VehiclesIn: Value{V: 2040, Kind: Count, Known: true}, VehiclesOut: Value{Kind: Count}},
	}
}

// bulkInspectionInput adds enough agents that went offline for the change
// table to continue on another page, for the PDF's look.
func bulkInspectionInput() InspectionInput {
	in := fixtureInspectionInput()
	for i := range 90 {
		d := inspectionDistricts[i%len(inspectionDistricts)]
		name := fmt.Sprintf("vm-bulk-%03d", i)
		in.Today.Agents = append(in.Today.Agents, agent(name, d, "互联网+政务服务", i%3 != 0))
		in.Yesterday.Agents = append(in.Yesterday.Agents, agent(name, d, "互联网+政务服务", true))
	}
	return in
}
