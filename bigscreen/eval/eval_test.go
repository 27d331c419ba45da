package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// evalTestAt is the rounds' time: 14:00 in Asia/Shanghai.
var evalTestAt = time.Date(2026, 11, 27, 14, 0, 0, 0, cst.Location)

const evalTestScene = `id: t
title: 测试
panels:
` + `  - id: online
    title: 插件在线率
    type: kpi
    grid: {x: 0, y: 0, w: 1, h: 1}
    query: swanwatch:agent_online_city:ratio
    sort: asc
    thresholds: [{value: 0.9999, state: warn}, {value: 0.95, state: bad}]
  - id: nodata
    title: 无数据
    type: kpi
    grid: {x: 1, y: 0, w: 1, h: 1}
    query: sum(evaltest_never_written)
  - id: nan
    title: 零除零
    type: kpi
    grid: {x: 2, y: 0, w: 1, h: 1}
    query: sum(up{kind="agent"} * 0) / sum(up{kind="agent"} * 0)
  - id: zero
    title: 真零
    type: gauge
    grid: {x: 3, y: 0, w: 1, h: 1}
    query: sum(up{kind="agent"} == bool 2)
  - id: map
    title: 地图
    type: map
    grid: {x: 4, y: 0, w: 1, h: 1}
    query: swanwatch:agent_online:ratio
    label: district
    sort: asc
    thresholds: [{value: 0.9999, state: warn}, {value: 0.95, state: bad}]
  - id: worst
    title: 最差站点
    type: ranking
    grid: {x: 5, y: 0, w: 1, h: 1}
    query: avg by (site) (up{kind="agent"})
    label: site
    sort: asc
    limit: 2
  - id: table
    title: 表
    type: table
    grid: {x: 6, y: 0, w: 1, h: 1}
    query: up{kind="agent"}
    label: instance
    limit: 2
  - id: board
    title: 告警
    type: board
    grid: {x: 7, y: 0, w: 1, h: 1}
    source: incidents
  - id: open
    title: 告警中
    type: kpi
    grid: {x: 8, y: 0, w: 1, h: 1}
    source: incident_stats
  - id: mtta
    title: 响应
    type: kpi
    grid: {x: 9, y: 0, w: 1, h: 1}
    source: incident_stats
    label: mtta
  - id: mttr
    title: 修复
    type: kpi
    grid: {x: 10, y: 0, w: 1, h: 1}
    source: incident_stats
    label: mttr
  - id: duty
    title: 值班
    type: duty
    grid: {x: 11, y: 0, w: 1, h: 1}
    source: duty
`

// evalTestAgents writes four agents: vm2 in 湖滨区 offline, and the series
// the agent pack would record from them.
func evalTestAgents(t *testing.T, db *evalTestTSDB) {
	ts := evalTestAt.Add(-30 * time.Second)
	for _, a := range []struct {
		vm, district, site string
		up                 float64
	}{{"vm1", "湖滨区", "s1", 1}, {"vm2", "湖滨区", "s1", 0}, {"vm3", "灵宝市", "s2", 1}, {"vm4", "经济开发区", "s3", 1}} {
		db.add(t, ts, a.up, "up", "kind", "agent", "instance", a.vm, "district", a.district, "site", a.site)
	}
	db.add(t, ts, 0.75, "swanwatch:agent_online_city:ratio", "requirement", "R-A1")
	for d, v := range map[string]float64{"湖滨区": 0.5, "灵宝市": 1, "经济开发区": 1} {
		db.add(t, ts, v, "swanwatch:agent_online:ratio", "district", d, "requirement", "R-A1")
	}
}

