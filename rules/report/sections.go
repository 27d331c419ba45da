package report

import (
	"math"
	"strconv"
	"strings"

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
	off := table{title: "离线事件及修复用时", pdfMax: pdfRows, sheet: "插件在线率",
		cols: cols("云服务器", 4, "区县", 3, "系统", 3, "离线开始", 4, "恢复时间", 4, "修复用时", 3, "关联事件", 2, "原因", 4)}
	for _, o := range a.Offline {
		off.rows = append(off.rows, []cell{txt(o.Entity), txt(o.District), txt(o.System), when(o.Span.Start), until(o.Span.End),
			repairCell(o.Repair), txt(dash(o.Incident)), txt(o.Cause)})
	}
	p := "本月纳入统计的监控插件 " + itoa(a.Agents) + " 个，插件在线率 " + a.Rate.text() + "（目标 " + a.Target.text() +
		"），离线 " + itoa(len(a.Offline)) + " 次（跨零点相接的离线时段合并为一次）。"
	return section{sheet: "插件在线率", title: "二、插件在线率（R-A1）", paras: []string{p},
		charts: []chart{daily, byDistrict}, tables: []table{t, off}}
}

// repairCell: a spell not fixed has no repair time yet.
func repairCell(v Value) cell {
	if !v.Known {
		return txt("未恢复")
	}
	return val(v)
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// linkTable shows each indicator's compliance ratio per group.
func linkTable(title string, indicators []string, gs []LinkGroup) table {
	spec := []any{"分组", 3.5, "链路数", 1.8}
	for _, name := range indicators {
		spec = append(spec, name, 2.6)
	}
	t := table{title: title, cols: cols(append(spec, "违约次数", 1.8)...)}
	for _, g := range gs {
		row := []cell{txt(g.Name), count(g.Links)}
		for _, v := range g.Compliance {
			row = append(row, val(v))
		}
		t.rows = append(t.rows, append(row, count(g.Breaches)))
	}
	return t
}

// measuredTable shows the groups' measured values; only when some day
// carried Stats (the ledger otherwise holds seconds, not values).
func measuredTable(title string, indicators []string, gs []LinkGroup) (table, bool) {
	spec := []any{"分组", 3.5}
	for _, name := range indicators {
		spec = append(spec, strings.TrimSuffix(name, "达标率")+"（实测均值）", 2.6)
	}
	t, any := table{title: title, cols: cols(spec...)}, false
	for _, g := range gs {
		row := []cell{txt(g.Name)}
		for _, v := range g.Measured {
			row = append(row, val(v))
			any = any || v.Known
		}
		t.rows = append(t.rows, row)
	}
	return t, any
}

func limitCell(op string, v Value) cell {
	c := val(v)
	c.text = word(opWords, op) + " " + c.text
	return c
}

func (r Report) linkSection() section {
	l := r.Links
	c := chart{title: "各区县链路可用率", ratio: true}
	var vs []Value
	for _, g := range l.ByDistrict {
		c.labels = append(c.labels, g.Name)
		if len(g.Compliance) > 0 {
			vs = append(vs, g.Compliance[0])
		} else {
			vs = append(vs, Value{Kind: Ratio})
		}
	}
	c.values = series(vs)
	if len(l.Indicators) > 0 {
		c.title = "各区县" + l.Indicators[0]
	}
	b := table{title: "违约明细", pdfMax: pdfRows, sheet: "链路质量",
		cols: cols("链路", 3.4, "级别", 1.4, "区县", 2.4, "指标", 3.6, "开始", 3.2, "结束", 3.2, "持续", 2.2, "最差值", 2.2, "阈值", 2.6)}
	for _, x := range l.Breaches {
		b.rows = append(b.rows, []cell{txt(x.Link), txt(x.Level), txt(x.District), txt(x.SLI), when(x.Span.Start), until(x.Span.End),
			spanLen(x.Span), val(x.Worst), limitCell(x.Op, x.Limit)})
	}
	p := "按级别与区县统计各链路指标的达标率（达标时长 ÷（达标 + 不达标时长））；本月违约共 " + itoa(len(l.Breaches)) +
		" 次（跨零点相接的合并为一次），全部列于违约明细。"
	tables := []table{linkTable("按级别", l.Indicators, l.ByLevel), linkTable("按区县", l.Indicators, l.ByDistrict)}
	if m, ok := measuredTable("实测值（按级别）", l.Indicators, l.ByLevel); ok {
		tables = append(tables, m)
	}
	return section{sheet: "链路质量", title: "三、链路质量（R-B1…R-B6）", paras: []string{p}, charts: []chart{c},
		tables: append(tables, b)}
}

func incidentTable(title string, list []IncidentSummary) table {
	t := table{title: title, cols: cols("编号", 2, "标题", 7, "级别", 1.5, "区县", 2.5, "发生时间", 4, "确认时间", 4, "恢复时间", 4)}
	for _, w := range list {
		t.rows = append(t.rows, []cell{txt(w.ID), txt(w.Title), txt(word(severityWords, w.Severity)), txt(w.District), when(w.Opened), when(w.Acked), until(w.Resolved)})
	}
	return t
}

func (r Report) incidentSection() section {
	in := r.Incidents
	c := chart{title: "各级别事件数（根事件）"}
	sev := table{title: "按级别统计（根事件）", cols: cols("级别", 2, "事件数", 2, "已确认", 2, "平均响应时长", 3.5, "已恢复", 2, "平均修复时长", 3.5)}
	for _, s := range in.BySeverity {
		c.labels = append(c.labels, word(severityWords, s.Severity))
		c.values = append(c.values, float64(s.Count))
		sev.rows = append(sev.rows, []cell{txt(word(severityWords, s.Severity)), count(s.Count), count(s.Acked), val(s.MTTA), count(s.Resolved), val(s.MTTR)})
	}
	p := "本月发生故障事件 " + itoa(in.Total) + " 起，其中因上级故障抑制 " + itoa(in.Suppressed) + " 起（不计入平均时长）。根事件平均响应时长（MTTA）" +
		in.MTTA.text() + "，平均修复时长（MTTR）" + in.MTTR.text() + "；未恢复 " + itoa(len(in.Open)) + " 起。"
	var tables []table
	if len(in.Availability) > 0 {
		av := table{title: "服务与设备可用率", cols: cols("指标 · 系统", 6, "对象数", 2, "可用率", 3, "无数据时长", 3)}
		for _, g := range in.Availability {
			av.rows = append(av.rows, []cell{txt(g.Name), count(g.Entities), val(g.Rate), secs(g.Tally.UnknownS)})
		}
		tables = append(tables, av)
	}
	tables = append(tables, sev, incidentTable("影响最大的事件", in.Worst), incidentTable("未恢复事件", in.Open))
	return section{sheet: "事件统计", title: "四、可用率与事件统计（R-A4）", paras: []string{p}, charts: []chart{c}, tables: tables}
}

func usageTable(title string, us []Usage) table {
	t := table{title: title, cols: cols("名称", 5, "云服务器数", 2, "CPU平均", 3, "CPU峰值", 3, "内存平均", 3, "磁盘使用率", 3)}
	for _, u := range us {
		t.rows = append(t.rows, []cell{txt(u.Name), count(u.VMs), val(u.CPU), val(u.CPUPeak), val(u.Memory), val(u.Disk)})
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
	p := "纳入统计的云服务器 " + itoa(rs.VMs) + " 台。判定标准：" + rs.Thresholds + rs.findingsParagraph()
	tables := []table{usageTable("按区县", rs.ByDistrict), usageTable("按系统", rs.BySystem), rs.findingsTable()}
	if len(rs.FollowUp.Done) > 0 {
		tables = append(tables, rs.doneTable())
	}
	return section{sheet: "资源使用", title: "五、资源使用情况（R-A2）", paras: []string{p}, charts: []chart{c}, tables: tables}
}

// footer is the line every PDF page and the web page carry; a provisional
// report says so on every page.
func (r Report) footer() string {
	f := "生成时间 " + cst.FormatTime(r.GeneratedAt) + " · 输入校验 SHA-256 " + dash(r.InputSHA256)
	if r.Provisional() {
		f = provisionalWords + " · " + f
	}
	return f
}

// title is the report's title, marked when the month is not frozen yet.
func (r Report) title() string {
	if r.Provisional() {
		return "月度SLA服务报告（" + provisionalWords + "）"
	}
	return "月度SLA服务报告"
}
