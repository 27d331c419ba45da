package report

// cloudSheet is the worksheet of 七、政务云平台.
const cloudSheet = "政务云平台"

// cloudSection lays out the government cloud platform: host failures and
// HA, the servers' hardware faults, backups, data exchange and the machine
// rooms. A part whose source is not connected says 未接入 in one line.
func (r Report) cloudSection() section {
	c := r.Cloud
	sec := section{sheet: cloudSheet, title: "七、政务云平台（R-A8、R-A9、R-C1）"}
	add := func(p string, ts ...table) {
		sec.paras = append(sec.paras, p)
		sec.tables = append(sec.tables, ts...)
	}
	add(c.haParagraph(), c.haTables()...)
	add(c.hardwareParagraph(), c.hardwareTables()...)
	add(c.Backups.paragraph("备份作业（R-A9）", "备份成功率"), c.Backups.tables("备份作业")...)
	add(c.Exchange.paragraph("数据交换作业（R-C1）", "数据交换成功率"), c.Exchange.tables("数据交换作业")...)
	add(c.roomParagraph(), c.roomTables()...)
	return sec
}

func (c CloudSection) haParagraph() string {
	if !c.HAOn {
		return "宿主机故障与HA（R-A9）：未接入（未配置虚拟化平台采集），本月无宿主机故障记录可报。"
	}
	h := c.HA
	if h.HostFailures == 0 {
		return "宿主机故障与HA（R-A9）：本月未发生宿主机故障。"
	}
	return "宿主机故障与HA（R-A9）：本月宿主机故障 " + itoa(h.HostFailures) + " 次，涉及云服务器 " + itoa(h.VMsAffected) +
		" 台：HA自动重启或迁移 " + itoa(h.RestartedByHA) + " 台（停机时长中位数 " + h.Median.text() + "，最长 " + h.Longest.text() +
		"），原机恢复 " + itoa(h.InPlace) + " 台，未恢复 " + itoa(h.NotRecovered) + " 台（HA重启失败、超时未恢复或手工恢复）；截至生成时仍未运行 " +
		itoa(h.StillDown) + " 台。停机时长为宿主机故障至云服务器重新运行的时间。"
}

func (c CloudSection) haTables() []table {
	if !c.HAOn || c.HA.HostFailures == 0 {
		return nil
	}
	f := table{title: "宿主机故障", cols: cols("宿主机", 3, "集群", 2.5, "类型", 2, "故障时间", 3.6, "主机恢复时间", 3.6,
		"云服务器数", 1.8, "HA恢复", 1.6, "未恢复", 1.6, "最长停机", 2.4)}
	for _, x := range c.HA.Failures {
		f.rows = append(f.rows, []cell{txt(x.Host), txt(dash(x.Cluster)), txt(hostFailureWord(x.Kind)), when(x.FailedAt),
			until(x.RecoveredAt), count(x.VMs), count(x.ByHA), count(x.NotBack), val(x.Longest)})
	}
	v := table{title: "云服务器恢复明细", pdfMax: pdfRows, sheet: cloudSheet, cols: cols("宿主机", 3, "云服务器", 3.4, "结果", 2.2,
		"恢复至宿主机", 3, "故障时间", 3.6, "恢复时间", 3.6, "停机时长", 2.4)}
	for _, x := range c.HA.VMs {
		v.rows = append(v.rows, []cell{txt(x.Host), txt(x.VM), txt(x.Outcome), txt(dash(x.ToHost)), when(x.FailedAt),
			until(x.BackAt), val(x.Downtime)})
	}
	return []table{f, v}
}

func hostFailureWord(kind string) string {
	if kind == "host_isolated" {
		return "宿主机隔离"
	}
	return "宿主机故障"
}

func (c CloudSection) hardwareParagraph() string {
	if !c.HardwareOn {
		return "服务器硬件（R-A9）：未接入（未配置带外管理采集）。"
	}
	servers := map[string]bool{}
	for _, f := range c.Hardware {
		servers[f.Server] = true
	}
	return "服务器硬件（R-A9）：本月硬件故障事件 " + itoa(c.HardwareIncidents) + " 起，涉及服务器 " + itoa(len(servers)) +
		" 台，按服务器与故障类别合并列出（含预测性故障等早期征兆；带外管理不可达不计为硬件故障）。"
}

func (c CloudSection) hardwareTables() []table {
	if len(c.Hardware) == 0 {
		return nil
	}
	t := table{title: "硬件故障", pdfMax: pdfRows, sheet: cloudSheet, cols: cols("服务器", 3, "机柜", 2, "类别", 4,
		"最高级别", 1.6, "事件数", 1.4, "未恢复", 1.4, "首次发生", 3.6, "最近发生", 3.6)}
	for _, f := range c.Hardware {
		t.rows = append(t.rows, []cell{txt(f.Server), txt(f.Rack), txt(f.Kind), txt(word(severityWords, f.Severity)),
			count(f.Count), count(f.Open), when(f.First), when(f.Last)})
	}
	return []table{t}
}

