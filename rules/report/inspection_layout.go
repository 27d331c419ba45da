package report

import (
	"math"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// The inspection report uses the monthly report's layout (sections of
// paragraphs and typed-cell tables), so its HTML and PDF say the same thing.

// sections lays the inspection report out in the order of R-A10.
func (in *Inspection) sections() []section {
	return []section{in.overviewSection(), in.systemSection(), in.changeSection(),
		in.trendSection(), in.incidentSection(), in.scenicSection(), in.cloudSection(), in.noteSection()}
}

// usagePct shows a usage ratio with two decimals, truncated like every
// percentage here: 0.89996 is 89.99 %, never a water level of 90.00 %.
func usagePct(v float64) string {
	return strconv.FormatFloat(math.Floor(v*1e4+1e-7)/100, 'f', 2, 64) + "%"
}

// fraction is "online/total", right-aligned like a number.
func fraction(n, total int) cell {
	return cell{kind: cInt, text: itoa(n) + "/" + itoa(total), num: float64(n)}
}

func severityCells(counts [4]int) []cell {
	out := make([]cell, len(counts))
	for i, n := range counts {
		out[i] = count(n)
	}
	return out
}

func (in *Inspection) overviewSection() section {
	t := table{title: "各区县状态", cols: cols("区县", 4, "插件在线/总数", 3, "插件在线率", 3, "链路正常/总数", 3,
		"冗余降级", 2, "冗余中断", 2, "紧急", 1.5, "重要", 1.5, "次要", 1.5, "提示", 1.5)}
	for _, g := range append(append([]StatusGroup{}, in.ByDistrict...), in.Total) {
		row := []cell{txt(g.Name), fraction(g.AgentsOnline, g.Agents), val(g.AgentRate), fraction(g.LinksUp, g.Links),
			count(g.RedundancyDegraded), count(g.RedundancyDown)}
		t.rows = append(t.rows, append(row, severityCells(g.OpenBySeverity)...))
	}
	return section{title: "一、总体情况", paras: []string{in.summary()}, tables: []table{t}}
}

func (in *Inspection) summary() string {
	g := in.Total
	other := len(in.Unresolved)
	for _, n := range g.OpenBySeverity {
		other -= n
	}
	unknown := ""
	if other > 0 {
		unknown = "、级别不明 " + itoa(other)
	}
	return "巡检日期 " + in.Date + "，生成时间 " + cst.FormatTime(in.GeneratedAt) + "。监控插件 " + itoa(g.Agents) +
		" 个，在线 " + itoa(g.AgentsOnline) + " 个，插件在线率 " + g.AgentRate.text() + "；链路 " + itoa(g.Links) +
		" 条，正常 " + itoa(g.LinksUp) + " 条，冗余降级 " + itoa(g.RedundancyDegraded) + " 条、冗余中断 " +
		itoa(g.RedundancyDown) + " 条；未恢复事件 " + itoa(len(in.Unresolved)) + " 起（紧急 " + itoa(g.OpenBySeverity[0]) + "、重要 " +
		itoa(g.OpenBySeverity[1]) + "、次要 " + itoa(g.OpenBySeverity[2]) + "、提示 " + itoa(g.OpenBySeverity[3]) +
		unknown + "）。较昨日变化 " + itoa(len(in.Changes)) + " 项，水位预警 " + itoa(len(in.Trends)) + " 项。"
}

func (in *Inspection) systemSection() section {
	t := table{cols: cols("系统", 6, "插件在线/总数", 3, "插件在线率", 3, "紧急", 1.5, "重要", 1.5, "次要", 1.5, "提示", 1.5)}
	for _, g := range in.BySystem {
		row := []cell{txt(g.Name), fraction(g.AgentsOnline, g.Agents), val(g.AgentRate)}
		t.rows = append(t.rows, append(row, severityCells(g.OpenBySeverity)...))
	}
	p := "按业务系统统计监控插件在线情况与未恢复事件（链路不属于单一系统，见第一节）。"
	return section{title: "二、各系统状态", paras: []string{p}, tables: []table{t}}
}

func (in *Inspection) changeSection() section {
	t := table{cols: cols("变化", 3, "对象", 5, "区县", 3, "说明", 7, "时间", 4)}
	for _, c := range in.Changes {
		t.rows = append(t.rows, []cell{txt(word(changeWords, c.Kind)), txt(c.Entity), txt(c.District), txt(c.Detail), when(c.At)})
	}
	p := "对比今日与昨日同一时刻的状态快照，并列出 " + cst.FormatTime(in.GeneratedAt.Add(-24*time.Hour)) + " 至 " +
		cst.FormatTime(in.GeneratedAt) + " 新发与恢复的事件。"
	return section{title: "三、较昨日变化", paras: []string{p}, tables: []table{t}}
}

func (in *Inspection) trendSection() section {
	t := table{cols: cols("对象", 4.5, "区县", 3, "指标", 2.5, "当前水位", 2.5, "阈值", 2, "日均增长", 2.5, "剩余天数", 2, "预计到达日期", 3.5)}
	for _, tr := range in.Trends {
		t.rows = append(t.rows, []cell{txt(tr.Entity), txt(tr.District), txt(metricWords[tr.Metric]),
			{kind: cValue, text: usagePct(tr.Current), num: tr.Current}, {kind: cValue, text: usagePct(tr.Threshold), num: tr.Threshold},
			{kind: cValue, text: slopeText(tr.Slope), num: tr.Slope}, daysLeft(tr), forecastDate(tr)})
	}
	p := "水位预测：取每个对象最近若干天的日数据做最小二乘线性拟合，求拟合直线首次达到阈值的日期（磁盘使用率阈值 " +
		usagePct(in.Thresholds[MetricDisk]) + "，带宽利用率阈值 " + usagePct(in.Thresholds[MetricBandwidth]) +
		"）；剩余天数自最近一天数据起算。列出已超过阈值或 " + itoa(in.HorizonDays) + " 天内将达到阈值的对象。共评估 " +
		itoa(in.Checked) + " 个序列，其中 " + itoa(in.FewPoints) + " 个不足 " + itoa(minForecastPoints) + " 天数据，未做预测。"
	return section{title: "四、水位趋势（磁盘与带宽）", paras: []string{p}, tables: []table{t}}
}

// slopeText is the fitted change per day in percentage points.
func slopeText(s float64) string {
	return strconv.FormatFloat(math.Round(s*1e4)/100, 'f', 2, 64) + "%/天"
}

func daysLeft(tr Trend) cell {
	if tr.Status == TrendPast {
		return txt("已超过")
	}
	return count(tr.DaysLeft)
}

func forecastDate(tr Trend) cell {
	if tr.Status == TrendPast {
		return txt("—")
	}
	return txt(tr.Forecast.In(cst.Location).Format("2006-01-02"))
}

func (in *Inspection) incidentSection() section {
	// widths in mm of the PDF body: an ID and a time must fit on one line
	t := table{cols: cols("编号", 30, "标题", 35, "级别", 11, "区县", 19, "发生时间", 33, "已持续", 17, "确认时间", 33)}
	for _, o := range in.Unresolved {
		ack := txt("未确认")
		if !o.Acked.IsZero() {
			ack = when(o.Acked)
		}
		t.rows = append(t.rows, []cell{txt(o.ID), txt(o.Title), txt(word(severityWords, o.Severity)), txt(o.District),
			when(o.Opened), secs(int64(o.Age.Seconds())), ack})
	}
	p := "截至生成时间仍未恢复的事件 " + itoa(len(in.Unresolved)) + " 起，按级别从高到低、发生时间从早到晚排列。"
	return section{title: "五、未恢复事件", paras: []string{p}, tables: []table{t}}
}

func (in *Inspection) noteSection() section {
	if len(in.Notes) == 0 {
		return section{title: "八、数据说明", paras: []string{"本次巡检的输入数据完整，无剔除项。"}}
	}
	t := table{cols: cols("序号", 1, "说明", 14)}
	for i, n := range in.Notes {
		t.rows = append(t.rows, []cell{count(i + 1), txt(n)})
	}
	p := "以下输入数据有误，已剔除或按说明处理，其余内容不受影响。"
	return section{title: "八、数据说明", paras: []string{p}, tables: []table{t}}
}
