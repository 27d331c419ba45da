package report

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// noData is the glossary's word for an unknown figure.
const noData = "无数据"

// pctRatio turns a percentage with four truncated decimals ("99.9960", as
// sla.Percent4 and sla.TallyPercent4 write it) back into its ratio, parsed
// from the decimal digits so that it is the double nearest 0.999960 and
// prints back as the same figure.
func pctRatio(pct string) float64 {
	whole, frac, _ := strings.Cut(strings.TrimPrefix(pct, "-"), ".")
	v, err := strconv.ParseFloat(whole+frac+"e-6", 64)
	if err != nil || strings.HasPrefix(pct, "-") {
		return 0 // unreachable for a ratio in 0…1, which Validate ensures
	}
	return v
}

// text renders a Value for a person. Ratios are truncated to four decimals
// of a percentage by sla.Percent4: 99.99996 % is 99.9999 %, never 100 %.
func (v Value) text() string {
	if !v.Known {
		return noData
	}
	switch v.Kind {
	case Ratio:
		return sla.Percent4(v.V) + "%"
	case Millis:
		return strconv.FormatFloat(v.V, 'f', 1, 64) + " ms"
	case Seconds:
		return cst.FormatDurationMinutes(time.Duration(v.V * float64(time.Second)))
	case Number:
		return strconv.FormatFloat(v.V, 'g', 4, 64)
	default:
		return strconv.FormatFloat(v.V, 'f', 0, 64)
	}
}

// String is the Value as the report shows it (for messages such as the
// notification that a report was issued): 99.9992%, 24分20秒, 无数据.
func (v Value) String() string { return v.text() }

// number is the Value as stored in a spreadsheet cell: ratios truncated so
// that the cell cannot show more than the report does.
func (v Value) number() float64 {
	if v.Kind == Ratio {
		return pctRatio(sla.Percent4(v.V))
	}
	return v.V
}

var severityWords = map[string]string{"critical": "紧急", "major": "重要", "minor": "次要", "warning": "提示"}

var recommendationWords = map[string]string{"shut_down": "关停", "consolidate": "整合", "downsize": "降配"}

var classWords = map[string]string{"idle": "闲置资源", "low_use": "低效资源"}

var opWords = map[string]string{">=": "≥", "<=": "≤", "==": "=", "!=": "≠", "<": "<", ">": ">"}

// word maps a code to its Chinese word; an unknown code is shown as is.
func word(m map[string]string, code string) string {
	if w, ok := m[code]; ok {
		return w
	}
	return code
}

var verdictWords = map[Verdict]string{Undetermined: "无法判定", Met: "达标", Missed: "未达标"}

// provisionalWords mark a report of a month not frozen yet, in its title
// and on every page.
const provisionalWords = "临时报告（本月尚未封账）"

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
	return cst.FormatDurationMinutes(s.End.Sub(s.Start))
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
	if r.InputSHA256 == "" && !r.Provisional() {
		return fmt.Errorf("%w: no input checksum for a frozen month", ErrInvalid)
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
		vs = append(append(vs, g.Compliance...), g.Measured...)
	}
	for _, o := range r.Agents.Offline {
		vs = append(vs, o.Repair)
	}
	for _, b := range r.Links.Breaches {
		vs = append(vs, b.Worst, b.Limit)
	}
	for _, s := range r.Incidents.BySeverity {
		vs = append(vs, s.MTTA, s.MTTR)
	}
	for _, u := range append(append([]Usage{}, r.Resources.ByDistrict...), r.Resources.BySystem...) {
		vs = append(vs, u.CPU, u.CPUPeak, u.Memory, u.Disk)
	}
	for _, f := range r.Resources.Findings {
		vs = append(vs, f.CPU, f.CPUPeak, f.Memory)
	}
	return append(append(append(vs, r.Scenic.values()...), r.Cloud.values()...), r.Security.values()...)
}
