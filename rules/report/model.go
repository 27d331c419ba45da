// Package report owns the rendering of the bureau's monthly SLA report
// (月度SLA服务报告): one Report model, filled from the frozen ledger, rendered
// as PDF (embedded CJK + Latin fonts, no browser), XLSX (one sheet per
// section, numbers as numbers) and self-contained HTML with server-side SVG
// charts. It computes no figure itself: every number comes in the model, so
// a re-issued report from the same frozen month is identical.
package report

import (
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// Report is everything the monthly report shows, in the order of its sections.
type Report struct {
	Month       string    // YYYY-MM, Asia/Shanghai calendar month
	Addressee   string    // e.g. 市行政审批和政务信息管理局
	Issuer      string    // who produced it, e.g. the operator's name
	GeneratedAt time.Time // when this document was generated
	FrozenAt    time.Time // when the month was frozen (sla.Month.FrozenAt)
	InputSHA256 string    // sla.Month.InputSHA256: printed on every page
	Summary     []SummaryLine
	Agents      AgentSection
	Links       LinkSection
	Incidents   IncidentSection
	Resources   ResourceSection
	Methods     []Paragraph // definitions and accounting rules (docs/sla.md)
	Gaps        []DataGap   // unknown (无数据) time, never counted as up or down
	Corrections []string    // sla.Month.Corrections
}

// Kind says what a Value measures and so how it is shown and stored.
type Kind int

// The kinds of figures in the report.
const (
	Ratio   Kind = iota // 0…1, shown as a percentage truncated to four decimals
	Millis              // milliseconds, e.g. latency and jitter
	Seconds             // a duration in seconds, e.g. MTTR
	Count               // a whole number
)

// Value is one figure. Known is false when nothing was measured (无数据).
type Value struct {
	V     float64
	Kind  Kind
	Known bool
}

// SummaryLine is one contractual line on the summary page.
type SummaryLine struct {
	Requirement string // R-ID, e.g. R-A1
	Title       string // Chinese, e.g. 监控插件在线率
	Target      Value
	Op          string // how Figure compares to Target: ">=" or "<="
	Figure      Value
	Met         bool
}

// AgentSection is R-A1: the monitoring agents' online rate.
type AgentSection struct {
	Agents     int               // agents measured in the month
	Rate       Value             // month's online rate over all agents
	Target     Value             // e.g. 100 %
	Daily      []DailyRate       // for the trend chart
	ByDistrict []GroupRate       // rate per 区县
	Offline    []OfflineIncident // every offline spell and how long it took to fix
}

// DailyRate is one CST day's ratio.
type DailyRate struct {
	Date string // YYYY-MM-DD
	Rate Value
}

// GroupRate is a ratio over a group of entities (a district, a level).
type GroupRate struct {
	Name     string
	Entities int
	Rate     Value
	Tally    sla.Tally
}

// OfflineIncident is one agent's offline spell.
type OfflineIncident struct {
	Entity   string // the VM
	District string
	System   string
	Span     sla.Span // End zero while still offline at month end
	Cause    string
}

// LinkSection is R-B1…R-B5: link quality by level and district.
type LinkSection struct {
	ByLevel    []LinkGroup
	ByDistrict []LinkGroup
	Breaches   []Breach // every one, none left out
}

// LinkGroup aggregates the links of one level or district.
type LinkGroup struct {
	Name         string
	Links        int
	Availability Value // Ratio
	LatencyP99   Value // Millis
	Loss         Value // Ratio
	Jitter       Value // Millis
	Breaches     int
}

// Breach is one link's SLI breach.
type Breach struct {
	Link     string
	Level    string
	District string
	SLI      string // Chinese title of the indicator, e.g. 时延
	Span     sla.Span
	Worst    Value // the worst value seen in the span
	Limit    Value // the threshold it crossed
}

// IncidentSection is availability and incident statistics (R-A4).
type IncidentSection struct {
	Availability []GroupRate       // per service or system
	BySeverity   []SeverityStats   // in the order critical, major, minor, warning
	MTTA         Value             // Seconds, over all incidents
	MTTR         Value             // Seconds
	Worst        []IncidentSummary // the longest or most severe, worst first
}

// SeverityStats counts incidents of one severity.
type SeverityStats struct {
	Severity string // critical | major | minor | warning
	Count    int
	MTTA     Value // Seconds
	MTTR     Value // Seconds
}

// IncidentSummary is one incident in the worst list.
type IncidentSummary struct {
	ID       string
	Title    string
	Severity string
	District string
	Opened   time.Time
	Acked    time.Time // zero when never acknowledged
	Resolved time.Time // zero when still open
}

// ResourceSection is R-A2: resource usage with idle and low-use findings.
type ResourceSection struct {
	Thresholds string // how idle and low-use are decided, in Chinese
	ByDistrict []Usage
	BySystem   []Usage
	Findings   []Finding
}

// Usage is the average use of a group's VMs over the month.
type Usage struct {
	Name   string
	VMs    int
	CPU    Value // Ratio, mean
	CPUP95 Value // Ratio, 95th percentile
	Memory Value // Ratio
	Disk   Value // Ratio
}

// Finding is one idle or low-use VM and what to do about it.
type Finding struct {
	VM             string
	District       string
	System         string
	Class          string // idle | low_use
	CPU            Value  // Ratio, mean
	Memory         Value  // Ratio, mean
	Recommendation string // shut_down | consolidate | downsize
	Reason         string // Chinese, why
}

// Paragraph is one titled block of the methods appendix.
type Paragraph struct {
	Title string
	Text  string
}

// DataGap is time with no data for one entity and indicator.
type DataGap struct {
	SLI    string
	Entity string
	Span   sla.Span
	Reason string
}
