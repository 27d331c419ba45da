package report

// table draws t across the body width as the monthly report does: columns
// scaled from their relative widths, cells wrapped, rows never split across
// pages, the header repeated on each page the table continues on.
func (d *inspDoc) table(t table) {
	widths := inspWidths(t.cols)
	header := make([]cell, len(t.cols))
	for i, c := range t.cols {
		header[i] = txt(c.name)
	}
	rows := t.rows
	if len(rows) == 0 {
		rows = [][]cell{emptyRow(len(t.cols))}
	}
	d.size = tablePt
	need := d.rowHeight(header, widths) + d.rowHeight(rows[0], widths) // never a header alone at a page foot
	if t.title != "" {
		d.size = 10.5
		need += d.lineH() * 1.3
		d.ensure(need)
		d.text(margin, d.pdf.GetY()+d.lineH(), t.title)
		d.pdf.SetY(d.pdf.GetY() + d.lineH()*1.3)
	}
	d.size = tablePt
	d.ensure(need)
	d.row(header, widths, true)
	for _, cells := range rows {
		d.size = tablePt
		if d.pdf.GetY()+d.rowHeight(cells, widths) > bottom {
			d.newPage()
			d.size = tablePt
			d.row(header, widths, true)
		}
		d.row(cells, widths, false)
	}
	d.pdf.SetY(d.pdf.GetY() + 3)
}

func inspWidths(cs []column) []float64 {
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

func (d *inspDoc) cellLines(c cell, w float64) []string {
	return wrap(c.text, w-2*cellPad, d.width)
}

func (d *inspDoc) rowHeight(cells []cell, widths []float64) float64 {
	n := 1
	for i, c := range cells {
		n = max(n, len(d.cellLines(c, widths[i])))
	}
	return float64(n)*d.lineH() + 2*cellPad
}

// row draws one row at the current y: numbers right aligned so that digits
// line up.
func (d *inspDoc) row(cells []cell, widths []float64, header bool) {
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
