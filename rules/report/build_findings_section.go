package report

import (
	"strconv"
	"strings"
)

// The findings part of 五、资源使用情况: each finding with its action, spec,
// target, saving and follow-up state; the recommendations proved done; and
// the totals in a paragraph.

// findingsTable lists the month's findings.
func (rs ResourceSection) findingsTable() table {
	f := table{title: "闲置与低效资源及建议", pdfMax: pdfRows, sheet: "资源使用", cols: cols("云服务器", 3.1, "系统", 2,
		"CPU平均", 2.8, "CPU峰值", 2.8, "内存平均", 2.8, "结论·建议", 2, "现规格", 2.4, "目标规格", 2.4, "节省(元/月)", 1.7, "状态", 1.4, "依据", 4.8)}
	for _, x := range rs.Findings {
		f.rows = append(f.rows, []cell{txt(x.VM), txt(x.System), val(x.CPU), val(x.CPUPeak), val(x.Memory),
			txt(strings.TrimSuffix(word(classWords, x.Class), "资源") + "·" + word(recommendationWords, x.Recommendation)),
			txt(dash(x.Price.Spec)), txt(dash(x.Price.Target)),
			yuanCell(x.Price), txt(rs.FollowUp.State(x)), txt(reasonText(x))})
	}
	return f
}

// doneTable lists the recommendations the data proved carried out.
func (rs ResourceSection) doneTable() table {
	d := table{title: "已处理建议及累计节省", pdfMax: pdfRows, sheet: "资源使用", cols: cols("云服务器", 3.2, "系统", 2.5, "建议", 1.5,
		"原规格", 2, "目标规格", 2, "处理月份", 2, "节省(元/月)", 2.2, "累计节省(元)", 2.4)}
	for _, x := range rs.FollowUp.Done {
		d.rows = append(d.rows, []cell{txt(x.VM), txt(x.System), txt(word(recommendationWords, x.Recommendation)), txt(dash(x.Spec)),
			txt(dash(x.Target)), txt(x.Month), count(x.Yuan), count(x.SavedYuan)})
	}
	return d
}

func yuanCell(p Pricing) cell {
	if !p.Known {
		return txt("无法计价")
	}
	return count(p.Yuan)
}

// reasonText is the reason, and why there is no price where there is none.
func reasonText(f Finding) string {
	if f.Price.Note != "" {
		return f.Reason + "（" + f.Price.Note + "）"
	}
	return f.Reason
}

// findingsParagraph is the totals of the findings and their follow-up.
func (rs ResourceSection) findingsParagraph() string {
	idle := 0
	for _, x := range rs.Findings {
		if x.Class == "idle" {
			idle++
		}
	}
	p := "本月发现闲置资源 " + itoa(idle) + " 台、低效资源 " + itoa(len(rs.Findings)-idle) + " 台，逐台给出建议；按合同价格表，" +
		"可计价的 " + itoa(rs.Savings.Priced) + " 条建议全部落实每月可节省 " + yuan(rs.Savings.Yuan) + "。"
	if rs.Savings.Unpriced > 0 {
		p += "另有 " + itoa(rs.Savings.Unpriced) + " 条因规格缺失或不在价格表中无法计价。"
	}
	u := rs.FollowUp
	if !u.Tracked {
		return p + "建议未纳入跟踪。"
	}
	return p + "截至本月末，待落实（待处理、已通知）建议 " + itoa(u.Open) + " 条，涉及每月 " + yuan(u.OpenYuan) + "；经数据核实已处理 " +
		itoa(len(u.Done)) + " 条，每月节省 " + yuan(u.DoneYuan) + "，自处理当月起累计节省 " + yuan(u.SavedYuan) + "；不采纳 " + itoa(u.Rejected) + " 条。"
}

func yuan(n int) string { return strconv.Itoa(n) + " 元" }