// evalTestFeed fills the incident store: D resolved after 10 min, A a
// critical link down in 灵宝市 holding back B (a village router behind it),
// C a warning in 湖滨区 acknowledged after 2 min.
func evalTestFeed(t *testing.T) (*alerting.Incidents, map[string]alerting.Incident) {
	clock := evalTestAt.Add(-3 * time.Hour)
	s := evalTestIncidents(t, func() time.Time { return clock })
	ctx := context.Background()
	out := map[string]alerting.Incident{}
	fire := func(key, name, sev, district, objKey, obj, summary string, at time.Time) {
		clock = at
		inc, _, err := s.Fire(ctx, alerting.Alert{Fingerprint: key, Firing: true, StartsAt: at,
			Labels:      map[string]string{"alertname": name, "severity": sev, "district": district, objKey: obj},
			Annotations: map[string]string{"summary": summary}})
		require.NoError(t, err)
		out[key] = inc
	}
	fire("D", "DiskFull", "warning", "陕州区", "instance", "vm9", "磁盘将满:vm9", evalTestAt.Add(-3*time.Hour))
	_, _, err := s.Resolve(ctx, "D", evalTestAt.Add(-3*time.Hour+10*time.Minute))
	require.NoError(t, err)
	fire("A", "WanLinkDown", "critical", "灵宝市", "link", "lb-t003-up", "链路中断:lb-t003-up", evalTestAt.Add(-20*time.Minute))
	fire("B", "DeviceDown", "major", "灵宝市", "instance", "lb-t003-v01-rt", "设备离线:lb-t003-v01-rt", evalTestAt.Add(-19*time.Minute))
	require.NoError(t, s.SetSuppressed(ctx, out["B"].ID, out["A"].ID, "因上级故障抑制"))
	fire("C", "AgentOffline", "warning", "湖滨区", "instance", "vm2", "监控插件离线:vm2", evalTestAt.Add(-10*time.Minute))
	clock = evalTestAt.Add(-8 * time.Minute)
	_, err = s.Ack(ctx, out["C"].ID, "张三")
	require.NoError(t, err)
	return s, out
}

func evalTestDuty(at time.Time) ([]scene.DutyPerson, string) {
	return []scene.DutyPerson{{Name: "张三", Roster: "网络值班", Phone: "13800000001", Until: evalTestAt.Add(4 * time.Hour)}}, "重保期:国庆"
}

func evalTestLoad(t *testing.T, yaml string) []scene.Def {
	defs, err := LoadScenes(fstest.MapFS{"t.yaml": {Data: []byte(yaml)}}, "*.yaml")
	require.NoError(t, err)
	return defs
}

