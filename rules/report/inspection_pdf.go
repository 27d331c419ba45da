package report

import (
	"io"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// RenderInspectionPDF writes in as an A4 PDF: Chinese and Latin text in
// embedded fonts, the sections flowing on as few pages as they fit, tables
// wrapped to the page, the header repeated when a table continues, and page
// number and generation time in every footer.
func RenderInspectionPDF(w io.Writer, in *Inspection) error {
	if err := in.validate(); err != nil {
		return renderFailed("inspection_pdf", "invalid", err)
	}
	return renderDoc(w, "inspection_pdf", paper{title: "日常巡检报告 " + in.Date, author: in.Issuer,
		date: in.GeneratedAt, footer: in.footer(), front: in.titleBlock, sections: in.sections(), flow: true})
}

// titleBlock heads the inspection report's first page.
func (in *Inspection) titleBlock(d *doc) {
	d.newPage()
	d.setSize(20)
	d.centered("日常巡检报告", 0.5)
	d.setSize(11)
	d.centered(centre+" · 巡检日期 "+in.Date, 0.5)
	d.centered("编制："+in.Issuer+" · 生成时间 "+cst.FormatTime(in.GeneratedAt), 0.5)
	d.pdf.SetY(d.pdf.GetY() + 4)
}
