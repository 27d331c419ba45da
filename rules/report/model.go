// Package report owns the bureau's monthly SLA report (月度SLA服务报告): Build
// fills one Report model from a ledger month (build*.go, rules in
// docs/report.md), and the renderers show it as PDF (embedded CJK + Latin
// fonts, no browser), XLSX (one sheet per section, numbers as numbers) and
// self-contained HTML with server-side SVG charts. The renderers compute no
// figure: every number comes in the model, so a re-issued report from the
// same frozen month is identical. The daily inspection report (巡检报告,
// inspection*.go) is judged and drawn here too, on the same layout and PDF
// document. Gathering the inputs, issuing, keeping and announcing both is
// rules/report/issue.
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
	FrozenAt    time.Time // when the month was frozen (sla.Month.FrozenAt); zero: provisional
	InputSHA256 string    // sla.Month.InputSHA256: printed on every page; required once frozen
	Summary     []SummaryLine
	Agents      AgentSection
	Links       LinkSection
	Incidents   IncidentSection
	Resources   ResourceSection
	Scenic      ScenicSection
	Cloud       CloudSection    // 七、政务云平台
	Security    SecuritySection // 八、安全运营
	Methods     []Paragraph     // definitions and accounting rules (docs/sla.md)
	Gaps        []DataGap       // unknown (无数据) time, never counted as up or down
	Corrections []string        // sla.Month.Corrections
	// Ignored counts ledger days of indicators not configured (not in
	// Input.SLIs and not usage): left out, and said so in the methods.
	Ignored int
}

// Provisional reports whether the month is not frozen yet: the title and
// every page footer then say so (临时报告（本月尚未封账）).
func (r Report) Provisional() bool { return r.FrozenAt.IsZero() }

// Kind says what a Value measures and so how it is shown and stored.
type Kind int

// The kinds of figures in the report.
const (
	Ratio   Kind = iota // 0…1, shown as a percentage truncated to four decimals
	Millis              // milliseconds, e.g. latency and jitter
	Seconds             // a duration in seconds, e.g. MTTR
	Count               // a whole number
	Number              // a plain measured number without unit, e.g. a bit error rate
)

// Value is one figure. Known is false when nothing was measured (无数据).
type Value struct {
	V     float64
	Kind  Kind
	Known bool
}

// Verdict is a summary line's conclusion. A line without data can be
// neither met nor missed: it is Undetermined (无法判定).
type Verdict int

// The verdicts.
const (
	Undetermined Verdict = iota // no figure: 无法判定
	Met                         // 达标
	Missed                      // 未达标
)

