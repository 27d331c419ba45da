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
	PanelCameras  = "cameras"  // camera wall: live thumbnails with fault badges
	PanelPlan     = "plan"     // a site plan drawn from the scene's layout, points coloured by Rows
)

// Panel sources other than a PromQL query.
const (
	SourceIncidents     = "incidents"      // board: open incidents, newest first
	SourceIncidentStats = "incident_stats" // kpi: open by severity, or MTTA/MTTR today
	SourceDuty          = "duty"           // duty: who is on duty now
	SourceTopology      = "topology"       // topology: WAN devices and links from the inventory
	SourceCameras       = "cameras"        // cameras: every camera's last frame, state and faults
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

	// Layout is a plan panel's drawing: the page needs it, so it goes out
	// with the definition.
	Layout *Layout `json:"layout,omitempty" yaml:"layout,omitempty"`
}

// Layout is a site plan in its own coordinates (0–100 across, 0–Height
// down): areas and paths drawn as they are, and points whose colour is the
// state of the panel's row with the point's Key as name. A schematic, not a
// survey: what an operator needs is which gate or camera, roughly where.
type Layout struct {
	Height float64       `json:"height" yaml:"height"` // default 56 (the 16:9 of most panels)
	Shapes []LayoutShape `json:"shapes,omitempty" yaml:"shapes,omitempty"`
	Points []LayoutPoint `json:"points" yaml:"points"`
}

// LayoutShape is an area (a closed polygon: the lake, a car park) or a path
// (a road) with an optional name written at its first point.
type LayoutShape struct {
	Kind   string       `json:"kind" yaml:"kind"`   // area | path
	Style  string       `json:"style" yaml:"style"` // water | green | road | lot | building
	Name   string       `json:"name,omitempty" yaml:"name,omitempty"`
	Points [][2]float64 `json:"points" yaml:"points"`
}

// LayoutPoint is one device on the plan: Key is the row name (a target's
// instance) whose state colours it, Icon what it is.
type LayoutPoint struct {
	Key  string  `json:"key" yaml:"key"`
	Name string  `json:"name" yaml:"name"`
	Icon string  `json:"icon" yaml:"icon"` // camera | gate | barrier | led | parking | wifi | broadcast | nvr
	X    float64 `json:"x" yaml:"x"`
	Y    float64 `json:"y" yaml:"y"`
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
