// Package sla owns the service-level accounting the bureau pays on (R-A1,
// R-A4, R-B1…R-B5): what counts as good per entity, measured in
// Asia/Shanghai calendar days and months, with no-data kept apart from down,
// maintenance excluded and every figure reproducible from a frozen ledger.
// The accounting rules are written down in docs/sla.md; this file is the
// contract between the accounting (account*.go), the ledger (ledger*.go)
// and the report (rules/report).
package sla

import "time"

// Status of one window of one entity.
type Status int

// The statuses a window can have. Unknown is never counted as up or down.
const (
	Good     Status = iota // the SLI's condition held
	Bad                    // it did not
	Unknown                // no data: our collector down, data lost
	Excluded               // in a maintenance window, or outside the SLI's calendar
)

// SLI is one indicator: which series, what counts as good, the target.
type SLI struct {
	Name        string        `yaml:"name" json:"name"`               // e.g. agent_online
	Title       string        `yaml:"title" json:"title"`             // Chinese, e.g. 监控插件在线率
	Requirement string        `yaml:"requirement" json:"requirement"` // e.g. R-A1
	Entity      string        `yaml:"entity" json:"entity"`           // vm_agent | link | service | device
	Query       string        `yaml:"query" json:"query"`             // PromQL selecting one series per entity
	EntityLabel string        `yaml:"entity_label" json:"entity_label"`
	Good        string        `yaml:"good" json:"good"`                             // condition on the value, e.g. "== 1", "<= 0.05"
	Window      time.Duration `yaml:"window" json:"window"`                         // accounting resolution, e.g. 1m or 5m
	Target      float64       `yaml:"target" json:"target"`                         // ratio of good time required, e.g. 1, 0.999
	Calendar    string        `yaml:"calendar,omitempty" json:"calendar,omitempty"` // "" always, or a business-hours calendar name
}

// Tally is time by status, in whole seconds.
type Tally struct {
	GoodS     int64 `json:"good_s"`
	BadS      int64 `json:"bad_s"`
	UnknownS  int64 `json:"unknown_s"`
	ExcludedS int64 `json:"excluded_s"`
}

// Day is one entity's tally for one CST calendar day: what the ledger stores
// when it closes a day.
type Day struct {
	SLI      string            `json:"sli"`
	Entity   string            `json:"entity"`
	Labels   map[string]string `json:"labels"` // district, level, site, system, …
	Date     string            `json:"date"`   // YYYY-MM-DD in Asia/Shanghai
	Tally    Tally             `json:"tally"`
	Outages  []Span            `json:"outages,omitempty"` // bad spans, for the breach lists
	Stats    *Stats            `json:"stats,omitempty"`   // usage SLIs only (UsageCPU, …): the day's figures
	ClosedAt time.Time         `json:"closed_at"`
}

// The usage "SLIs" (R-A2): closed per VM and day like the others so that a
// frozen month holds the resource figures too, and a re-issued report needs
// no raw sample. Their Tally counts seconds with data as Good and seconds
// without as Unknown (nothing is ever Bad); their Stats carry the figures.
const (
	UsageCPU    = "vm_cpu"    // CPU busy ratio, 0…1, from the agent's CPU seconds counters
	UsageMemory = "vm_memory" // memory used ratio, 0…1
	UsageDisk   = "vm_disk"   // used ratio of the fullest filesystem, 0…1
)

// Stats summarise a measured value over one day. Mean is time-weighted over
// the measured intervals, P95 is the 95th percentile of the day's 5-minute
// means, Max the largest 5-minute mean. Last is the last 5-minute mean of
// the day (for the trend of disk use).
type Stats struct {
	Mean      float64 `json:"mean"`
	P95       float64 `json:"p95"`
	Max       float64 `json:"max"`
	Last      float64 `json:"last"`
	Intervals int64   `json:"intervals"` // 5-minute intervals behind the figures
	// Count is a flow day's passages (FlowVisitorsIn …), whose other
	// figures are 0; absent from every other day's stored form.
	Count int64 `json:"count,omitempty"`
}

// IncidentRecord is one incident as frozen with its month (R-A4): every
// incident that fired in the month, as the incident store had it at the
// freeze, so MTTA and MTTR reproduce after the store has moved on.
type IncidentRecord struct {
	ID           int64             `json:"id"`
	Alertname    string            `json:"alertname"`
	Severity     string            `json:"severity"` // critical | major | minor | warning
	Title        string            `json:"title"`    // Chinese summary annotation
	Labels       map[string]string `json:"labels,omitempty"`
	FirstFired   time.Time         `json:"first_fired"`
	AckedBy      string            `json:"acked_by,omitempty"`
	AckedAt      time.Time         `json:"acked_at,omitzero"`
	ResolvedAt   time.Time         `json:"resolved_at,omitzero"`
	SuppressedBy int64             `json:"suppressed_by,omitempty"` // root incident: not a fault of its own
}

// Span is a stretch of time [Start, End).
type Span struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// Month is one frozen calendar month: the days that made it, when it was
// frozen and a checksum of its inputs, so a re-issued report is identical.
type Month struct {
	Month       string    `json:"month"` // YYYY-MM
	Days        []Day     `json:"days"`
	FrozenAt    time.Time `json:"frozen_at"`
	InputSHA256 string    `json:"input_sha256"`
	Corrections []string  `json:"corrections,omitempty"` // late data after the grace period, as notes
	// Incidents fired in the month, frozen with it (covered by InputSHA256).
	Incidents []IncidentRecord `json:"incidents,omitempty"`
}

// Ratio is good ÷ (good + bad): unknown and excluded time are in neither.
// ok is false when nothing was measured.
func (t Tally) Ratio() (ratio float64, ok bool) {
	n := t.GoodS + t.BadS
	if n == 0 {
		return 0, false
	}
	return float64(t.GoodS) / float64(n), true
}

// Add sums two tallies.
func (t Tally) Add(o Tally) Tally {
	return Tally{t.GoodS + o.GoodS, t.BadS + o.BadS, t.UnknownS + o.UnknownS, t.ExcludedS + o.ExcludedS}
}
