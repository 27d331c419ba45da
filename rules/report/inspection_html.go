package report

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"

	"github.com/swanwatch/swanwatch/internal/cst"
)

//go:embed templates/inspection.html.tmpl
var inspectionFS embed.FS

// Self-contained like the monthly report: inline CSS, no script, nothing
// fetched, so the page can be sent to a channel or archived as one file.
var inspectionTemplate = template.Must(template.ParseFS(inspectionFS, "templates/inspection.html.tmpl"))

type inspectionPage struct {
	Date, Issuer, Generated, Footer string
	Sections                        []htmlSection
}

// RenderInspectionHTML writes in as one self-contained HTML page in Chinese.
func RenderInspectionHTML(w io.Writer, in *Inspection) error {
	if err := in.validate(); err != nil {
		return renderFailed("inspection_html", "invalid", err)
	}
	page := inspectionPage{Date: in.Date, Issuer: in.Issuer, Generated: cst.FormatTime(in.GeneratedAt), Footer: in.footer()}
	for i, s := range in.sections() {
		page.Sections = append(page.Sections, htmlSectionOf(i, s))
	}
	if err := inspectionTemplate.Execute(w, page); err != nil {
		return renderFailed("inspection_html", "write", fmt.Errorf("write inspection html: %w", err))
	}
	rendered("inspection_html")
	return nil
}

// footer is the line every PDF page and the web page carry.
func (in *Inspection) footer() string {
	return "日常巡检报告 " + in.Date + " · 生成时间 " + cst.FormatTime(in.GeneratedAt)
}

// validate checks what the renderers rely on; BuildInspection's output
// always passes, a hand-made Inspection may not.
func (in *Inspection) validate() error {
	switch {
	case in == nil:
		return fmt.Errorf("%w: no inspection", ErrInvalid)
	case in.GeneratedAt.IsZero() || in.Date != cst.StartOfDay(in.GeneratedAt).Format("2006-01-02"):
		return fmt.Errorf("%w: date %q does not match generation time %s", ErrInvalid, in.Date, cst.FormatTime(in.GeneratedAt))
	}
	var errs []error
	for _, g := range append(append([]StatusGroup{in.Total}, in.ByDistrict...), in.BySystem...) {
		errs = append(errs, g.AgentRate.check())
	}
	for _, v := range append(in.Scenic.values(), in.Cloud.values()...) {
		errs = append(errs, v.check())
	}
	for _, t := range in.Trends {
		for _, v := range []float64{t.Current, t.Threshold, t.Slope} {
			errs = append(errs, Value{V: v, Kind: Count, Known: true}.check())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return nil
}
