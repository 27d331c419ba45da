package report

import (
	"strings"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// securitySheet is the worksheet of 八、安全运营.
const securitySheet = "安全运营"

// securitySection lays out the security-risk report: the problems first,
// then the events, the vulnerabilities, the scans and the notices. A part
// whose source is not connected says 未接入 in one line.
func (r Report) securitySection() section {
	s := r.Security
	sec := section{sheet: securitySheet, title: "八、安全运营（R-A12）"}
	add := func(p string, ts ...table) {
		sec.paras = append(sec.paras, p)
		sec.tables = append(sec.tables, ts...)
	}
	if len(s.Findings) > 0 {
		t := table{title: "需关注事项", cols: cols("序号", 1, "内容", 14)}
		for i, f := range s.Findings {
			t.rows = append(t.rows, []cell{count(i + 1), txt(f)})
		}
		sec.tables = append(sec.tables, t)
	}
	add(s.eventParagraph(), s.eventTables()...)
	sec.charts = s.eventCharts()
	add(s.vulnParagraph(), s.vulnTables()...)
	add(s.scanParagraph())
	add(s.noticeParagraph(), s.noticeTables()...)
	return sec
}

func (s SecuritySection) eventParagraph() string {
	if !s.EventsOn {
		return "安全事件：未接入（未接入日志与安全事件存储），本月无安全事件记录可报。"
	}
	e := s.Events
	if e.Total == 0 {
		return "安全事件：本月未记录安全事件。"
	}
	var parts []string
	for _, c := range e.Classes {
		if c.Events > 0 {
			parts = append(parts, c.Word+" "+itoa(c.Events)+" 起")
		}
	}
	p := "安全事件：本月安全事件 " + itoa(e.Total) + " 起（" + strings.Join(parts, "、") + "），涉及区县 " + itoa(len(e.Districts)) + " 个"
	if len(e.TopSources) > 0 {
		p += "；事件最多的来源地址为 " + e.TopSources[0].IP + "（" + itoa(e.TopSources[0].Events) + " 起）"
	}
	return p + "。"
}

func (s SecuritySection) eventTables() []table {
	e := s.Events
	if !s.EventsOn || e.Total == 0 {
		return nil
	}
	byClass := table{title: "按类别", cols: cols("类别", 4, "事件数", 2, "占比", 2.6)}
	spec := []any{"区县", 3.4}
	for _, c := range e.Classes {
		byClass.rows = append(byClass.rows, []cell{txt(c.Word), count(c.Events), val(c.Share)})
		spec = append(spec, c.Word, 1.8)
	}
	byDistrict := table{title: "按区县", cols: cols(append(spec, "合计", 1.6)...)}
	for _, d := range e.Districts {
		row := []cell{txt(d.Name)}
		for _, n := range d.ByClass {
			row = append(row, count(n))
		}
		byDistrict.rows = append(byDistrict.rows, append(row, count(d.Total)))
	}
	top := table{title: "主要来源地址（前10）", cols: cols("序号", 1, "来源地址", 4, "事件数", 2, "类别", 8)}
	for i, x := range e.TopSources {
		top.rows = append(top.rows, []cell{count(i + 1), txt(x.IP), count(x.Events), txt(strings.Join(x.Classes, "、"))})
	}
	return []table{byClass, byDistrict, top}
}

// eventCharts are the events per class and per district, as bars.
func (s SecuritySection) eventCharts() []chart {
	e := s.Events
	if !s.EventsOn || e.Total == 0 {
		return nil
	}
	byClass, byDistrict := chart{title: "各类安全事件数"}, chart{title: "各区县安全事件数"}
	for _, c := range e.Classes {
		byClass.labels, byClass.values = append(byClass.labels, c.Word), append(byClass.values, float64(c.Events))
	}
	for _, d := range e.Districts {
		byDistrict.labels, byDistrict.values = append(byDistrict.labels, d.Name), append(byDistrict.values, float64(d.Total))
	}
	return []chart{byClass, byDistrict}
}

func (s SecuritySection) vulnParagraph() string {
	if !s.VulnsOn {
		return "漏洞管理：未接入（未启用漏洞与通报管理），本月无漏洞记录可报。"
	}
	t := s.Vulns.Total
	return "漏洞管理：截至 " + cst.FormatTime(s.Vulns.AsOf) + "，未修复漏洞 " + itoa(t.Open) + " 项，其中逾期未修复 " + itoa(t.Overdue) +
		" 项；本月修复 " + itoa(t.Fixed) + " 项，接受风险 " + itoa(t.Accepted) + " 项。未修复漏洞存在时长：7天以内 " + itoa(t.Under7) +
		" 项，7–30天 " + itoa(t.Days7To30) + " 项，30–90天 " + itoa(t.Days30To90) + " 项，90天以上 " + itoa(t.Over90) + " 项。"
}

func (s SecuritySection) vulnTables() []table {
	if !s.VulnsOn {
		return nil
	}
	t := table{title: "漏洞（按级别）", cols: cols("级别", 2, "未修复", 1.6, "<7天", 1.4, "7–30天", 1.6, "30–90天", 1.6,
		"≥90天", 1.4, "逾期未修复", 2, "本月修复", 1.8, "接受风险", 1.8)}
	for _, v := range append(append([]VulnRow{}, s.Vulns.Severities...), s.Vulns.Total) {
		t.rows = append(t.rows, []cell{txt(v.Word), count(v.Open), count(v.Under7), count(v.Days7To30), count(v.Days30To90),
			count(v.Over90), count(v.Overdue), count(v.Fixed), count(v.Accepted)})
	}
	return []table{t}
}

func (s SecuritySection) scanParagraph() string {
	if !s.VulnsOn {
		return "漏洞扫描：未接入。"
	}
	c := s.Scans
	p := "漏洞扫描：本月导入漏洞扫描 " + itoa(c.Month) + " 次。"
	switch {
	case c.Missing:
		return p + c.Quarter + "未开展漏洞扫描，不符合每季度扫描一次的要求。"
	case c.QuarterScans == 0:
		return p + c.Quarter + "尚未开展漏洞扫描，须于季度末前完成。"
	}
	return p + c.Quarter + "已开展漏洞扫描 " + itoa(c.QuarterScans) + " 次。"
}

func (s SecuritySection) noticeParagraph() string {
	if !s.VulnsOn {
		return "监管通报：未接入。"
	}
	n := s.Notices
	if n.Received == 0 {
		return "监管通报：本月未收到监管通报。"
	}
	p := "监管通报：本月收到 " + itoa(n.Received) + " 件，已答复 " + itoa(n.Answered) + " 件"
	if n.Answered > 0 {
		p += "（平均用时 " + n.Avg.text() + "，最长 " + n.Max.text() + "）"
	}
	return p + "，未答复 " + itoa(n.Unanswered) + " 件；超过 24 小时（答复超时或超时仍未答复）" + itoa(n.Late) +
		" 件。用时为收到至答复，未答复的计至报告生成时。"
}

func (s SecuritySection) noticeTables() []table {
	if !s.VulnsOn || len(s.Notices.Notices) == 0 {
		return nil
	}
	t := table{title: "监管通报明细", cols: cols("通报标题", 5, "发文单位", 3, "收到时间", 3.6, "答复时间", 3.6, "用时", 2.4, "超过24小时", 1.8)}
	for _, x := range s.Notices.Notices {
		answered := txt("未答复")
		if x.Answered {
			answered = when(x.RespondedAt)
		}
		late := "否"
		if x.Late {
			late = "是"
		}
		t.rows = append(t.rows, []cell{txt(x.Title), txt(dash(x.Issuer)), when(x.ReceivedAt), answered, val(x.Took), txt(late)})
	}
	return []table{t}
}

// securityMethods is the methods paragraph of the section.
func securityMethods() Paragraph {
	return Paragraph{"安全运营", "安全事件为日志与陷阱中带安全类别的事件：防火墙拒绝、入侵检测/防御、Web应用防火墙、病毒防护、登录失败、提权操作、配置变更、新增管理员；" +
		"防火墙会话、地址转换与登录成功只保存、不计入。区县取发送设备在资产清单中的区县，不属于清单设备的记为未知区县；来源地址按事件数列前 10 个。" +
		"漏洞以月末（本月报告为生成时）的状态计：此前发现、尚未修复也未接受风险的为未修复，存在时长自首次发现起算；修复期限为紧急、高危 7 天，中危 30 天，低危 90 天，超过即为逾期。" +
		"每个自然季度（北京时间）应至少导入一次漏洞扫描，季度结束仍无扫描即为问题。监管通报应在收到后 24 小时内答复，用时为收到至答复，未答复的计至报告生成时。" +
		"安全事件、漏洞与通报在生成报告时读取，不随账期冻结；未接入的数据源记为“未接入”，不以 0 代替。"}
}
