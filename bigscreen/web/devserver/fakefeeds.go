package main

import (
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

var incidents = []struct {
	sev, name, title, district, object string
}{
	{"critical", "紧急", "乡镇上联链路中断：交口乡", "湖滨区", "交口乡-汇聚交换机 GE0/0/1"},
	{"major", "重要", "互联网出口带宽利用率超过90%", "市本级", "电信出口 10G"},
	{"major", "重要", "云服务器监控插件离线", "灵宝市", "lb-gov-app-07"},
	{"minor", "次要", "链路丢包率超过1%", "卢氏县", "卢氏县-狮子坪乡"},
	{"critical", "紧急", "摄像机离线（天鹅湖景区东门 3 路）", "湖滨区", "天鹅湖景区东门"},
	{"minor", "次要", "磁盘使用率超过85%", "陕州区", "smx-db-02 /data"},
	{"warning", "提示", "视频质量诊断：画面冻结", "渑池县", "仰韶广场-枪机02"},
	{"major", "重要", "冗余降级：县级双上联仅剩一条", "义马市", "义马市-核心路由器"},
	{"minor", "次要", "机房动环：温度偏高 29℃", "市本级", "大数据中心机房A"},
	{"warning", "提示", "LED屏离线", "经济开发区", "开发区管委会门口 LED屏"},
	{"major", "重要", "数据库连接数接近上限", "市本级", "一网通办 PostgreSQL"},
	{"minor", "次要", "时延超过50ms", "灵宝市", "灵宝市-阳平镇"},
}

// board rotates the open incidents a little on every call, so the board
// moves, and ages them from a fixed start.
func (w *world) board() scene.BoardData {
	now := w.now()
	var d scene.BoardData
	skip := w.rnd.IntN(3)
	for i, in := range incidents[skip:] {
		r := scene.BoardRow{
			ID: int64(100 + i), Severity: in.sev, SeverityName: in.name, Title: in.title,
			District: in.district, Object: in.object, Since: now.Add(-time.Duration(7*i*i+3) * time.Minute),
		}
		if i%3 == 1 {
			r.AckedBy = "张伟"
		}
		if i == 0 {
			r.Held = 14
		}
		d.Rows = append(d.Rows, r)
	}
	return d
}

func (w *world) duty() scene.DutyData {
	end := w.now().Truncate(time.Hour).Add(5 * time.Hour)
	return scene.DutyData{
		Watch: "重保期：全市重点保障期（每日 08:00–22:00）",
		People: []scene.DutyPerson{
			{Name: "张伟", Roster: "网络值班（一线）", Phone: "138****0001", Until: end},
			{Name: "李娜", Roster: "政务云值班（一线）", Phone: "139****2231", Until: end},
			{Name: "王强", Roster: "二线专家", Phone: "137****8890", Until: end.Add(12 * time.Hour)},
			{Name: "赵敏", Roster: "值班长", Phone: "136****4512", Until: end.Add(19 * time.Hour)},
		},
	}
}

var counties = []string{"湖滨区", "陕州区", "义马市", "渑池县", "卢氏县", "灵宝市", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

// topology draws the four levels as the evaluator folds them: the city core,
// every county, a few towns each, villages as one aggregate per county.
func (w *world) topology() scene.TopologyData {
	d := scene.TopologyData{Nodes: []scene.TopoNode{{ID: "core", Name: "市级核心", Level: "city", State: "ok"}}}
	for i, c := range counties {
		cid := fmt.Sprintf("c%d", i)
		d.Nodes = append(d.Nodes, scene.TopoNode{ID: cid, Name: c, Level: "county", State: w.state()})
		d.Links = append(d.Links, w.link("core", cid), w.link("core", cid))
		tid := fmt.Sprintf("t%d", i)
		d.Nodes = append(d.Nodes, scene.TopoNode{ID: tid, Name: c + "乡镇", Level: "town", State: w.state(), Count: 5 + i})
		d.Links = append(d.Links, w.link(cid, tid))
		vid := fmt.Sprintf("v%d", i)
		d.Nodes = append(d.Nodes, scene.TopoNode{ID: vid, Name: c + "村级", Level: "village", State: w.state(), Count: 30 + 7*i})
		d.Links = append(d.Links, w.link(tid, vid))
	}
	return d
}

func (w *world) state() string {
	switch n := w.rnd.IntN(20); {
	case n == 0:
		return "bad"
	case n < 3:
		return "warn"
	case n == 3:
		return "unknown"
	}
	return "ok"
}

func (w *world) link(a, b string) scene.TopoLink {
	st := map[string]string{"ok": "ok", "warn": "degraded", "bad": "down", "unknown": "unknown"}[w.state()]
	l := scene.TopoLink{Source: a, Target: b, State: st}
	if st != "unknown" {
		l.Util = ptr(w.between(0.05, 0.95))
	}
	return l
}
