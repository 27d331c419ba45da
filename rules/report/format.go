package report

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// noData is the glossary's word for an unknown figure.
const noData = "无数据"

// truncRatio cuts a ratio to six decimals (four of the percentage) without
// rounding up: 0.99996 stays 99.9960 %, 0.9999999 is 99.9999 %, never 100 %.
// The small epsilon only absorbs binary noise such as 0.1+0.2.
func truncRatio(v float64) float64 {
	return math.Floor(v*1e6+1e-7) / 1e6
}

// text renders a Value for a person.
func (v Value) text() string {
	if !v.Known {
		return noData
	}
	switch v.Kind {
	case Ratio:
		return strconv.FormatFloat(truncRatio(v.V)*100, 'f', 4, 64) + "%"
	case Millis:
		return strconv.FormatFloat(v.V, 'f', 1, 64) + " ms"
	case Seconds:
		return cst.FormatDuration(time.Duration(v.V * float64(time.Second)))
	default:
		return strconv.FormatFloat(v.V, 'f', 0, 64)
	}
}

// number is the Value as stored in a spreadsheet cell: ratios truncated so
// that the cell cannot show more than the report does.
func (v Value) number() float64 {
	if v.Kind == Ratio {
		return truncRatio(v.V)
	}
	return v.V
}

var severityWords = map[string]string{"critical": "紧急", "major": "重要", "minor": "次要", "warning": "提示"}

var recommendationWords = map[string]string{"shut_down": "关停", "consolidate": "整合", "downsize": "降配"}

var classWords = map[string]string{"idle": "闲置资源", "low_use": "低效资源"}

var opWords = map[string]string{">=": "≥", "<=": "≤"}

// word maps a code to its Chinese word; an unknown code is shown as is.
func word(m map[string]string, code string) string {
	if w, ok := m[code]; ok {
		return w
	}
	return code
}

func metWord(met bool) string {
	if met {
		return "达标"
	}
	return "未达标"
}

func spanEnd(t time.Time) string {
	if t.IsZero() {
		return "未恢复"
	}
	return cst.FormatTime(t)
}

func spanDuration(s sla.Span) string {
	if s.End.IsZero() {
		return "—"
	}
	return cst.FormatDuration(s.End.Sub(s.Start))
}

var monthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)

// ErrInvalid marks a Report the renderers refuse.
var ErrInvalid = errors.New("invalid report")

// Validate checks what the renderers rely on: a month, a checksum, and
// figures that are numbers (no NaN or Inf, ratios within 0…1).
func (r Report) Validate() error {
	if !monthRE.MatchString(r.Month) {
		return fmt.Errorf("%w: month %q is not YYYY-MM", ErrInvalid, r.Month)
	}
	if r.InputSHA256 == "" {
		return fmt.Errorf("%w: no input checksum", ErrInvalid)
	}
	for _, v := range r.values() {
		if err := v.check(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return nil
}

func (v Value) check() error {
	if !v.Known {
		return nil
	}
	if math.IsNaN(v.V) || math.IsInf(v.V, 0) {
		return fmt.Errorf("figure %v is not a number", v.V)
	}
	if v.Kind == Ratio && (v.V < 0 || v.V > 1) {
		return fmt.Errorf("ratio %v outside 0…1", v.V)
	}
	return nil
}

// values lists every figure of the report, for Validate.
func (r Report) values() []Value {
	vs := []Value{r.Agents.Rate, r.Agents.Target, r.Incidents.MTTA, r.Incidents.MTTR}
	for _, s := range r.Summary {
		vs = append(vs, s.Target, s.Figure)
	}
	for _, d := range r.Agents.Daily {
		vs = append(vs, d.Rate)
	}
	for _, g := range append(append([]GroupRate{}, r.Agents.ByDistrict...), r.Incidents.Availability...) {
		vs = append(vs, g.Rate)
	}
	for _, g := range append(append([]LinkGroup{}, r.Links.ByLevel...), r.Links.ByDistrict...) {
		vs = append(vs, g.Availability, g.LatencyP99, g.Loss, g.Jitter)
	}
	for _, b := range r.Links.Breaches {
		vs = append(vs, b.Worst, b.Limit)
	}
	for _, s := range r.Incidents.BySeverity {
		vs = append(vs, s.MTTA, s.MTTR)
	}
	for _, u := range append(append([]Usage{}, r.Resources.ByDistrict...), r.Resources.BySystem...) {
		vs = append(vs, u.CPU, u.CPUP95, u.Memory, u.Disk)
	}
	for _, f := range r.Resources.Findings {
		vs = append(vs, f.CPU, f.Memory)
	}
	return vs
}
