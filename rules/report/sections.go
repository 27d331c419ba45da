package report

import (
	"math"
	"strconv"

	"github.com/swanwatch/swanwatch/internal/cst"
)

func itoa(n int) string { return strconv.Itoa(n) }

// series turns Values into chart values: unknown is NaN (no bar), never zero.
func series(vs []Value) []float64 {
	out := make([]float64, len(vs))
	for i, v := range vs {
		out[i] = math.NaN()
		if v.Known {
			out[i] = v.V
		}
	}
	return out
}

func (r Report) agentSection() section {
	a := r.Agents
	daily := chart{title: "每日插件在线率", line: true, ratio: true, target: a.Target.V}
	var dv []Value
	for _, d := range a.Daily {
		daily.labels = append(daily.labels, d.Date[len(d.Date)-5:])
		dv = append(dv, d.Rate)
	}
	daily.values = series(dv)
	byDistrict := chart{title: "各区县插件在线率", ratio: true, target: a.Target.V}
	t := table{title: "各区县插件在线率", cols: cols("区县", 4, "插件数", 2, "在线率", 3, "在线时长（合计）", 3, "离线时长（合计）", 3, "无数据时长（合计）", 3)}
	var gv []Value
	for _, g := range a.ByDistrict {
		byDistrict.labels = append(byDistrict.labels, g.Name)
		gv = append(gv, g.Rate)
		t.rows = append(t.rows, []cell{txt(g.Name), count(g.Entities), val(g.Rate), secs(g.Tally.GoodS), secs(g.Tally.BadS), secs(g.Tally.UnknownS)})
	}
	byDistrict.values = series(gv)
	off := table{title: "离线事件及修复用时", cols: cols("云服务器", 4, "区县", 3, "系统", 3, "离线开始", 4, "恢复时间", 4, "修复用时", 3, "原因", 4)}
	for _, o := range a.Offline {
		off.rows = append(off.rows, []cell{txt(o.Entity), txt(o.District), txt(o.System), when(o.Span.Start), until(o.Span.End), spanLen(o.Span), txt(o.Cause)})
	}
	p := "本月纳入统计的监控插件 " + itoa(a.Agents) + " 个，插件在线率 " + a.Rate.text() + "（目标 " + a.Target.text() +
		"），离线 " + itoa(len(a.Offline)) + " 次。"
	return section{sheet: "插件在线率", title: "二、插件在线率（R-A1）", paras: []string{p},
		charts: []chart{daily, byDistrict}, tables: []table{t, off}}
}

func linkTable(title string, gs []LinkGroup) table {
	t := table{title: title, cols: cols("分组", 4, "链路数", 2, "可用率", 3, "时延P99", 3, "丢包率", 3, "抖动", 2, "违约次数", 2)}
	for _, g := range gs {
		t.rows = append(t.rows, []cell{txt(g.Name), count(g.Links), val(g.Availability), val(g.LatencyP99), val(g.Loss), val(g.Jitter), count(g.Breaches)})
	}
	return t
}

func (r Report) linkSection() section {
	l := r.Links
	c := chart{title: "各区县链路可用率", ratio: true}
	var vs []Value
	for _, g := range l.ByDistrict {
		c.labels = append(c.labels, g.Name)
		vs = append(vs, g.Availability)
	}
	c.values = series(vs)
	b := table{title: "违约明细", cols: cols("链路", 4, "级别", 2, "区县", 3, "指标", 2, "开始", 4, "结束", 4, "持续", 3, "最差值", 3, "阈值", 3)}
	for _, x := range l.Breaches {
		b.rows = append(b.rows, []cell{txt(x.Link), txt(x.Level), txt(x.District), txt(x.SLI), when(x.Span.Start), until(x.Span.End), spanLen(x.Span), val(x.Worst), val(x.Limit)})
	}
	p := "按级别与区县统计链路质量；本月违约共 " + itoa(len(l.Breaches)) + " 次，全部列于违约明细。"
	return section{sheet: "链路质量", title: "三、链路质量（R-B1…R-B5）", paras: []string{p}, charts: []chart{c},
		tables: []table{linkTable("按级别", l.ByLevel), linkTable("按区县", l.ByDistrict), b}}
}

