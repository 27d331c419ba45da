package report

import "time"

// The daily inspection report (日常巡检报告, R-A10): each morning, the state
// of every district and system, what changed since yesterday, which disks
// and links are heading for their water level (水位), and the incidents that
// are still open. BuildInspection turns plain inputs (filled by the caller
// from the TSDB and the incident store) into an Inspection; the renderers
// only draw it.

// AgentState is one monitoring agent (监控插件) in a snapshot.
type AgentState struct {
	Instance, District, System string
	Online                     bool
}

// Redundancy states of a link, as the glossary names them (冗余: 正常/降级/中断).
// An empty state means the link has no redundant path.
const (
	RedundancyFull     = "full"
	RedundancyDegraded = "degraded"
	RedundancyDown     = "down"
)

// LinkState is one WAN link (链路) in a snapshot.
type LinkState struct {
	Name, Level, District string
	Up                    bool
	Redundancy            string // RedundancyFull, RedundancyDegraded, RedundancyDown or ""
}

// Snapshot is the estate at one moment: today's run and yesterday's.
type Snapshot struct {
	Agents []AgentState
	Links  []LinkState
}

// Point is one daily figure: the day (any instant inside it) and the value,
// a ratio such as disk used or link utilisation.
type Point struct {
	Day   time.Time
	Value float64
}

// Series is the daily points of one entity for one metric.
type Series struct {
	Entity, District, System string
	Points                   []Point
}

// IncidentInfo is what the report needs of one incident (事件).
type IncidentInfo struct {
	ID, Title, Severity, District, System string    // Severity: critical|major|minor|warning
	Opened, Acked, Resolved               time.Time // zero when not (yet) acknowledged or resolved
}

// Metrics a trend can be about.
const (
	MetricDisk      = "disk"      // disk used ratio per VM
	MetricBandwidth = "bandwidth" // utilisation per link
)

// Defaults of InspectionInput.
const (
	DefaultHorizonDays        = 30
	DefaultDiskThreshold      = 0.90
	DefaultBandwidthThreshold = 0.80
)

// InspectionInput is everything BuildInspection reads.
type InspectionInput struct {
	At                 time.Time // when the report is generated; its CST day is the report's date
	Issuer             string    // e.g. SwanWatch 运维团队
	Today, Yesterday   Snapshot  // the estate now and 24 h earlier
	Disk               []Series  // daily disk used ratio per VM, the last N days
	Bandwidth          []Series  // daily utilisation per link, the last N days
	Open               []IncidentInfo
	Recent             []IncidentInfo // incidents opened or resolved in the 24 h before At
	Scenic             ScenicSnapshot // the Swan Lake scenic area now
	Cloud              CloudSnapshot  // the government cloud platform now
	HorizonDays        int            // a trend is listed when it reaches its threshold within this; 0: 30
	DiskThreshold      float64        // 0: 0.90
	BandwidthThreshold float64        // 0: 0.80
}

// Inspection is the report: every figure is computed, the renderers only draw.
type Inspection struct {
	Date        string // YYYY-MM-DD in Asia/Shanghai
	GeneratedAt time.Time
	Issuer      string
	HorizonDays int
	Thresholds  map[string]float64 // by metric
	Total       StatusGroup        // the whole estate
	ByDistrict  []StatusGroup      // sorted by the glossary's order of districts, others after by name
	BySystem    []StatusGroup      // sorted by name
	Changes     []Change
	Trends      []Trend    // past their threshold or reaching it within the horizon, soonest first
	Checked     int        // series forecast, of both metrics
	FewPoints   int        // of those, series with too few points for a line
	Unresolved  []OpenItem // most severe first, then oldest
	Scenic      ScenicStatus
	Cloud       CloudStatus
	Notes       []string // input that was left out, and why (数据说明)
}

// StatusGroup is the state of one district, one system or the whole estate.
type StatusGroup struct {
	Name                string
	AgentsOnline        int
	Agents              int
	AgentRate           Value // Ratio; unknown when the group has no agent
	LinksUp, Links      int
	RedundancyDegraded  int
	RedundancyDown      int
	OpenBySeverity      [4]int // critical, major, minor, warning
	HasLinks, HasAgents bool   // whether the group has such entities at all (a system has no links)
}

// severityOrder is the order of OpenBySeverity and of the unresolved list.
var severityOrder = []string{"critical", "major", "minor", "warning"}

// Change kinds, in the order the report lists them.
const (
	ChangeAgentOffline     = "agent_offline"
	ChangeAgentOnline      = "agent_online"
	ChangeAgentAdded       = "agent_added"
	ChangeAgentRemoved     = "agent_removed"
	ChangeLinkDown         = "link_down"
	ChangeLinkUp           = "link_up"
	ChangeLinkAdded        = "link_added"
	ChangeLinkRemoved      = "link_removed"
	ChangeRedundancy       = "redundancy"
	ChangeIncidentOpened   = "incident_opened"
	ChangeIncidentResolved = "incident_resolved"
)

// Change is one difference since yesterday, or one incident event of the last 24 h.
type Change struct {
	Kind     string // Change*
	Entity   string // instance, link name or incident ID
	District string
	Detail   string    // Chinese: system, level, redundancy from→to or incident title
	At       time.Time // an incident's opening or resolution; zero for a state change (only snapshots are compared)
}

// OpenItem is one unresolved incident with its age at GeneratedAt.
type OpenItem struct {
	IncidentInfo
	Age time.Duration
}