func TestEvaluatorPanelsFromTSDB(t *testing.T) {
	db := newEvalTestTSDB(t, 1e6)
	evalTestAgents(t, db)
	store, incs := evalTestFeed(t)
	pub := newEvalTestPublished()
	e, err := New(Options{Scenes: evalTestLoad(t, evalTestScene), Query: db.query,
		Incidents: store, Duty: evalTestDuty, Publish: pub.publish, Now: func() time.Time { return evalTestAt }})
	require.NoError(t, err)
	e.round(context.Background(), evalTestAt)

	until, _ := json.Marshal(evalTestAt.Add(4 * time.Hour))
	want := map[string]string{
		"online": `{"value":0.75,"state":"bad"}`,
		"nodata": `{"value":null,"state":"unknown"}`,
		"nan":    `{"value":null,"state":"unknown"}`,
		"zero":   `{"value":0}`,
		"map": `{"rows":[
			{"name":"义马市","value":null,"state":"unknown","labels":{"incidents":"0"}},
			{"name":"渑池县","value":null,"state":"unknown","labels":{"incidents":"0"}},
			{"name":"湖滨区","value":0.5,"state":"bad","labels":{"incidents":"1"}},
			{"name":"陕州区","value":null,"state":"unknown","labels":{"incidents":"0"}},
			{"name":"灵宝市","value":1,"state":"bad","labels":{"incidents":"2"}},
			{"name":"卢氏县","value":null,"state":"unknown","labels":{"incidents":"0"}}],
			"points":[
			{"name":"市本级","value":null,"state":"unknown","labels":{"incidents":"0"},"coord":[111.2,34.79]},
			{"name":"经济开发区","value":1,"state":"ok","labels":{"incidents":"0"},"coord":[111.3,34.76]},
			{"name":"城乡一体化示范区","value":null,"state":"unknown","labels":{"incidents":"0"},"coord":[111.12,34.74]},
			{"name":"现代服务业开发区","value":null,"state":"unknown","labels":{"incidents":"0"},"coord":[111.17,34.7]}]}`,
		"worst": `{"rows":[{"name":"s1","value":0.5},{"name":"s2","value":1}]}`,
		"table": `{"rows":[{"name":"vm1","value":1,"labels":{"district":"湖滨区","kind":"agent","site":"s1"}},
			{"name":"vm2","value":0,"labels":{"district":"湖滨区","kind":"agent","site":"s1"}}]}`,
		"board": fmt.Sprintf(`{"rows":[
			{"id":%d,"severity":"warning","severity_name":"提示","title":"监控插件离线:vm2","district":"湖滨区","object":"vm2","since":%s,"acked_by":"张三"},
			{"id":%d,"severity":"critical","severity_name":"紧急","title":"链路中断:lb-t003-up","district":"灵宝市","object":"lb-t003-up","since":%s,"held":1}]}`,
			incs["C"].ID, evalTestTime(incs["C"].FirstFired), incs["A"].ID, evalTestTime(incs["A"].FirstFired)),
		"open": `{"value":3,"state":"bad","sub":[
			{"name":"紧急","value":1,"state":"bad","labels":{"severity":"critical"}},
			{"name":"重要","value":1,"state":"warn","labels":{"severity":"major"}},
			{"name":"次要","value":0,"state":"ok","labels":{"severity":"minor"}},
			{"name":"提示","value":1,"state":"ok","labels":{"severity":"warning"}}]}`,
		"mtta": `{"value":120,"sub":[{"name":"今日事件","value":4,"labels":{"format":"number"}},{"name":"已确认","value":1,"labels":{"format":"number"}}]}`,
		"mttr": `{"value":600,"sub":[{"name":"今日事件","value":4,"labels":{"format":"number"}},{"name":"已恢复","value":1,"labels":{"format":"number"}}]}`,
		"duty": `{"people":[{"name":"张三","roster":"网络值班","phone":"138****0001","until":` + string(until) + `}],"watch":"重保期:国庆"}`,
	}
	assert.Equal(t, 1, pub.count["t"], "one publish for the round")
	assert.Equal(t, evalTestAt, pub.at["t"])
	assert.Len(t, pub.panels["t"], len(want))
	for id, w := range want {
		assert.JSONEq(t, w, pub.panel("t", id), id)
	}
}

func TestEvaluatorNeedsFeeds(t *testing.T) {
	defs := evalTestLoad(t, evalTestScene)
	_, err := New(Options{Scenes: defs})
	require.ErrorContains(t, err, "Publish is required")
	_, err = New(Options{Publish: newEvalTestPublished().publish})
	require.ErrorContains(t, err, "no scenes")
	_, err = New(Options{Scenes: defs, Publish: newEvalTestPublished().publish})
	require.ErrorContains(t, err, `panel "online" needs Query`)
	require.ErrorContains(t, err, `panel "board" needs Incidents`)
	require.ErrorContains(t, err, `panel "duty" needs Duty`)
	bad := append([]scene.Def(nil), defs...)
	bad[0].Panels = append([]scene.Panel{{ID: "x", Title: "x", Type: scene.PanelKPI, Grid: scene.Grid{W: 1, H: 1}, Query: "up"}}, bad[0].Panels...)
	_, err = New(Options{Scenes: bad, Publish: newEvalTestPublished().publish})
	require.ErrorContains(t, err, `overlaps panel "x"`, "scenes built in code are validated too")
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"13800000001": "138****0001", "": "", "12345": "****",
		"+86 13912345678": "+86****5678", "0398-2861234": "039****1234"} {
		assert.Equal(t, want, maskPhone(in), in)
	}
}
