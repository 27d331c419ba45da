package report

import (
	_ "embed"
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"
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
	centre    = "三门峡市新型智慧城市运维指挥中心"
)

// paper is what one report's PDF has of its own; the rest (fonts, pages,
// running head and footer, paragraphs, tables, charts) is the one doc both
// the monthly and the inspection report are drawn by.
type paper struct {
	title    string     // "月度SLA服务报告 2026-11": the document's title and every later page's head
	author   string     // the issuer
	date     time.Time  // creation and modification date: the same report renders to the same bytes
	footer   string     // right-aligned on every page, above the page number
	front    func(*doc) // the first page's title block
	sections []section
	// flow runs the sections on as few pages as they fit (the daily
	// report); without it each section starts a page (the monthly report).
	flow bool
}

// doc is one PDF being laid out.
type doc struct {
	pdf   *fpdf.Fpdf
	paper paper
	pages int     // total pages, known on the second pass; 0 on the first
	size  float64 // current font size, pt
}

// renderDoc writes p as an A4 PDF, counting its renders and failures under
// kind. The first pass only counts pages ("第 3 页 / 共 12 页"): fpdf's own
// page-count alias does not survive font subsetting of UTF-8 fonts.
func renderDoc(w io.Writer, kind string, p paper) error {
	first, err := layoutDoc(p, 0)
	if err != nil {
		return renderFailed(kind, "layout", err)
	}
	d, err := layoutDoc(p, first.pdf.PageNo())
	if err != nil {
		return renderFailed(kind, "layout", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return renderFailed(kind, "write", fmt.Errorf("write pdf: %w", err))
	}
	rendered(kind)
	return nil
}

func layoutDoc(p paper, pages int) (*doc, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(p.date)
	f.SetModificationDate(p.date)
	f.SetTitle(p.title, true)
	f.SetAuthor(p.author, true)
	f.AddUTF8FontFromBytes(fontCJK, "", cjkFont)
	f.AddUTF8FontFromBytes(fontLatin, "", latinFont)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(false, 0) // we break pages ourselves, between table rows
	d := &doc{pdf: f, paper: p, pages: pages}
	f.SetFooterFunc(d.footer)
	p.front(d)
	for _, s := range p.sections {
		d.section(s)
	}
	if err := f.Error(); err != nil {
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

// newPage starts a page with the running head (the first page carries the
// title itself). The text size is kept: what was being written goes on in
// its own size on the new page.
func (d *doc) newPage() {
	size := d.size
	defer d.setSize(size)
	d.pdf.AddPage()
	d.pdf.SetY(margin + 2)
	if d.pdf.PageNo() == 1 {
		return
	}
	d.setSize(8)
	d.pdf.SetTextColor(120, 120, 120)
	d.text(margin, margin-4, centre+" · "+d.paper.title)
	d.pdf.SetTextColor(0, 0, 0)
}

func (d *doc) footer() {
	d.setSize(7.5)
	d.pdf.SetTextColor(90, 90, 90)
	page := fmt.Sprintf("第 %d 页", d.pdf.PageNo())
	if d.pages > 0 {
		page += fmt.Sprintf(" / 共 %d 页", d.pages)
	}
	foot := d.paper.footer
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

// centered writes s centred on the page, then moves down by gap lines.
func (d *doc) centered(s string, gap float64) {
	y := d.pdf.GetY() + d.lineH()
	d.text((pageW-d.width(s))/2, y, s)
	d.pdf.SetY(y + d.lineH()*gap)
}

// section writes a heading, its paragraphs, charts and tables: on a page of
// its own, or where the last one ended, keeping the heading with the first
// lines that follow it.
func (d *doc) section(s section) {
	if d.paper.flow {
		d.setSize(13)
		d.ensure(d.lineH()*1.5 + 25)
	} else {
		d.newPage()
		d.setSize(15)
	}
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
	if d.paper.flow {
		d.pdf.SetY(d.pdf.GetY() + 2)
	}
}
