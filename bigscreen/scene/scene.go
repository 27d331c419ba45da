// Package scene owns what a video-wall scene is, as data: its definition
// (dashboards/screens/*.yaml: panels on a 24×12 grid, each with a query or a
// source), how scene files load and validate, and the shape of each panel's
// data. Both the hub (package bigscreen, which must not link Prometheus) and
// the evaluator (bigscreen/eval, which runs PromQL) use it, so it links no
// Prometheus either: Load takes the PromQL check from the caller.
package scene

import "time"

// The wall's grid: 24 columns × 12 rows of the 1920×1080 canvas.
const (
	GridColumns = 24
	GridRows    = 12
)

// DefaultRefresh is a panel's refresh when its scene file gives none.
const DefaultRefresh = 15 * time.Second

// Def is one scene as data. The page draws it from the JSON alone; the
// server-only fields of its panels (yaml, json:"-") say how each panel is
// computed.
type Def struct {
	ID     string  `json:"id" yaml:"id"`
	Title  string  `json:"title" yaml:"title"` // e.g. 全市总览
	Panels []Panel `json:"panels" yaml:"panels"`
}

// Panel display types the page knows.
const (
	PanelKPI      = "kpi"      // one big number (flip counter) with optional sub-values
	PanelMap      = "map"      // the district map coloured by Rows[].state, with Points
	PanelRanking  = "ranking"  // top-N bars
	PanelBoard    = "board"    // scrolling incident board
	PanelTable    = "table"    // rows × columns
	PanelTopology = "topology" // WAN levels: nodes and links
	PanelGauge    = "gauge"    // water level 0–100 %
	PanelDuty     = "duty"     // who is on duty now
)

// Panel sources other than a PromQL query.
const (
	SourceIncidents     = "incidents"      // board: open incidents, newest first
	SourceIncidentStats = "incident_stats" // kpi: open by severity, or MTTA/MTTR today
	SourceDuty          = "duty"           // duty: who is on duty now
	SourceTopology      = "topology"       // topology: WAN devices and links from the inventory
)

// Labels of an incident_stats panel: what the KPI shows.
const (
	StatSeverity = "severity" // open incidents, Sub by severity (the default)
	StatMTTA     = "mtta"     // mean time to acknowledge of today's incidents, seconds
	StatMTTR     = "mttr"     // mean time to resolve of today's incidents, seconds
)

// Panel is one panel of a scene.
type Panel struct {
	ID         string      `json:"id" yaml:"id"`
	Title      string      `json:"title" yaml:"title"`
	Type       string      `json:"type" yaml:"type"`
	Grid       Grid        `json:"grid" yaml:"grid"`
	Format     string      `json:"format,omitempty" yaml:"format,omitempty"` // percent | number | bps | bytes | seconds | ms | duration
	Thresholds []Threshold `json:"thresholds,omitempty" yaml:"thresholds,omitempty"`

	// Server side: a PromQL Query (instant, at each Refresh), or a Source
	// (incidents, duty, topology, stats), the label naming each row, the
	// number of rows kept and their order.
	Query   string        `json:"-" yaml:"query,omitempty"`
	Source  string        `json:"-" yaml:"source,omitempty"`
	Refresh time.Duration `json:"-" yaml:"refresh,omitempty"`
	Label   string        `json:"-" yaml:"label,omitempty"`
	Limit   int           `json:"-" yaml:"limit,omitempty"`
	Sort    string        `json:"-" yaml:"sort,omitempty"` // asc | desc
}

// Grid places a panel on a 24-column × 12-row grid of the 1920×1080 canvas.
type Grid struct {
	X int `json:"x" yaml:"x"`
	Y int `json:"y" yaml:"y"`
	W int `json:"w" yaml:"w"`
	H int `json:"h" yaml:"h"`
}

// Threshold colours a value: at or beyond Value (in the direction of
// Sort/the panel's sense), the state is State.
type Threshold struct {
	Value float64 `json:"value" yaml:"value"`
	State string  `json:"state" yaml:"state"` // ok | warn | bad
}
