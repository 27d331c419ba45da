package report

import "math"

const (
	tablePt = 7.5 // table text size
	cellPad = 1.2 // mm inside each cell
)

// table draws t across the body width: columns scaled from their relative
// widths, every cell wrapped to its column, rows never split across pages
// and the header repeated on each page the table continues on.
func (d *doc) table(t table) {
	widths := columnWidths(t.cols)
	header := make([]cell, len(t.cols))
	for i, c := range t.cols {
		header[i] = txt(c.name)
	}
	first := emptyRow(len(t.cols))
	if len(t.rows) > 0 {
		first = t.rows[0]
	}
	d.setSize(tablePt)
	need := d.rowHeight(header, widths) + d.rowHeight(first, widths) // no title or header alone at a page foot
	d.setSize(10.5)
	if t.title != "" {
		need += d.lineH() * 1.3
	}
	d.ensure(need)
	if t.title != "" {
		d.text(margin, d.pdf.GetY()+d.lineH(), t.title)
		d.pdf.SetY(d.pdf.GetY() + d.lineH()*1.3)
	}
	d.setSize(tablePt)
	d.row(header, widths, true)
	if len(t.rows) == 0 {
		d.row(emptyRow(len(t.cols)), widths, false)
	}
	rows, more := t.rows, 0
	if t.pdfMax > 0 && len(rows) > t.pdfMax {
		rows, more = rows[:t.pdfMax], len(rows)-t.pdfMax
	}
	for _, cells := range rows {
		d.setSize(tablePt)
		if d.pdf.GetY()+d.rowHeight(cells, widths) > bottom {
			d.newPage()
			d.setSize(tablePt)
			d.row(header, widths, true)
		}
		d.row(cells, widths, false)
	}
	if more > 0 {
		d.pdf.SetY(d.pdf.GetY() + 1)
		d.paragraph("以上列出前 "+itoa(t.pdfMax)+" 条，另有 "+itoa(more)+" 条未在PDF中列出，完整明细见XLSX版本工作表“"+t.sheet+"”及HTML版本。", 8.5)
	}
	d.pdf.SetY(d.pdf.GetY() + d.tableGap())
}

// tableGap is the space after a table: less where the sections flow on.
func (d *doc) tableGap() float64 {
	if d.paper.flow {
		return 3
	}
	return 4
}

func emptyRow(n int) []cell {
	row := make([]cell, n)
	row[0] = txt("（无）")
	for i := 1; i < n; i++ {
		row[i] = txt("")
	}
	return row
}

// columnWidths shares the body width among the columns by their weights.
func columnWidths(cs []column) []float64 {
	sum := 0.0
	for _, c := range cs {
		sum += c.width
	}
	ws := make([]float64, len(cs))
	for i, c := range cs {
		ws[i] = bodyW * c.width / sum
	}
	return ws
}

func (d *doc) cellLines(c cell, w float64) []string {
	return wrap(c.text, w-2*cellPad, d.width)
}

func (d *doc) rowHeight(cells []cell, widths []float64) float64 {
	n := 1
	for i, c := range cells {
		n = max(n, len(d.cellLines(c, widths[i])))
	}
	return float64(n)*d.lineH() + 2*cellPad
}

// row draws one row at the current y: borders, a grey header, text left
// aligned and numbers right aligned so that digits line up.
func (d *doc) row(cells []cell, widths []float64, header bool) {
	h := d.rowHeight(cells, widths)
	x, y := margin, d.pdf.GetY()
	d.pdf.SetDrawColor(160, 160, 160)
	d.pdf.SetLineWidth(0.2)
	d.pdf.SetFillColor(228, 234, 242)
	for i, c := range cells {
		style := "D"
		if header {
			style = "FD"
		}
		d.pdf.Rect(x, y, widths[i], h, style)
		for j, line := range d.cellLines(c, widths[i]) {
			tx := x + cellPad
			if c.kind != cText && !header {
				tx = x + widths[i] - cellPad - d.width(line)
			}
			d.text(tx, y+cellPad+d.lineH()*(float64(j)+0.75), line)
		}
		x += widths[i]
	}
	d.pdf.SetY(y + h)
}

// chartH is the height of a chart in the PDF, mm.
const chartH = 62.0

// chart draws c with fpdf's vector primitives from the same layout the SVG
// uses.
func (d *doc) chart(c chart) {
	d.ensure(chartH + 10)
	d.setSize(10)
	d.text(margin, d.pdf.GetY()+d.lineH(), c.title)
	top := d.pdf.GetY() + d.lineH()*1.3
	p := c.layout(bodyW, chartH)
	d.setSize(7)
	d.pdf.SetLineWidth(0.15)
	for _, t := range p.ticks {
		d.pdf.SetDrawColor(215, 215, 215)
		d.pdf.Line(margin+p.x0, top+t.y, margin+p.x1, top+t.y)
		d.text(margin+p.x0-1.5-d.width(t.label), top+t.y+1, t.label)
	}
	d.chartMarks(c, p, top)
	if p.targetY >= 0 {
		d.pdf.SetDrawColor(192, 57, 43)
		d.pdf.SetDashPattern([]float64{2, 1.5}, 0)
		d.pdf.Line(margin+p.x0, top+p.targetY, margin+p.x1, top+p.targetY)
		d.pdf.SetDashPattern(nil, 0)
	}
	for i, m := range p.marks {
		if c.line && i%5 != 0 && i != len(p.marks)-1 {
			continue
		}
		x, y := margin+m.x+m.w/2, top+p.y1+3
		d.pdf.TransformBegin()
		d.pdf.TransformRotate(35, x, y)
		d.text(x-d.width(m.label), y, m.label)
		d.pdf.TransformEnd()
	}
	d.pdf.SetY(top + chartH + 2)
}

func (d *doc) chartMarks(c chart, p plot, top float64) {
	d.pdf.SetFillColor(47, 109, 181)
	d.pdf.SetDrawColor(47, 109, 181)
	prev := [2]float64{math.NaN(), 0}
	for _, m := range p.marks {
		if m.missing {
			prev[0] = math.NaN() // a day without data breaks the line
			continue
		}
		if !c.line {
			d.pdf.Rect(margin+m.x, top+m.y, m.w, m.h, "F")
			continue
		}
		x, y := margin+m.x+m.w/2, top+m.y
		d.pdf.SetLineWidth(0.5)
		if !math.IsNaN(prev[0]) {
			d.pdf.Line(prev[0], prev[1], x, y)
		}
		d.pdf.Circle(x, y, 0.7, "F")
		prev = [2]float64{x, y}
	}
}
