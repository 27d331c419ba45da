package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// loadScenes reads the shipped scenes (dashboards/screens/*.yaml) for their
// layout only: the data below is made up, the queries are never run (nor
// checked: the devserver links no Prometheus).
func loadScenes(fsys fs.FS) ([]scene.Def, error) {
	return scene.Load(fsys, "screens/*.yaml", nil)
}

var (
	districts = []string{"市本级", "湖滨区", "陕州区", "义马市", "渑池县", "卢氏县", "灵宝市", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}
	zones     = map[string][]float64{"经济开发区": {111.13, 34.74}, "城乡一体化示范区": {111.25, 34.74}, "现代服务业开发区": {111.21, 34.80}}
	sites     = []string{"湖滨区政务服务中心", "陕州区大营镇", "灵宝市函谷关镇", "卢氏县官道口镇", "渑池县仰韶镇", "义马市千秋路街道", "天鹅湖景区东门", "大数据中心机房A", "市民之家", "高庙乡便民中心"}
	links     = []string{"湖滨区-交口乡", "陕州区-张茅乡", "灵宝市-阳平镇", "卢氏县-狮子坪乡", "渑池县-段村乡", "义马市-泉鑫街道", "市级-灵宝市", "市级-卢氏县"}
	systems   = []string{"政务服务网", "一网通办", "城市大脑", "视频共享平台", "电子证照", "公积金系统", "12345热线", "不动产登记"}
	clusters  = []string{"政务云集群A", "政务云集群B", "大数据集群", "灾备集群"}
)

func namesFor(label string) []string {
	switch label {
	case "site":
		return sites
	case "link":
		return links
	case "system":
		return systems
	case "cluster":
		return clusters
	}
	return districts
}

// world makes believable values: within the panel's thresholds when it has
// some, so every state colour shows up now and then.
type world struct {
	rnd *rand.Rand
	now func() time.Time
}

func (w *world) between(lo, hi float64) float64 { return lo + w.rnd.Float64()*(hi-lo) }

func (w *world) value(pd scene.Panel) float64 {
	if len(pd.Thresholds) > 0 {
		lo, hi := pd.Thresholds[0].Value, pd.Thresholds[len(pd.Thresholds)-1].Value
		if lo > hi {
			lo, hi = hi, lo
		}
		v := w.between(lo-(hi-lo)*0.6, hi+(hi-lo)*0.8)
		if pd.Format == "percent" {
			v = min(1, max(0, v))
		}
		if pd.Format == "number" {
			v = float64(int(max(0, v)))
		}
		return v
	}
	switch pd.Format {
	case "percent":
		return w.between(0.3, 0.9)
	case "duration":
		return float64(int(w.between(120, 3600)))
	case "seconds":
		return w.between(0.002, 0.06)
	}
	return float64(int(w.between(0, 1500)))
}

func ptr(v float64) *float64 { return &v }

func (w *world) panel(pd scene.Panel) any {
	switch pd.Type {
	case scene.PanelKPI, scene.PanelGauge:
		return w.kpi(pd)
	case scene.PanelMap:
		return w.mapData(pd)
	case scene.PanelRanking, scene.PanelTable:
		return w.rows(pd)
	case scene.PanelBoard:
		return w.board()
	case scene.PanelDuty:
		return w.duty()
	case scene.PanelTopology:
		return w.topology()
	}
	return nil
}

func (w *world) kpi(pd scene.Panel) scene.KPIData {
	if pd.Source != "incident_stats" || pd.Format != "number" {
		return scene.KPIData{Value: ptr(w.value(pd))}
	}
	var d scene.KPIData
	total := 0.0
	for _, sev := range []string{"紧急", "重要", "次要", "提示"} {
		n := float64(w.rnd.IntN(6))
		total += n
		d.Sub = append(d.Sub, scene.Row{Name: sev, Value: ptr(n)})
	}
	d.Value = &total
	return d
}

func (w *world) mapData(pd scene.Panel) scene.RowsData {
	var d scene.RowsData
	for _, n := range districts {
		r := scene.Row{Name: n, Value: ptr(w.value(pd))}
		if c, ok := zones[n]; ok {
			r.Coord = c
			d.Points = append(d.Points, r)
			continue
		}
		d.Rows = append(d.Rows, r)
	}
	return d
}

func (w *world) rows(pd scene.Panel) scene.RowsData {
	names := namesFor(pd.Label)
	var d scene.RowsData
	for _, n := range names {
		r := scene.Row{Name: n, Value: ptr(w.value(pd))}
		if pd.Type == scene.PanelTable {
			r.Labels = map[string]string{"IPv4": fmt.Sprintf("%.1f ms", w.between(3, 30)), "IPv6": fmt.Sprintf("%.1f ms", w.between(3, 35))}
		}
		d.Rows = append(d.Rows, r)
	}
	sort.Slice(d.Rows, func(i, j int) bool {
		if pd.Sort == "asc" {
			return *d.Rows[i].Value < *d.Rows[j].Value
		}
		return *d.Rows[i].Value > *d.Rows[j].Value
	})
	if lim := pd.Limit; lim > 0 && lim < len(d.Rows) {
		d.Rows = d.Rows[:lim]
	}
	return d
}

// marshal encodes a panel's data as the evaluator would publish it.
func marshal(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // our own types: cannot fail
	}
	return b
}
