package report

import (
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// pdfRows is the most rows a long list (breaches, offline spells, gaps,
// findings) shows in the PDF; docs/report.md says why.
const pdfRows = 200

// The three renderers share one layout: a report is a list of sections, each
// with paragraphs, charts and tables of typed cells. Building it once keeps
// the PDF, the spreadsheet and the web page saying the same thing.

type cellKind int

const (
	cText         cellKind = iota
	cValue                 // a Value: number with its kind
	cTime                  // a point in time, shown in Asia/Shanghai
	cDuration              // seconds
	cInt                   // a count
	cBool                  // met (1) or missed (0)
	cUndetermined          // a verdict without data: 无法判定, no number
)

type cell struct {
	kind cellKind
	text string // what a person reads
	num  float64
	val  Value
	t    time.Time
}

func txt(s string) cell { return cell{kind: cText, text: s} }

func val(v Value) cell {
	if !v.Known {
		return txt(noData)
	}
	return cell{kind: cValue, text: v.text(), num: v.number(), val: v}
}

func when(t time.Time) cell {
	if t.IsZero() {
		return txt("—")
	}
	return cell{kind: cTime, text: cst.FormatTime(t), t: t}
}

func until(t time.Time) cell {
	if t.IsZero() {
		return txt(spanEnd(t))
	}
	return when(t)
}

func secs(s int64) cell {
	return cell{kind: cDuration, text: cst.FormatDurationMinutes(time.Duration(s) * time.Second), num: float64(s)}
}

func spanLen(s sla.Span) cell {
	if s.End.IsZero() {
		return txt("—")
	}
	return secs(int64(s.End.Sub(s.Start) / time.Second))
}

func count(n int) cell { return cell{kind: cInt, text: itoa(n), num: float64(n)} }

func verdictCell(v Verdict) cell {
	if v != Met && v != Missed {
		return cell{kind: cUndetermined, text: verdictWords[Undetermined]}
	}
	return cell{kind: cBool, text: verdictWords[v], num: b2f(v == Met)}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// column is a table header with a relative width (the PDF scales the sum to
// the page width).
type column struct {
	name  string
	width float64
}

type table struct {
	title string
	cols  []column
	rows  [][]cell
	// pdfMax > 0 caps the rows the PDF shows (the rest are counted there);
	// the XLSX and HTML show every row.
	pdfMax int
	sheet  string // the worksheet holding the whole table, for the PDF's note
}

type section struct {
	sheet  string // worksheet name, ≤ 31 characters
	title  string // heading
	paras  []string
	charts []chart
	tables []table
}

// cols builds headers from pairs of name and relative width (int or float64),
// which keeps the table definitions one line each.
func cols(spec ...any) []column {
	cs := make([]column, 0, len(spec)/2)
	for i := 0; i+1 < len(spec); i += 2 {
		w, ok := spec[i+1].(float64)
		if !ok {
			w = float64(spec[i+1].(int))
		}
		cs = append(cs, column{name: spec[i].(string), width: w})
	}
	return cs
}

// sections lays the report out in the order of the item 4.
func (r Report) sections() []section {
	return []section{
		r.summarySection(), r.agentSection(), r.linkSection(),
		r.incidentSection(), r.resourceSection(), r.scenicSection(), r.cloudSection(), r.securitySection(),
		r.methodsSection(), r.gapSection(),
	}
}

func (r Report) summarySection() section {
	t := table{cols: cols("要求编号", 2, "指标", 5, "目标", 3, "实际", 3, "结论", 2)}
	n := map[Verdict]int{}
	for _, l := range r.Summary {
		t.rows = append(t.rows, []cell{txt(l.Requirement), txt(l.Title), limitCell(l.Op, l.Target), val(l.Figure), verdictCell(l.Verdict)})
		n[l.Verdict]++
	}
	p := "报送单位：" + r.Addressee + "。统计周期：" + r.Month + "（北京时间自然月）。合同指标共 " + itoa(len(r.Summary)) +
		" 项，达标 " + itoa(n[Met]) + " 项，未达标 " + itoa(n[Missed]) + " 项，无法判定（无数据）" + itoa(n[Undetermined]) + " 项。"
	frozen := "账期冻结时间：" + cst.FormatTime(r.FrozenAt) + "；输入校验值（SHA-256）：" + r.InputSHA256 + "。"
	if r.Provisional() {
		frozen = provisionalWords + "：数字可能因迟到数据而变化，以封账后的正式报告为准。"
	}
	return section{sheet: "概要", title: "一、概要", paras: []string{p, frozen}, tables: []table{t}}
}

func (r Report) methodsSection() section {
	s := section{sheet: "方法说明", title: "九、方法说明"}
	t := table{cols: cols("条目", 3, "说明", 12)}
	for _, p := range r.Methods {
		t.rows = append(t.rows, []cell{txt(p.Title), txt(p.Text)})
	}
	s.tables = append(s.tables, t)
	if len(r.Corrections) > 0 {
		c := table{title: "更正说明", cols: cols("序号", 1, "内容", 14)}
		for i, note := range r.Corrections {
			c.rows = append(c.rows, []cell{count(i + 1), txt(note)})
		}
		s.tables = append(s.tables, c)
	}
	return s
}

func (r Report) gapSection() section {
	t := table{pdfMax: pdfRows, sheet: "数据缺口", cols: cols("指标", 4, "对象", 5, "无数据时长", 3, "涉及天数", 2, "首日", 3, "末日", 3)}
	var total int64
	for _, g := range r.Gaps {
		t.rows = append(t.rows, []cell{txt(g.SLI), txt(g.Entity), secs(g.UnknownS), count(g.Days), txt(g.First), txt(g.Last)})
		total += g.UnknownS
	}
	p := "无数据时间既不计为达标也不计为不达标，按指标与对象单独列出，时长大者在前。本月共 " + itoa(len(r.Gaps)) + " 项，合计 " +
		cst.FormatDurationMinutes(time.Duration(total)*time.Second) + "。"
	return section{sheet: "数据缺口", title: "十、数据缺口", paras: []string{p}, tables: []table{t}}
}