func (r Report) incidentSection() section {
	in := r.Incidents
	av := table{title: "可用率", cols: cols("系统", 5, "对象数", 2, "可用率", 3, "无数据时长", 3)}
	for _, g := range in.Availability {
		av.rows = append(av.rows, []cell{txt(g.Name), count(g.Entities), val(g.Rate), secs(g.Tally.UnknownS)})
	}
	c := chart{title: "各级别事件数"}
	sev := table{title: "按级别统计", cols: cols("级别", 3, "事件数", 2, "平均响应时长", 4, "平均修复时长", 4)}
	for _, s := range in.BySeverity {
		c.labels = append(c.labels, word(severityWords, s.Severity))
		c.values = append(c.values, float64(s.Count))
		sev.rows = append(sev.rows, []cell{txt(word(severityWords, s.Severity)), count(s.Count), val(s.MTTA), val(s.MTTR)})
	}
	worst := table{title: "影响最大的事件", cols: cols("编号", 4.5, "标题", 5.5, "级别", 1.5, "区县", 2.5, "发生时间", 4, "确认时间", 4, "恢复时间", 4)}
	for _, w := range in.Worst {
		worst.rows = append(worst.rows, []cell{txt(w.ID), txt(w.Title), txt(word(severityWords, w.Severity)), txt(w.District), when(w.Opened), when(w.Acked), until(w.Resolved)})
	}
	p := "平均响应时长（MTTA）" + in.MTTA.text() + "，平均修复时长（MTTR）" + in.MTTR.text() + "。"
	return section{sheet: "事件统计", title: "四、可用率与事件统计（R-A4）", paras: []string{p}, charts: []chart{c},
		tables: []table{av, sev, worst}}
}

func usageTable(title string, us []Usage) table {
	t := table{title: title, cols: cols("名称", 5, "云服务器数", 2, "CPU平均", 3, "CPU P95", 3, "内存平均", 3, "磁盘平均", 3)}
	for _, u := range us {
		t.rows = append(t.rows, []cell{txt(u.Name), count(u.VMs), val(u.CPU), val(u.CPUP95), val(u.Memory), val(u.Disk)})
	}
	return t
}

func (r Report) resourceSection() section {
	rs := r.Resources
	// Usage is far below 90 %: a zoomed ratio axis would mislead, so percent from zero.
	c := chart{title: "各区县CPU平均使用率（%）"}
	var vs []Value
	for _, u := range rs.ByDistrict {
		c.labels = append(c.labels, u.Name)
		vs = append(vs, u.CPU)
	}
	c.values = series(vs)
	for i := range c.values {
		c.values[i] *= 100
	}
	f := table{title: "闲置与低效资源及建议", cols: cols("云服务器", 4, "区县", 3, "系统", 3, "结论", 2, "CPU平均", 2.5, "内存平均", 2.5, "建议", 1.5, "依据", 6)}
	for _, x := range rs.Findings {
		f.rows = append(f.rows, []cell{txt(x.VM), txt(x.District), txt(x.System), txt(word(classWords, x.Class)), val(x.CPU), val(x.Memory), txt(word(recommendationWords, x.Recommendation)), txt(x.Reason)})
	}
	p := "判定标准：" + rs.Thresholds + " 本月发现闲置或低效云服务器 " + itoa(len(rs.Findings)) + " 台，逐台给出建议。"
	return section{sheet: "资源使用", title: "五、资源使用情况（R-A2）", paras: []string{p}, charts: []chart{c},
		tables: []table{usageTable("按区县", rs.ByDistrict), usageTable("按系统", rs.BySystem), f}}
}

// footer is the line every PDF page and the web page carry.
func (r Report) footer() string {
	return "生成时间 " + cst.FormatTime(r.GeneratedAt) + " · 输入校验 SHA-256 " + r.InputSHA256
}
