package report

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// chart is a bar or line chart of one series. Its geometry is computed once
// (layout) and drawn twice: as SVG for the web page and with fpdf's vector
// primitives for the PDF, so both show exactly the same bars, crisp at any
// zoom and with no rasteriser in the build.
type chart struct {
	title  string
	line   bool
	labels []string
	values []float64 // NaN is no data: no bar, no point
	ratio  bool      // values are 0…1: the axis is in percent
	target float64   // a dashed line when > 0
}

type mark struct {
	x, y, w, h float64 // bar rectangle; for a line chart (x+w/2, y) is the point
	label      string
	missing    bool
}

type tick struct {
	y     float64
	label string
}

// plot is a chart laid out in a w×h box with the origin top left.
type plot struct {
	x0, y0, x1, y1 float64 // plot area
	marks          []mark
	ticks          []tick
	targetY        float64 // < 0 when there is no target line
}

// axis picks the value range: ratios zoom in on their lowest value (a month
// at 99.9 % on a 0–100 % axis shows nothing), counts start at zero.
func (c chart) axis() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	vs := c.values
	if c.target > 0 {
		vs = append([]float64{c.target}, vs...)
	}
	for _, v := range vs {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if math.IsInf(lo, 0) {
		return 0, 1
	}
	if c.ratio {
		return ratioFloor(lo), 1
	}
	return 0, niceCeil(hi)
}

// ratioFloor is the next lower of 0, 0.9, 0.99, 0.999, … below v.
func ratioFloor(v float64) float64 {
	f := 0.0
	for step := 0.9; f+step < v && step > 1e-6; step /= 10 {
		f += step
	}
	if f >= v {
		return 0
	}
	return f
}

func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func (c chart) layout(w, h float64) plot {
	p := plot{x0: w * 0.14, y0: h * 0.06, x1: w * 0.98, y1: h * 0.72, targetY: -1}
	lo, hi := c.axis()
	y := func(v float64) float64 { return p.y1 - (p.y1-p.y0)*(v-lo)/(hi-lo) }
	for i := 0; i <= 4; i++ {
		v := lo + (hi-lo)*float64(i)/4
		p.ticks = append(p.ticks, tick{y: y(v), label: c.tickLabel(v)})
	}
	if c.target > 0 {
		p.targetY = y(c.target)
	}
	slot := (p.x1 - p.x0) / math.Max(1, float64(len(c.values)))
	for i, v := range c.values {
		m := mark{x: p.x0 + slot*(float64(i)+0.15), w: slot * 0.7, label: c.labels[i], missing: math.IsNaN(v)}
		if !m.missing {
			m.y = y(math.Max(lo, v))
			m.h = p.y1 - m.y
		}
		p.marks = append(p.marks, m)
	}
	return p
}

func (c chart) tickLabel(v float64) string {
	// Rounded to what the axis can resolve: 0.99975 is 99.975 %, not 99.97500000000001 %.
	if c.ratio {
		return strconv.FormatFloat(math.Round(v*1e7)/1e5, 'f', -1, 64) + "%"
	}
	return strconv.FormatFloat(math.Round(v*1e4)/1e4, 'f', -1, 64)
}

const svgW, svgH = 640.0, 300.0

// svg renders the chart as an inline SVG element. Every text is escaped.
func (c chart) svg() string {
	p := c.layout(svgW, svgH)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %g %g" role="img" aria-label="%s">`, svgW, svgH, html.EscapeString(c.title))
	for _, t := range p.ticks {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`, p.x0, t.y, p.x1, t.y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end">%s</text>`, p.x0-4, t.y+4, html.EscapeString(t.label))
	}
	if c.line {
		b.WriteString(c.svgLine(p))
	} else {
		for _, m := range p.marks {
			if !m.missing {
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2f6db5"/>`, m.x, m.y, m.w, m.h)
			}
		}
	}
	if p.targetY >= 0 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#c0392b" stroke-dasharray="6 4"/>`, p.x0, p.targetY, p.x1, p.targetY)
	}
	for i, m := range p.marks {
		if c.line && i%5 != 0 && i != len(p.marks)-1 {
			continue // a month of days: every fifth label is legible
		}
		x, y := m.x+m.w/2, p.y1+14
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="end" transform="rotate(-35 %.1f %.1f)">%s</text>`, x, y, x, y, html.EscapeString(m.label))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// svgLine draws one polyline per stretch of days with data: a day without
// data breaks the line instead of bridging it.
func (c chart) svgLine(p plot) string {
	var b, dots strings.Builder
	var pts []string
	flush := func() {
		if len(pts) > 0 {
			b.WriteString(`<polyline fill="none" stroke="#2f6db5" stroke-width="2" points="` + strings.Join(pts, " ") + `"/>`)
		}
		pts = nil
	}
	for _, m := range p.marks {
		if m.missing {
			flush()
			continue
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", m.x+m.w/2, m.y))
		fmt.Fprintf(&dots, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#2f6db5"/>`, m.x+m.w/2, m.y)
	}
	flush()
	return b.String() + dots.String()
}
