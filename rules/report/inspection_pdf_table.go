package report

// table draws t across the body width as the monthly report does: columns
// scaled from their relative widths, cells wrapped, rows never split across
// pages, the header repeated on each page the table continues on.
func (d *inspDoc) table(t table) {
	widths := columnWidths(t.cols)
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

func (d *inspDoc) rowHeight(cells []cell, widths []float64) float64 {
	return rowHeight(d, cells, widths)
}

func (d *inspDoc) row(cells []cell, widths []float64, header bool) {
	drawRow(d, d.pdf, cells, widths, header)
}
