package report

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixtureCloudSnapshot is the cloud platform on the fixture's morning:
// four hosts (one down, one in maintenance), three servers (one critical,
// one warning) and a drive predicting its failure, two backup jobs (one
// failed), two UPSes (one on battery), three racks (one without its B
// feed answering, one with A above half its rating, one fine), two rooms
// (one above 27 °C) and three datastores (full in 6.5 days, in 40 days, not
// filling).
func fixtureCloudSnapshot() CloudSnapshot {
	num := func(v float64) Value { return Value{V: v, Kind: Number, Known: true} }
	return CloudSnapshot{
		Hosts: []HostState{{"esx-01", "政务云集群A", true, false}, {"esx-02", "政务云集群A", true, false},
			{"esx-03", "政务云集群A", false, false}, {"esx-04", "政务云集群B", false, true}},
		Servers: []ServerHealth{{"esx-01", "A-01", 0}, {"esx-02", "A-01", 1}, {"esx-03", "A-02", 2}},
		Drives:  []DriveAlarm{{"esx-02", "A-01", "Disk.Bay.1"}},
		JobsOn:  true,
		Backups: []BackupState{
			{Job: "oa-db-backup", System: "协同办公", State: "failed", StateText: "作业失败", LastRun: inspectionAt.Add(-5 * time.Hour),
				LastStatus: "failed", LastSuccess: inspectionAt.Add(-29 * time.Hour)},
			{Job: "fs-backup", System: "不动产登记系统", State: "ok", StateText: "正常", LastRun: inspectionAt.Add(-6 * time.Hour),
				LastStatus: "success", LastSuccess: inspectionAt.Add(-6 * time.Hour)},
		},
		UPS: []UPSState{{Instance: "ups-1", Room: "主机房", Minutes: num(35), Charge: ratio(1)},
			{Instance: "ups-2", Room: "主机房", OnBattery: true, Minutes: num(12.5), Charge: ratio(0.4)}},
		Racks: []RackPower{
			{Room: "主机房", Rack: "A-05", A: FeedUp, B: FeedDown, LoadA: ratio(0.3), LoadB: Value{Kind: Ratio}},
			{Room: "主机房", Rack: "A-06", A: FeedUp, B: FeedUp, LoadA: ratio(0.62), LoadB: ratio(0.2)},
			{Room: "主机房", Rack: "A-07", A: FeedUp, B: FeedUp, LoadA: ratio(0.3), LoadB: ratio(0.3)},
		},
		Rooms: []RoomClimate{{"主机房", num(24.5), ratio(0.45)}, {"备用机房", num(28.1), ratio(0.5)}},
		Datastores: []DatastoreState{{"ds-02", ratio(0.7), num(40)}, {"ds-03", ratio(0.2), Value{Kind: Number}},
			{"ds-01", ratio(0.91), num(6.5)}},
	}
}

func TestBuildInspectionCloud(t *testing.T) {
	c := buildFixtureInspection(t, fixtureInspectionInput()).Cloud
	require.True(t, c.HasHosts && c.HasServers && c.JobsOn && c.HasRooms)
	assert.Equal(t, [2]int{4, 2}, [2]int{c.Hosts, c.HostsUp})
	assert.Equal(t, []HostState{{"esx-03", "政务云集群A", false, false}}, c.HostsDown)
	assert.Equal(t, []HostState{{"esx-04", "政务云集群B", false, true}}, c.Maintenance)
	assert.Equal(t, [3]int{3, 1, 1}, [3]int{c.Servers, c.Warn, c.Critical})
	assert.Equal(t, []string{"esx-03 硬件故障", "esx-02 硬件告警", "esx-02 预测性故障"}, problemNames(c.HardwareProblems))
	assert.Equal(t, 1, c.BackupsFailed)
	assert.Equal(t, "fs-backup", c.Backups[0].Job, "by name")
	assert.Equal(t, 1, c.OnBattery)
	assert.Equal(t, "ups-2", c.UPS[0].Instance, "on battery first")
	assert.Equal(t, []RackProblem{{"主机房", "A-05", "B路PDU无响应"}, {"主机房", "A-06", "A路负载 62.0000%，超过额定电流一半"}}, c.SingleFeed)
	assert.Equal(t, 1, c.HotRooms)
	assert.Equal(t, []string{"ds-01", "ds-02", "ds-03"}, []string{c.Datastores[0].Datastore, c.Datastores[1].Datastore, c.Datastores[2].Datastore})
	assert.Equal(t, 1, c.FillingSoon, "6.5 days within the 30-day horizon; 40 days not")
	assert.Equal(t, "宿主机 4 台，运行 2 台，宕机或失联 1 台，维护模式 1 台；带外管理纳管服务器 3 台，硬件故障 1 台、硬件告警 1 台，"+
		"预测性故障硬盘 1 块；备份作业 2 个，当前异常（作业失败、作业超时或作业未按时执行）1 个；UPS 2 台，电池供电 1 台；"+
		"双路供电异常机柜 2 个；机房 2 个，最高温度超过 27℃ 的 1 个；数据存储 3 个，按近7天增速预计 30 天内写满 1 个。", c.summary(30))
}

func problemNames(ps []HardwareProblem) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Server+" "+p.Kind)
	}
	return out
}

// A rack with no B feed in the inventory depends on A alone.
func TestRackDetail(t *testing.T) {
	assert.Equal(t, "B路未配置", rackDetail(RackPower{A: FeedUp, B: FeedNone}))
	assert.Equal(t, "A路PDU无响应；B路PDU无响应", rackDetail(RackPower{A: FeedDown, B: FeedDown}))
	assert.Empty(t, rackDetail(RackPower{A: FeedUp, B: FeedUp, LoadA: ratio(0.5), LoadB: Value{Kind: Ratio}}), "exactly half carries")
}

// A bad reading costs its own figure only, said in the notes; nothing
// connected says 无数据 / 未接入 for every part.
func TestBuildInspectionCloudBadAndAbsent(t *testing.T) {
	in := fixtureInspectionInput()
	in.Cloud.Rooms[0].HumidMax = ratio(1.7)
	in.Cloud.Datastores[0].DaysToFull = Value{V: math.Inf(1), Kind: Number, Known: true}
	in.Cloud.Hosts = append(in.Cloud.Hosts, HostState{Cluster: "政务云集群A", Up: true})
	out := buildFixtureInspection(t, in)
	assert.Equal(t, "主机房", out.Cloud.Rooms[0].Room)
	assert.False(t, out.Cloud.Rooms[0].HumidMax.Known, "the bad reading only")
	assert.True(t, out.Cloud.Rooms[0].TempMax.Known)
	notes := strings.Join(out.Notes, "\n")
	for _, w := range []string{"机房 主机房 的湿度读数 1.7 不是有效数字", "数据存储 ds-02 的写满预测读数 +Inf 不是有效数字", "未命名的宿主机"} {
		assert.Contains(t, notes, w)
	}

	in.Cloud = CloudSnapshot{}
	c := buildFixtureInspection(t, in).Cloud
	assert.Equal(t, "宿主机无数据（未接入虚拟化平台）；服务器硬件无数据（未接入带外管理）；备份作业未接入（未配置备份作业）；"+
		"机房环境无数据（未接入UPS、PDU或温湿度传感器）；数据存储无数据（未接入虚拟化平台）。", c.summary(30))
}