func (g JobGroup) paragraph(what, rate string) string {
	if !g.On {
		return what + "：未接入（未配置此类作业）。"
	}
	t := g.Total
	return what + "：本月 " + itoa(len(g.Jobs)) + " 个作业应执行 " + itoa(t.Expected) + " 次，按时成功 " + itoa(t.Successes) +
		" 次，总体" + rate + " " + t.Rate.text() + "（成功次数 ÷ 应执行次数）；作业失败 " + itoa(t.Failures) + " 次，作业未按时执行 " +
		itoa(t.Missed) + " 次，作业超时 " + itoa(t.TooLong) + " 次。"
}

func (g JobGroup) tables(title string) []table {
	if !g.On {
		return nil
	}
	t := table{title: title, cols: cols("作业", 3.4, "系统", 3, "应执行", 1.6, "执行", 1.4, "成功", 1.4, "失败", 1.4,
		"未按时执行", 2, "超时", 1.4, "成功率", 2.6)}
	for _, j := range append(append([]JobFigures{}, g.Jobs...), g.Total) {
		t.rows = append(t.rows, []cell{txt(j.Job), txt(dash(j.System)), count(j.Expected), count(j.Runs), count(j.Successes),
			count(j.Failures), count(j.Missed), count(j.TooLong), val(j.Rate)})
	}
	return []table{t}
}

func (c CloudSection) roomParagraph() string {
	if !c.RoomsOn {
		return "机房环境（R-A8）：未接入（未配置UPS、PDU或温湿度传感器采集）。"
	}
	var n RoomFigures
	for _, r := range c.Rooms {
		n.OnBattery, n.OnBatteryS = n.OnBattery+r.OnBattery, n.OnBatteryS+r.OnBatteryS
		n.SinglePower, n.FeedOverHalf = n.SinglePower+r.SinglePower, n.FeedOverHalf+r.FeedOverHalf
		n.TempHigh, n.TempLow = n.TempHigh+r.TempHigh, n.TempLow+r.TempLow
		n.HumidHigh, n.HumidLow = n.HumidHigh+r.HumidHigh, n.HumidLow+r.HumidLow
	}
	if len(c.Rooms) == 0 {
		return "机房环境（R-A8）：本月未发生市电中断、双路供电缺失或温湿度越限。"
	}
	return "机房环境（R-A8）：本月市电中断（UPS电池供电）" + itoa(n.OnBattery) + " 次，合计 " + secsText(n.OnBatteryS) +
		"；双路供电缺失 " + itoa(n.SinglePower) + " 次，单路无法承载整柜 " + itoa(n.FeedOverHalf) + " 次；温度越限 " +
		itoa(n.TempHigh+n.TempLow) + " 次，湿度越限 " + itoa(n.HumidHigh+n.HumidLow) + " 次。"
}

func secsText(s int64) string { return Value{V: float64(s), Kind: Seconds, Known: true}.text() }

func (c CloudSection) roomTables() []table {
	if len(c.Rooms) == 0 {
		return nil
	}
	t := table{title: "各机房", cols: cols("机房", 3, "市电中断", 1.8, "电池供电时长", 2.6, "UPS电量低", 1.8, "供电时间不足", 2,
		"双路供电缺失", 2, "单路超半载", 2, "温度过高", 1.6, "温度过低", 1.6, "湿度越限", 1.6)}
	for _, r := range c.Rooms {
		t.rows = append(t.rows, []cell{txt(r.Room), count(r.OnBattery), secs(r.OnBatteryS), count(r.BatteryLow), count(r.RuntimeLow),
			count(r.SinglePower), count(r.FeedOverHalf), count(r.TempHigh), count(r.TempLow), count(r.HumidHigh + r.HumidLow)})
	}
	e := table{title: "机房事件明细", pdfMax: pdfRows, sheet: cloudSheet, cols: cols("机房", 2.6, "机柜", 1.8, "类别", 4,
		"级别", 1.4, "开始", 3.6, "结束", 3.6, "持续", 2.4)}
	for _, x := range c.RoomEvents {
		e.rows = append(e.rows, []cell{txt(x.Room), txt(x.Rack), txt(x.Kind), txt(word(severityWords, x.Severity)),
			when(x.Start), until(x.End), val(x.Length)})
	}
	return []table{t, e}
}

// cloudMethods is the methods paragraph of the section.
func cloudMethods() Paragraph {
	return Paragraph{"政务云平台", "宿主机故障与HA取自虚拟化平台事件：每次宿主机故障（或隔离）为一条记录，逐台列出其上云服务器是否由HA重启或迁移、恢复至哪台宿主机、停机多久（宿主机故障至重新运行）；" +
		"停机时长中位数与最长值只统计HA恢复的云服务器，原机恢复单独计数，HA重启失败、超时未恢复与手工恢复计为未恢复。硬件故障为服务器硬件告警与带外管理严重事件，按服务器与类别合并，带外管理不可达不计入；" +
		"机房环境为UPS、双路供电与温湿度告警事件，持续时间至恢复，未恢复的至封账（临时报告为生成）时间。备份与数据交换成功率 = 按时成功次数 ÷ 按计划（北京时间）应执行次数，每个作业的成功次数不超过其应执行次数，无应执行次数时为无数据。" +
		"宿主机故障与作业记录在生成报告时读取，不随账期冻结；未配置的数据源记为“未接入”，不以 0 代替。"}
}
