package report

import (
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The three renderers share one layout: a report is a list of sections, each
// with paragraphs, charts and tables of typed cells. Building it once keeps
// the PDF, the spreadsheet and the web page saying the same thing.

type cellKind int

const (
	cText     cellKind = iota
	cValue             // a Value: number with its kind
	cTime              // a point in time, shown in Asia/Shanghai
	cDuration          // seconds
	cInt               // a count
	cBool              // met or not
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
	return cell{kind: cDuration, text: cst.FormatDuration(time.Duration(s) * time.Second), num: float64(s)}
}

func spanLen(s sla.Span) cell {
	if s.End.IsZero() {
		return txt("—")
	}
	return secs(int64(s.End.Sub(s.Start) / time.Second))
}

func count(n int) cell { return cell{kind: cInt, text: itoa(n), num: float64(n)} }

func met(b bool) cell { return cell{kind: cBool, text: metWord(b), num: b2f(b)} }

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
		r.incidentSection(), r.resourceSection(), r.methodsSection(), r.gapSection(),
	}
}

func (r Report) summarySection() section {
	t := table{cols: cols("要求编号", 2, "指标", 5, "目标", 3, "实际", 3, "结论", 2)}
	for _, l := range r.Summary {
		target := val(l.Target)
		target.text = word(opWords, l.Op) + " " + target.text
		t.rows = append(t.rows, []cell{txt(l.Requirement), txt(l.Title), target, val(l.Figure), met(l.Met)})
	}
	met, total := 0, len(r.Summary)
	for _, l := range r.Summary {
		if l.Met {
			met++
		}
	}
	p := "报送单位：" + r.Addressee + "。统计周期：" + r.Month + "（北京时间自然月）。合同指标共 " +
		itoa(total) + " 项，达标 " + itoa(met) + " 项，未达标 " + itoa(total-met) + " 项。"
	frozen := "账期冻结时间：" + cst.FormatTime(r.FrozenAt) + "；输入校验值（SHA-256）：" + r.InputSHA256 + "。"
	return section{sheet: "概要", title: "一、概要", paras: []string{p, frozen}, tables: []table{t}}
}

func (r Report) methodsSection() section {
	s := section{sheet: "方法说明", title: "六、方法说明"}
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
	t := table{cols: cols("指标", 3, "对象", 4, "开始", 4, "结束", 4, "时长", 3, "原因", 5)}
	var total int64
	for _, g := range r.Gaps {
		t.rows = append(t.rows, []cell{txt(g.SLI), txt(g.Entity), when(g.Span.Start), until(g.Span.End), spanLen(g.Span), txt(g.Reason)})
		if !g.Span.End.IsZero() {
			total += int64(g.Span.End.Sub(g.Span.Start) / time.Second)
		}
	}
	p := "无数据时段既不计为在线也不计为离线，单独列出。本月共 " + itoa(len(r.Gaps)) + " 段，合计 " +
		cst.FormatDuration(time.Duration(total)*time.Second) + "。"
	return section{sheet: "数据缺口", title: "七、数据缺口", paras: []string{p}, tables: []table{t}}
}
