package report

import (
	"io"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// RenderPDF writes r as an A4 PDF with Chinese headings, tables wrapped to
// the page width, vector charts, each section on its own pages, and on
// every page's footer the page number, the generation time and the input
// checksum.
func RenderPDF(w io.Writer, r Report) error {
	if err := r.Validate(); err != nil {
		return renderFailed("pdf", "invalid", err)
	}
	return renderDoc(w, "pdf", paper{title: r.title() + " " + r.Month, author: r.Issuer, date: r.GeneratedAt,
		footer: r.footer(), front: r.cover, sections: r.sections()})
}

// cover is the monthly report's first page.
func (r Report) cover(d *doc) {
	d.newPage()
	d.pdf.SetY(70)
	d.setSize(26)
	d.centered("月度SLA服务报告", 0.6)
	if r.Provisional() {
		d.setSize(16)
		d.pdf.SetTextColor(192, 57, 43)
		d.centered(provisionalWords, 0.6)
		d.pdf.SetTextColor(0, 0, 0)
	}
	d.setSize(14)
	d.centered(centre, 0.6)
	d.centered("统计周期："+r.Month, 0.6)
	d.pdf.SetY(d.pdf.GetY() + 20)
	d.setSize(11)
	for _, l := range []string{"报送单位：" + r.Addressee, "编制：" + r.Issuer,
		"生成时间：" + cst.FormatTime(r.GeneratedAt), "账期冻结：" + frozenText(r.FrozenAt)} {
		d.centered(l, 0.6)
	}
}

func frozenText(t time.Time) string {
	if t.IsZero() {
		return "本月尚未封账"
	}
	return cst.FormatTime(t)
}
