package report

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// inspDoc lays out the inspection PDF. It shares the fonts, text runs and
// wrapping of the monthly report's doc but not its pages: the daily report
// flows its sections on as few pages as it can and carries its own header.
type inspDoc struct {
	pdf   *fpdf.Fpdf
	in    *Inspection
	pages int     // total pages, known on the second pass; 0 on the first
	size  float64 // current font size, pt
}

// RenderInspectionPDF writes in as an A4 PDF: Chinese and Latin text in
// embedded fonts, tables wrapped to the page, the header repeated when a
// table continues, and page number and generation time in every footer.
func RenderInspectionPDF(w io.Writer, in *Inspection) error {
	if err := in.validate(); err != nil {
		return renderFailed("inspection_pdf", "invalid", err)
	}
	// Two passes for "第 1 页 / 共 3 页", as in RenderPDF.
	first, err := layoutInspection(in, 0)
	if err != nil {
		return renderFailed("inspection_pdf", "layout", err)
	}
	d, err := layoutInspection(in, first.pdf.PageNo())
	if err != nil {
		return renderFailed("inspection_pdf", "layout", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return renderFailed("inspection_pdf", "write", fmt.Errorf("write inspection pdf: %w", err))
	}
	rendered("inspection_pdf")
	return nil
}

func layoutInspection(in *Inspection, pages int) (*inspDoc, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetCatalogSort(true)
	p.SetCreationDate(in.GeneratedAt) // the same inspection renders to the same bytes
	p.SetModificationDate(in.GeneratedAt)
	p.SetTitle("日常巡检报告 "+in.Date, true)
	p.SetAuthor(in.Issuer, true)
	p.AddUTF8FontFromBytes(fontCJK, "", cjkFont)
	p.AddUTF8FontFromBytes(fontLatin, "", latinFont)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, 0)
	d := &inspDoc{pdf: p, in: in, pages: pages}
	p.SetFooterFunc(d.footer)
	d.title()
	for _, s := range in.sections() {
		d.section(s)
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("lay out inspection pdf: %w", err)
	}
	return d, nil
}

func (d *inspDoc) family(cjk bool) string {
	if cjk {
		return fontCJK
	}
	return fontLatin
}

// width measures mixed text in the current size, run by run.
func (d *inspDoc) width(s string) float64 {
	w := 0.0
	for _, r := range splitRuns(s) {
		d.pdf.SetFont(d.family(r.cjk), "", d.size)
		w += d.pdf.GetStringWidth(r.text)
	}
	return w
}

// text draws mixed text with its baseline at y, switching font per run.
func (d *inspDoc) text(x, y float64, s string) {
	for _, r := range splitRuns(s) {
		d.pdf.SetFont(d.family(r.cjk), "", d.size)
		d.pdf.Text(x, y, r.text)
		x += d.pdf.GetStringWidth(r.text)
	}
}

func (d *inspDoc) lineH() float64 { return d.size * 0.3528 * 1.45 }

// ensure starts a new page unless h mm still fit on this one.
func (d *inspDoc) ensure(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.newPage()
	}
}

func (d *inspDoc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetY(margin + 2)
	if d.pdf.PageNo() == 1 {
		return // the first page carries the title itself
	}
	d.size = 8
	d.pdf.SetTextColor(120, 120, 120)
	d.text(margin, margin-4, "三门峡市新型智慧城市运维指挥中心 · 日常巡检报告 "+d.in.Date)
	d.pdf.SetTextColor(0, 0, 0)
}

func (d *inspDoc) footer() {
	d.size = 7.5
	d.pdf.SetTextColor(90, 90, 90)
	page := fmt.Sprintf("第 %d 页", d.pdf.PageNo())
	if d.pages > 0 {
		page += fmt.Sprintf(" / 共 %d 页", d.pages)
	}
	foot := d.in.footer()
	d.text(pageW-margin-d.width(foot), pageH-13, foot)
	d.text((pageW-d.width(page))/2, pageH-8.5, page)
	d.pdf.SetTextColor(0, 0, 0)
}

func (d *inspDoc) title() {
	d.newPage()
	d.size = 20
	d.centered("日常巡检报告")
	d.size = 11
	d.centered("三门峡市新型智慧城市运维指挥中心 · 巡检日期 " + d.in.Date)
	d.centered("编制：" + d.in.Issuer + " · 生成时间 " + cst.FormatTime(d.in.GeneratedAt))
	d.pdf.SetY(d.pdf.GetY() + 4)
}

func (d *inspDoc) centered(s string) {
	y := d.pdf.GetY() + d.lineH()
	d.text((pageW-d.width(s))/2, y, s)
	d.pdf.SetY(y + d.lineH()*0.5)
}

// section keeps its heading with the first lines that follow it.
func (d *inspDoc) section(s section) {
	d.size = 13
	d.ensure(d.lineH()*1.5 + 25)
	d.text(margin, d.pdf.GetY()+d.lineH(), s.title)
	d.pdf.SetY(d.pdf.GetY() + d.lineH()*1.5)
	for _, p := range s.paras {
		d.paragraph(p, 9.5)
		d.pdf.SetY(d.pdf.GetY() + 1.5)
	}
	for _, t := range s.tables {
		d.table(t)
	}
	d.pdf.SetY(d.pdf.GetY() + 2)
}

func (d *inspDoc) paragraph(s string, pt float64) {
	d.size = pt
	for _, line := range wrap(s, bodyW, d.width) {
		d.ensure(d.lineH())
		d.text(margin, d.pdf.GetY()+d.lineH()*0.75, line)
		d.pdf.SetY(d.pdf.GetY() + d.lineH())
	}
}
