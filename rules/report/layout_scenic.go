package report

import "strings"

// scenicSection lays out the Swan Lake scenic area (天鹅湖景区): its
// indicators, each park area, the major incidents, the visitor and vehicle
// flow and the entities with bad time. A month without its data says so
// and shows every figure as 无数据.
func (r Report) scenicSection() section {
	s := r.Scenic
	sec := section{sheet: "天鹅湖景区", title: "六、天鹅湖景区（R-C2…R-C4）", paras: []string{s.summary()}}
	ind := table{title: "景区指标", cols: cols("要求编号", 2, "指标", 4, "对象数", 2, "实际", 3, "目标", 3, "结论", 2,
		"不达标时长", 3, "无数据时长", 3, "不达标次数", 2)}
	for _, i := range s.Indicators {
		ind.rows = append(ind.rows, []cell{txt(i.Requirement), txt(i.Title), count(i.Entities), val(i.Rate),
			limitCell(">=", i.Target), verdictCell(i.Verdict), secs(i.Tally.BadS), secs(i.Tally.UnknownS), count(i.Spells)})
	}
	sec.tables = append(sec.tables, ind)
	if !s.HasData {
		return sec
	}
	sec.tables = append(sec.tables, s.siteTable(), s.majorTable())
	if c, ok := s.flowChart(); ok {
		sec.charts = append(sec.charts, c)
	}
	if len(s.Flow.ByGate) > 0 {
		sec.tables = append(sec.tables, s.dailyFlowTable(), s.gateFlowTable())
	}
	sec.tables = append(sec.tables, s.faultTable())
	return sec
}

// summary is the section's opening paragraph.
func (s ScenicSection) summary() string {
	if !s.HasData {
		return "本月没有天鹅湖景区的数据：各项指标记为无数据（既不计为 0%，也不计为 100%），结论为无法判定。"
	}
	var parts []string
	for _, i := range s.Indicators {
		parts = append(parts, i.Title+" "+i.Rate.text())
	}
	f := s.Flow
	peak := "无数据"
	if f.PeakDay != "" {
		peak = f.PeakDay + "（" + f.PeakIn.text() + " 人次）"
	}
	return "本月天鹅湖景区：" + strings.Join(parts, "，") + "。重大故障（紧急级根事件）" + s.Major.text() + " 起，" +
		"根事件紧急 " + itoa(s.BySeverity[0]) + "、重要 " + itoa(s.BySeverity[1]) + "、次要 " + itoa(s.BySeverity[2]) +
		"、提示 " + itoa(s.BySeverity[3]) + " 起，因上级故障抑制 " + itoa(s.Suppressed) + " 起。入园 " + f.VisitorsIn.text() +
		" 人次、出园 " + f.VisitorsOut.text() + " 人次，单日入园最多为 " + peak + "；车辆入场 " + f.VehiclesIn.text() +
		" 辆次、出场 " + f.VehiclesOut.text() + " 辆次。"
}

func (s ScenicSection) siteTable() table {
	spec := []any{"园区", 3}
	for _, i := range s.Indicators {
		spec = append(spec, i.Title, 2.4)
	}
	t := table{title: "按园区", cols: cols(spec...)}
	for _, site := range s.BySite {
		row := []cell{txt(site.Name)}
		for _, v := range site.Rates {
			row = append(row, val(v))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

func (s ScenicSection) majorTable() table {
	return incidentTable("重大故障（紧急级根事件）", s.MajorList)
}

// flowChart is the daily visitors in; none when no day has a count.
func (s ScenicSection) flowChart() (chart, bool) {
	c := chart{title: "每日入园人次"}
	var vs []Value
	known := false
	for _, d := range s.Flow.Daily {
		c.labels = append(c.labels, d.Date[len(d.Date)-5:])
		vs = append(vs, d.VisitorsIn)
		known = known || d.VisitorsIn.Known
	}
	c.values = series(vs)
	return c, known
}

func (s ScenicSection) dailyFlowTable() table {
	t := table{title: "每日客流与车流", cols: cols("日期", 3, "入园人次", 2.5, "出园人次", 2.5, "车辆入场", 2.5, "车辆出场", 2.5)}
	for _, d := range s.Flow.Daily {
		t.rows = append(t.rows, []cell{txt(d.Date), val(d.VisitorsIn), val(d.VisitorsOut), val(d.VehiclesIn), val(d.VehiclesOut)})
	}
	return t
}

func (s ScenicSection) gateFlowTable() table {
	t := table{title: "按闸机（本月合计）", pdfMax: pdfRows, sheet: "天鹅湖景区",
		cols: cols("闸机 / 道闸", 5, "园区", 3, "类别", 2, "进", 2.5, "出", 2.5)}
	for _, g := range s.Flow.ByGate {
		kind := "客流"
		if g.Vehicles {
			kind = "车流"
		}
		t.rows = append(t.rows, []cell{txt(g.Entity), txt(g.Site), txt(kind), val(g.In), val(g.Out)})
	}
	return t
}

func (s ScenicSection) faultTable() table {
	t := table{title: "不达标对象", pdfMax: pdfRows, sheet: "天鹅湖景区",
		cols: cols("指标", 3, "对象", 5, "园区", 3, "实际", 3, "不达标时长", 3, "不达标次数", 2)}
	for _, f := range s.Faults {
		t.rows = append(t.rows, []cell{txt(f.Indicator), txt(f.Entity), txt(f.Site), val(f.Rate), secs(f.BadS), count(f.Spells)})
	}
	return t
}

// values lists the section's figures, for Validate.
func (s ScenicSection) values() []Value {
	vs := []Value{s.Major, s.Flow.VisitorsIn, s.Flow.VisitorsOut, s.Flow.VehiclesIn, s.Flow.VehiclesOut, s.Flow.PeakIn}
	for _, i := range s.Indicators {
		vs = append(vs, i.Rate, i.Target)
	}
	for _, site := range s.BySite {
		vs = append(vs, site.Rates...)
	}
	for _, f := range s.Faults {
		vs = append(vs, f.Rate)
	}
	for _, d := range s.Flow.Daily {
		vs = append(vs, d.VisitorsIn, d.VisitorsOut, d.VehiclesIn, d.VehiclesOut)
	}
	for _, g := range s.Flow.ByGate {
		vs = append(vs, g.In, g.Out)
	}
	return vs
}
