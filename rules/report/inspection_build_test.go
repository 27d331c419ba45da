package report

import (
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// groupFigures is what a status row must say, counted by hand from the fixture.
type groupFigures struct {
	name                              string
	online, agents, up, links, dg, dn int
	open                              [4]int
}

func figuresOf(g StatusGroup) groupFigures {
	return groupFigures{g.Name, g.AgentsOnline, g.Agents, g.LinksUp, g.Links, g.RedundancyDegraded, g.RedundancyDown, g.OpenBySeverity}
}

func TestBuildInspectionStatus(t *testing.T) {
	in, err := BuildInspection(fixtureInspectionInput())
	require.NoError(t, err)
	assert.Equal(t, "2026-11-27", in.Date)
	// vm-sbj-01 counts once (online); the critical, major, minor and warning
	// incidents count, the one with the unknown severity does not.
	assert.Equal(t, groupFigures{"合计", 6, 8, 5, 6, 1, 1, [4]int{1, 1, 1, 1}}, figuresOf(in.Total))
	assert.InDelta(t, 0.75, in.Total.AgentRate.V, 0)
	want := []groupFigures{
		{"市本级", 2, 3, 1, 1, 0, 0, [4]int{0, 1, 0, 0}},
		{"义马市", 2, 2, 0, 1, 0, 1, [4]int{1, 0, 0, 0}},
		{"湖滨区", 0, 1, 2, 2, 1, 0, [4]int{0, 0, 1, 0}},
		{"灵宝市", 1, 1, 1, 1, 0, 0, [4]int{}},
		{"经济开发区", 0, 0, 1, 1, 0, 0, [4]int{}},
		{"未指定", 1, 1, 0, 0, 0, 0, [4]int{}},
	}
	got := make([]groupFigures, len(in.ByDistrict))
	for i, g := range in.ByDistrict {
		got[i] = figuresOf(g)
	}
	assert.Equal(t, want, got)
	assert.False(t, in.ByDistrict[4].AgentRate.Known, "a district without agents has no rate, not 0 %")
	assert.Equal(t, Value{V: 2.0 / 3, Kind: Ratio, Known: true}, in.ByDistrict[0].AgentRate)

	wantSys := []groupFigures{
		{"大数据平台", 3, 3, 0, 0, 0, 0, [4]int{}},
		{"政务服务网", 2, 3, 0, 0, 0, 0, [4]int{0, 1, 0, 0}},
		{"电子政务外网", 0, 0, 0, 0, 0, 0, [4]int{1, 0, 0, 0}},
		{"视频监控平台", 1, 2, 0, 0, 0, 0, [4]int{0, 0, 1, 0}},
	}
	gotSys := make([]groupFigures, len(in.BySystem))
	for i, g := range in.BySystem {
		gotSys[i] = figuresOf(g)
	}
	assert.Equal(t, wantSys, gotSys)
}

func TestBuildInspectionChanges(t *testing.T) {
	in, err := BuildInspection(fixtureInspectionInput())
	require.NoError(t, err)
	type ch struct{ kind, entity, detail string }
	want := []ch{
		{ChangeAgentOffline, "vm-sbj-02", "政务服务网"},
		{ChangeAgentOnline, "vm-ym-01", "政务服务网"},
		{ChangeAgentAdded, "vm-lb-01", "大数据平台 · 当前在线"},
		{ChangeAgentAdded, "vm-x-01", "大数据平台 · 当前在线"},
		{ChangeAgentRemoved, "vm-mc-01", "政务服务网"},
		{ChangeLinkDown, "wan-ym-c01", "县级"},
		{ChangeLinkUp, "wan-hb-t01", "乡镇级"},
		{ChangeRedundancy, "wan-sbj-c01", "市级 · 冗余 降级→正常"},
		{ChangeRedundancy, "wan-ym-c01", "县级 · 冗余 正常→中断"},
		{ChangeLinkAdded, "wan-jk-c01", "县级 · 当前正常"},
		{ChangeLinkRemoved, "wan-ls-c01", "县级"},
		{ChangeIncidentOpened, "INC-20261126-0002", "提示 · 证书将于30天内到期"},
		{ChangeIncidentOpened, "INC-20261126-0009", "重要 · 渑池县接入交换机重启"},
		{ChangeIncidentOpened, "INC-20261127-0001", "紧急 · 义马市汇聚链路中断"},
		{ChangeIncidentResolved, "INC-20261125-0008", "次要 · 陕州区链路丢包"},
		{ChangeIncidentResolved, "INC-20261126-0009", "重要 · 渑池县接入交换机重启"},
	}
	got := make([]ch, len(in.Changes))
	for i, c := range in.Changes {
		got[i] = ch{c.Kind, c.Entity, c.Detail}
	}
	assert.Equal(t, want, got)
	assert.True(t, nov(27, 2).Equal(in.Changes[15].At))
}

func TestBuildInspectionTrends(t *testing.T) {
	in, err := BuildInspection(fixtureInspectionInput())
	require.NoError(t, err)
	type tr struct {
		entity, metric string
		status         TrendStatus
		days           int
		date           string
	}
	// vm-sbj-01: 0.50 + 0.02x from Nov 20 reaches 0.90 at x = 20 (Dec 10), 14 days after Nov 26.
	// wan-ym-c01: 0.60 + 0.03x from Nov 24 reaches 0.80 at x = 6.67, so Dec 1, 5 days after Nov 26.
	// vm-x-01: the NaN day left out, 0.60 + 0.03x from Nov 24 reaches 0.90 at x = 10: Dec 4.
	// vm-sbj-03 rises 0.001 a day: 598 days, beyond the horizon; vm-hb-01 is flat.
	want := []tr{
		{"vm-ym-02", MetricDisk, TrendPast, 0, "0001-01-01"},
		{"wan-ym-c01", MetricBandwidth, TrendRising, 5, "2026-12-01"},
		{"vm-x-01", MetricDisk, TrendRising, 8, "2026-12-04"},
		{"vm-sbj-01", MetricDisk, TrendRising, 14, "2026-12-10"},
	}
	got := make([]tr, len(in.Trends))
	for i, x := range in.Trends {
		got[i] = tr{x.Entity, x.Metric, x.Status, x.DaysLeft, x.Forecast.In(cst.Location).Format("2006-01-02")}
		if x.Forecast.IsZero() {
			got[i].date = "0001-01-01"
		}
	}
	assert.Equal(t, want, got)
	assert.Equal(t, 7, in.Checked)
	assert.Equal(t, 1, in.FewPoints, "vm-lb-01 has two days")
	assert.Equal(t, "义马市", in.Trends[1].District)
}

func TestBuildInspectionHorizon(t *testing.T) {
	cases := []struct {
		horizon int
		want    int
	}{{5, 2}, {13, 3}, {14, 4}, {600, 5}}
	for _, c := range cases {
		t.Run(strconv.Itoa(c.horizon), func(t *testing.T) {
			input := fixtureInspectionInput()
			input.HorizonDays = c.horizon
			in, err := BuildInspection(input)
			require.NoError(t, err)
			assert.Len(t, in.Trends, c.want)
		})
	}
}

func TestBuildInspectionUnresolved(t *testing.T) {
	in, err := BuildInspection(fixtureInspectionInput())
	require.NoError(t, err)
	var ids []string
	for _, o := range in.Unresolved {
		ids = append(ids, o.ID)
	}
	assert.Equal(t, []string{"INC-20261127-0001", "INC-20261125-0007", "INC-20261120-0003", "INC-20261126-0002", "INC-20261126-0001"}, ids)
	assert.Equal(t, time.Hour+50*time.Minute, in.Unresolved[0].Age)
	assert.Equal(t, 6*24*time.Hour+23*time.Hour, in.Unresolved[2].Age)
}

func TestBuildInspectionNotes(t *testing.T) {
	before := metrics.GetOrCreateCounter(`swanwatch_report_inspection_rejected_total{kind="duplicate"}`).Get()
	in, err := BuildInspection(fixtureInspectionInput())
	require.NoError(t, err)
	assert.Equal(t, []string{
		"今日快照中插件 vm-sbj-01 重复出现，仅计第一条。",
		"今日快照中链路 wan-hb-c02 的冗余状态 \"partial\" 无法识别，按无冗余处理。",
		"未恢复事件中有一条事件缺少编号或发生时间，未计入。",
		"事件 INC-20261126-0001 的级别 \"urgent\" 无法识别，未计入分级统计。",
		"vm-x-01 的磁盘使用率序列有 1 个无效数据点（非数值），已剔除。",
	}, in.Notes)
	assert.Equal(t, before+1, metrics.GetOrCreateCounter(`swanwatch_report_inspection_rejected_total{kind="duplicate"}`).Get())
}

func TestBuildInspectionRefuses(t *testing.T) {
	cases := []struct {
		name string
		edit func(*InspectionInput)
	}{
		{"no time", func(in *InspectionInput) { in.At = time.Time{} }},
		{"negative horizon", func(in *InspectionInput) { in.HorizonDays = -1 }},
		{"NaN threshold", func(in *InspectionInput) { in.DiskThreshold = math.NaN() }},
		{"threshold over 1", func(in *InspectionInput) { in.BandwidthThreshold = 1.5 }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			input := fixtureInspectionInput()
			c.edit(&input)
			_, err := BuildInspection(input)
			require.ErrorIs(t, err, ErrInspectionInput)
		})
	}
}

func TestBuildInspectionEmpty(t *testing.T) {
	in, err := BuildInspection(InspectionInput{At: inspectionAt})
	require.NoError(t, err)
	assert.False(t, in.Total.AgentRate.Known)
	assert.Empty(t, in.Changes)
	assert.Equal(t, 30, in.HorizonDays)
	assert.InDelta(t, 0.90, in.Thresholds[MetricDisk], 0)
}
