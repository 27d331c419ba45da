package report

import (
	_ "embed"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// The fonts ship in fonts/ under their licences (LICENSE-*.txt there):
// Droid Sans Fallback (Apache-2.0) and DejaVu Sans (Bitstream Vera licence).
// fpdf embeds only the glyphs a document uses.
var (
	//go:embed fonts/DroidSansFallbackFull.ttf
	cjkFont []byte
	//go:embed fonts/DejaVuSans.ttf
	latinFont []byte
)

const (
	fontCJK   = "droid"
	fontLatin = "dejavu"
	pageW     = 210.0 // A4, mm
	pageH     = 297.0
	margin    = 15.0
	bodyW     = pageW - 2*margin
	bottom    = pageH - 20 // content stops here; the footer lives below
)

// doc is one PDF being laid out.
type doc struct {
	pdf   *fpdf.Fpdf
	r     Report
	pages int     // total pages, known on the second pass; 0 on the first
	size  float64 // current font size, pt
}

// RenderPDF writes r as an A4 PDF with Chinese headings, tables wrapped to
// the page width, vector charts, and on every page's footer the page number,
// the generation time and the input checksum.
func RenderPDF(w io.Writer, r Report) error {
	if err := r.Validate(); err != nil {
		return renderFailed("pdf", "invalid", err)
	}
	// The first pass only counts pages ("第 3 页 / 共 12 页"): fpdf's own
	// page-count alias does not survive font subsetting of UTF-8 fonts.
	first, err := layoutPDF(r, 0)
	if err != nil {
		return renderFailed("pdf", "layout", err)
	}
	d, err := layoutPDF(r, first.pdf.PageNo())
	if err != nil {
		return renderFailed("pdf", "layout", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return renderFailed("pdf", "write", fmt.Errorf("write pdf: %w", err))
	}
	rendered("pdf")
	return nil
}

func layoutPDF(r Report, pages int) (*doc, error) {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetCompression(true)
	p.SetCatalogSort(true)
	// A re-issued report is byte-identical: the dates are the report's own.
	p.SetCreationDate(r.GeneratedAt)
	p.SetModificationDate(r.GeneratedAt)
	p.SetTitle(r.title()+" "+r.Month, true)
	p.SetAuthor(r.Issuer, true)
	p.AddUTF8FontFromBytes(fontCJK, "", cjkFont)
	p.AddUTF8FontFromBytes(fontLatin, "", latinFont)
	p.SetMargins(margin, margin, margin)
	p.SetAutoPageBreak(false, 0) // we break pages ourselves, between table rows
	d := &doc{pdf: p, r: r, pages: pages}
	p.SetFooterFunc(d.footer)
	d.cover()
	for _, s := range r.sections() {
		d.section(s)
	}
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("lay out pdf: %w", err)
	}
	return d, nil
}

// setSize records the size; text and width set font and size per run.
func (d *doc) setSize(pt float64) { d.size = pt }

// width measures mixed text in the current size, run by run.
func (d *doc) width(s string) float64 {
	w := 0.0
	for _, r := range splitRuns(s) {
		d.pdf.SetFont(d.family(r.cjk), "", d.size)
		w += d.pdf.GetStringWidth(r.text)
	}
	return w
}

func (d *doc) family(cjk bool) string {
	if cjk {
		return fontCJK
	}
	return fontLatin
}

// text draws mixed text with its baseline at y, switching font per run.
func (d *doc) text(x, y float64, s string) {
	for _, r := range splitRuns(s) {
		d.pdf.SetFont(d.family(r.cjk), "", d.size)
		d.pdf.Text(x, y, r.text)
		x += d.pdf.GetStringWidth(r.text)
	}
}

// lineH is the line height for the current size, in mm.
func (d *doc) lineH() float64 { return d.size * 0.3528 * 1.45 }

// ensure starts a new page unless h mm still fit on this one.
func (d *doc) ensure(h float64) {
	if d.pdf.GetY()+h > bottom {
		d.newPage()
	}
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetY(margin + 2)
	if d.pdf.PageNo() == 1 {
		return // the cover carries the title itself
	}
	d.setSize(8)
	d.pdf.SetTextColor(120, 120, 120)
	d.text(margin, margin-4, "三门峡市新型智慧城市运维指挥中心 · "+d.r.title()+" "+d.r.Month)
	d.pdf.SetTextColor(0, 0, 0)
	d.pdf.SetY(margin + 2)
}

func (d *doc) footer() {
	d.setSize(7.5)
	d.pdf.SetTextColor(90, 90, 90)
	page := fmt.Sprintf("第 %d 页", d.pdf.PageNo())
	if d.pages > 0 {
		page += fmt.Sprintf(" / 共 %d 页", d.pages)
	}
	foot := d.r.footer()
	d.text(pageW-margin-d.width(foot), pageH-13, foot)
	d.text((pageW-d.width(page))/2, pageH-8.5, page)
	d.pdf.SetTextColor(0, 0, 0)
}

// paragraph writes wrapped text across the body width.
func (d *doc) paragraph(s string, pt float64) {
	d.setSize(pt)
	for _, line := range wrap(s, bodyW, d.width) {
		d.ensure(d.lineH())
		d.text(margin, d.pdf.GetY()+d.lineH()*0.75, line)
		d.pdf.SetY(d.pdf.GetY() + d.lineH())
	}
}

func (d *doc) cover() {
	d.newPage()
	d.pdf.SetY(70)
	d.setSize(26)
	d.centered("月度SLA服务报告")
	if d.r.Provisional() {
		d.setSize(16)
		d.pdf.SetTextColor(192, 57, 43)
		d.centered(provisionalWords)
		d.pdf.SetTextColor(0, 0, 0)
	}
	d.setSize(14)
	d.centered("三门峡市新型智慧城市运维指挥中心")
	d.centered("统计周期：" + d.r.Month)
	d.pdf.SetY(d.pdf.GetY() + 20)
	d.setSize(11)
	for _, l := range []string{"报送单位：" + d.r.Addressee, "编制：" + d.r.Issuer,
		"生成时间：" + cst.FormatTime(d.r.GeneratedAt), "账期冻结：" + frozenText(d.r.FrozenAt)} {
		d.centered(l)
	}
}

func frozenText(t time.Time) string {
	if t.IsZero() {
		return "本月尚未封账"
	}
	return cst.FormatTime(t)
}

func (d *doc) centered(s string) {
	y := d.pdf.GetY() + d.lineH()
	d.text((pageW-d.width(s))/2, y, s)
	d.pdf.SetY(y + d.lineH()*0.6)
}

func (d *doc) section(s section) {
	d.newPage()
	d.setSize(15)
	d.text(margin, d.pdf.GetY()+d.lineH(), s.title)
	d.pdf.SetY(d.pdf.GetY() + d.lineH()*1.5)
	for _, p := range s.paras {
		d.paragraph(p, 9.5)
		d.pdf.SetY(d.pdf.GetY() + 1.5)
	}
	for _, c := range s.charts {
		d.chart(c)
	}
	for _, t := range s.tables {
		d.table(t)
	}
}