// SummaryLine is one contractual line on the summary page.
type SummaryLine struct {
	Requirement string // R-ID, e.g. R-A1
	Title       string // Chinese, e.g. 监控插件在线率
	Target      Value
	Op          string // how Figure compares to Target: ">=" or "<="
	Figure      Value
	Verdict     Verdict // decided on the exact figure, not the shown one
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

// OfflineIncident is one agent's offline spell, joined across midnight.
type OfflineIncident struct {
	Entity   string // the VM
	District string
	System   string
	Span     sla.Span // End zero while still offline at month end
	Incident string   // the covering incident's ID, "" when none
	Cause    string   // the covering incident's title, or why there is none
	Repair   Value    // Seconds: how long it took to fix; unknown while not fixed
}

// LinkSection is R-B1…R-B6: link quality by level and district. The ledger
// holds good and bad seconds per link SLI, so a group shows each SLI's
// compliance ratio; measured values only where the days carry Stats.
type LinkSection struct {
	Indicators []string // Chinese titles of the link SLIs, the columns of every group
	ByLevel    []LinkGroup
	ByDistrict []LinkGroup
	Breaches   []Breach // every one, none left out
}

// LinkGroup aggregates the links of one level or district.
type LinkGroup struct {
	Name       string
	Links      int
	Compliance []Value // Ratio per indicator (LinkSection.Indicators), good ÷ (good + bad)
	Measured   []Value // per indicator: interval-weighted mean of Stats; unknown without Stats
	Breaches   int
}

// Breach is one bad span of one link SLI, joined across midnight.
type Breach struct {
	Link     string
	Level    string
	District string
	SLI      string // Chinese title of the indicator, e.g. 链路时延达标率
	Span     sla.Span
	Worst    Value  // highest 5-minute mean of the days it touches; unknown without Stats
	Op       string // the Good condition's operator: the span failed Op Limit
	Limit    Value  // the threshold of the SLI's Good condition
}

// IncidentSection is availability and incident statistics (R-A4). MTTA and
// MTTR are over root incidents (not suppressed by an upstream fault).
type IncidentSection struct {
	Availability []GroupRate       // service, device and VM-running SLIs per system
	Total        int               // incidents fired in the month
	Suppressed   int               // of which 因上级故障抑制 (SuppressedBy set)
	BySeverity   []SeverityStats   // root incidents, in the order critical, major, minor, warning
	MTTA         Value             // Seconds, over acknowledged root incidents
	MTTR         Value             // Seconds, over resolved root incidents
	Worst        []IncidentSummary // at most 20 root incidents, most severe then longest first
	Open         []IncidentSummary // root incidents not resolved when the month was frozen
}

// SeverityStats counts root incidents of one severity.
type SeverityStats struct {
	Severity string // critical | major | minor | warning
	Count    int
	Acked    int   // acknowledged: the MTTA is over these
	Resolved int   // resolved: the MTTR is over these
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
	VMs        int    // VMs with usage days in the month
	ByDistrict []Usage
	BySystem   []Usage
	Findings   []Finding
	Savings    Savings  // the findings' 元/月 from the contract's price list
	FollowUp   FollowUp // the recommendations' follow-up, set by rules/recommend after Build
}

// Usage is the use of a group's VMs over the month (docs/report.md).
type Usage struct {
	Name    string
	VMs     int
	CPU     Value // Ratio: interval-weighted mean over all the group's measured intervals
	CPUPeak Value // Ratio: mean over the VMs of each VM's peak (its highest daily P95)
	Memory  Value // Ratio: interval-weighted mean
	Disk    Value // Ratio: mean over the VMs of each VM's last measured disk use
}

// Finding is one idle or low-use VM and what to do about it.
type Finding struct {
	VM             string
	District       string
	System         string
	Class          string // idle | low_use
	CPU            Value  // Ratio, month mean
	CPUPeak        Value  // Ratio, highest daily P95
	Memory         Value  // Ratio, month mean
	Days           int    // days with CPU data
	Recommendation string // shut_down | consolidate | downsize
	Reason         string // Chinese, why
	Price          Pricing
	Dept           string // the VM's dept label (主管部门), "" when none
}

// Paragraph is one titled block of the methods appendix.
type Paragraph struct {
	Title string
	Text  string
}

// DataGap is the time with no data (无数据) of one entity and indicator in
// the month: the ledger keeps seconds per day, not the spans.
type DataGap struct {
	SLI      string // Chinese title of the indicator
	Entity   string
	UnknownS int64  // seconds without data in the month
	Days     int    // days with any
	First    string // first such day, YYYY-MM-DD
	Last     string // last such day
}

// ScenicSection is the Swan Lake scenic area (天鹅湖景区, R-C2…R-C4): its
// SLIs (those citing R-C2, R-C3 or R-C4), the major incidents (R-C4 零重大
// 故障) and the visitor and vehicle flow. A month without any of its data
// has HasData false and every figure unknown (无数据), never 0 % or 100 %.
type ScenicSection struct {
	HasData    bool
	Indicators []ScenicIndicator // in configured order
	BySite     []ScenicSite      // per park area (site), one rate per indicator
	Faults     []ScenicFault     // entities with bad time, most bad time first
	Major      Value             // Count: critical (紧急) root incidents of the area; unknown without data
	BySeverity [4]int            // the area's root incidents: critical, major, minor, warning
	Suppressed int               // the area's incidents suppressed by an upstream fault (因上级故障抑制)
	MajorList  []IncidentSummary // the critical root incidents, by time
	Flow       VisitorFlow
}

// ScenicIndicator is one scenic-area SLI over the month.
type ScenicIndicator struct {
	Requirement string
	Title       string
	Entities    int
	Rate        Value // Ratio: good ÷ (good + bad) over every entity
	Target      Value
	Verdict     Verdict
	Tally       sla.Tally
	Spells      int // bad spans, joined across midnight
}

// ScenicSite is one park area's rate per indicator (ScenicSection.Indicators).
type ScenicSite struct {
	Name  string
	Rates []Value
}

// ScenicFault is one camera, channel, gate or screen with bad time.
type ScenicFault struct {
	Indicator string // the SLI's title
	Entity    string
	Site      string
	Rate      Value
	BadS      int64
	Spells    int
}

// VisitorFlow is the month's passages (客流量 / 车流量, R-C3) from the flow
// days (sla.FlowVisitorsIn …). A figure is unknown when no day of it exists.
type VisitorFlow struct {
	Gates                   int   // gates with visitor counts
	VisitorsIn, VisitorsOut Value // Count, the month's sums
	VehiclesIn, VehiclesOut Value
	PeakDay                 string // the day with most visitors in, "" without data
	PeakIn                  Value
	Daily                   []DailyFlow // every day of the month
	ByGate                  []GateFlow
}

// DailyFlow is one CST day's sums over the gates.
type DailyFlow struct {
	Date                    string
	VisitorsIn, VisitorsOut Value
	VehiclesIn, VehiclesOut Value
}

// GateFlow is one gate's month: people (Vehicles false) or vehicles.
type GateFlow struct {
	Entity   string // instance/gate
	Site     string
	Vehicles bool
	In, Out  Value
}
