package report

import (
	"embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// The page is self-contained: inline CSS, inline SVG charts, no script and
// nothing fetched, so it can be mailed or archived as one file.
var htmlTemplate = template.Must(template.ParseFS(templateFS, "templates/report.html.tmpl"))

type htmlPage struct {
	Title, Month, Addressee, Issuer, Footer string
	Sections                                []htmlSection
}

type htmlSection struct {
	ID, Title string
	Paras     []string
	Charts    []htmlChart
	Tables    []htmlTable
}

type htmlChart struct {
	Title string
	SVG   template.HTML // built by chart.svg, which escapes every text it carries
}

type htmlTable struct {
	Title string
	Cols  []string
	Rows  [][]htmlCell
}

type htmlCell struct{ Text, Class string }

// RenderHTML writes r as one self-contained HTML page.
func RenderHTML(w io.Writer, r Report) error {
	if err := r.Validate(); err != nil {
		return renderFailed("html", "invalid", err)
	}
	page := htmlPage{Title: r.title(), Month: r.Month, Addressee: r.Addressee, Issuer: r.Issuer, Footer: r.footer()}
	for i, s := range r.sections() {
		page.Sections = append(page.Sections, htmlSectionOf(i, s))
	}
	if err := htmlTemplate.Execute(w, page); err != nil {
		return renderFailed("html", "write", fmt.Errorf("write html: %w", err))
	}
	rendered("html")
	return nil
}

func htmlSectionOf(i int, s section) htmlSection {
	h := htmlSection{ID: fmt.Sprintf("s%d", i+1), Title: s.title, Paras: s.paras}
	for _, c := range s.charts {
		h.Charts = append(h.Charts, htmlChart{Title: c.title, SVG: template.HTML(c.svg())}) //nolint:gosec // escaped in svg()
	}
	for _, t := range s.tables {
		ht := htmlTable{Title: t.title}
		for _, c := range t.cols {
			ht.Cols = append(ht.Cols, c.name)
		}
		for _, row := range t.rows {
			cells := make([]htmlCell, len(row))
			for j, c := range row {
				cells[j] = htmlCell{Text: c.text, Class: cellClass(c)}
			}
			ht.Rows = append(ht.Rows, cells)
		}
		h.Tables = append(h.Tables, ht)
	}
	return h
}

func cellClass(c cell) string {
	switch {
	case c.kind == cBool && c.num == 1:
		return "met"
	case c.kind == cBool:
		return "unmet"
	case c.kind == cUndetermined:
		return "undetermined"
	case c.kind != cText:
		return "num"
	}
	return ""
}
