// Package bigscreen owns the video wall (大屏, R-C3, R-A5): scenes defined as
// data (dashboards/screens/*.yaml), evaluated on one schedule shared by every
// screen, pushed over WebSocket as a full snapshot and then deltas with
// sequence numbers, and the page (web/) that draws them on a 1920×1080 canvas
// scaled to the wall. This file is the contract between the three parts: the
// hub (hub*.go), the evaluator (scene*.go, eval*.go) and the page (web/).
package bigscreen

import (
	"encoding/json"
	"time"
)

// Message types, server → screen. Every frame is one JSON text message.
const (
	// MsgScreen is the first frame after a good hello: the screen's settings.
	MsgScreen = "screen"
	// MsgSnapshot is a scene's whole state: its layout (Def) and every panel.
	MsgSnapshot = "snapshot"
	// MsgDelta carries the panels that changed since Seq-1.
	MsgDelta = "delta"
	// MsgHeartbeat comes every few seconds with the server time and, per
	// scene, the newest Seq and evaluation time: a screen that sees a Seq
	// above its own asks for a resync; one that sees no heartbeat reconnects.
	MsgHeartbeat = "heartbeat"
	// MsgError precedes a close the server decides (bad token, revoked, bad
	// frame, too slow); Reason says why in Chinese for the page's log.
	MsgError = "error"
)

// Client message types, screen → server.
const (
	// ClientHello opens the session: which screen (its name in the
	// configuration) and, after a reconnect, the Seq it holds per scene.
	ClientHello = "hello"
	// ClientResync asks again for what follows LastSeq (deltas from the
	// history, or a fresh snapshot when they are gone).
	ClientResync = "resync"
)

// Message is one frame from the server.
type Message struct {
	Type   string                     `json:"type"`
	Scene  string                     `json:"scene,omitempty"`
	Seq    uint64                     `json:"seq,omitempty"` // per scene; +1 per delta; a snapshot carries the current one
	At     time.Time                  `json:"at"`            // evaluation time of the data (heartbeat: server time)
	Def    *SceneDef                  `json:"def,omitempty"` // snapshot only
	Panels map[string]json.RawMessage `json:"panels,omitempty"`
	Screen *ScreenConfig              `json:"screen,omitempty"` // MsgScreen only
	Scenes map[string]SceneStatus     `json:"scenes,omitempty"` // heartbeat only
	Reason string                     `json:"reason,omitempty"` // MsgError only
}

// SceneStatus is a scene's position in a heartbeat.
type SceneStatus struct {
	Seq uint64    `json:"seq"`
	At  time.Time `json:"at"`
}

// ClientMessage is one frame from a screen (bounded: a few KiB at most).
type ClientMessage struct {
	Type    string            `json:"type"`
	Screen  string            `json:"screen,omitempty"`   // hello
	Scenes  []string          `json:"scenes,omitempty"`   // hello: a pinned scene (?scene=) instead of the playlist
	LastSeq map[string]uint64 `json:"last_seq,omitempty"` // hello, resync
}

// ScreenConfig is what a screen is told about itself (configuration
// `bigscreen.screens[]`); the page rotates Playlist every Dwell unless a scene
// is pinned, scales the 1920×1080 canvas by Fit, reloads itself every
// ReloadEvery and shows 数据延迟 when data is older than StaleAfter.
type ScreenConfig struct {
	Name        string        `json:"name" yaml:"name"`
	Playlist    []string      `json:"playlist" yaml:"playlist"`
	Dwell       time.Duration `json:"dwell_ms" yaml:"dwell"`               // JSON in milliseconds (see MarshalJSON)
	Fit         string        `json:"fit" yaml:"fit"`                      // width | height | stretch
	ReloadEvery time.Duration `json:"reload_every_ms" yaml:"reload_every"` // 0: never
	StaleAfter  time.Duration `json:"stale_after_ms" yaml:"stale_after"`
}

// MarshalJSON writes the durations in milliseconds for the page.
func (c ScreenConfig) MarshalJSON() ([]byte, error) {
	type wire struct {
		Name        string   `json:"name"`
		Playlist    []string `json:"playlist"`
		Dwell       int64    `json:"dwell_ms"`
		Fit         string   `json:"fit"`
		ReloadEvery int64    `json:"reload_every_ms"`
		StaleAfter  int64    `json:"stale_after_ms"`
	}
	return json.Marshal(wire{c.Name, c.Playlist, c.Dwell.Milliseconds(), c.Fit, c.ReloadEvery.Milliseconds(),
		c.StaleAfter.Milliseconds()})
}

// SceneDef is one scene as data. The page draws it from Def alone; the
// server-only fields (yaml, json:"-") say how each panel is computed.
type SceneDef struct {
	ID     string     `json:"id" yaml:"id"`
	Title  string     `json:"title" yaml:"title"` // e.g. 全市总览
	Panels []PanelDef `json:"panels" yaml:"panels"`
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

// PanelDef is one panel of a scene.
type PanelDef struct {
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

// Panel data, as the evaluator publishes it and the page reads it. Values
// are numbers or null (no data: the page shows "—", never 0).

// KPIData is a PanelKPI or PanelGauge.
type KPIData struct {
	Value *float64 `json:"value"`
	State string   `json:"state,omitempty"`
	Sub   []Row    `json:"sub,omitempty"` // e.g. open incidents by severity
}

// RowsData is a PanelMap, PanelRanking or PanelTable (and a board's rows).
type RowsData struct {
	Rows   []Row `json:"rows"`
	Points []Row `json:"points,omitempty"` // map: the three development zones
}

// Row is one named value; Labels carry what a table shows in more columns.
type Row struct {
	Name   string            `json:"name"`
	Value  *float64          `json:"value"`
	State  string            `json:"state,omitempty"` // ok | warn | bad | unknown
	Labels map[string]string `json:"labels,omitempty"`
	Coord  []float64         `json:"coord,omitempty"` // map points: [lon, lat]
}

// BoardData is a PanelBoard: open incidents, newest first.
type BoardData struct {
	Rows []BoardRow `json:"rows"`
}

// BoardRow is one incident on the board.
type BoardRow struct {
	ID           int64     `json:"id"`
	Severity     string    `json:"severity"`
	SeverityName string    `json:"severity_name"` // 紧急 重要 次要 提示
	Title        string    `json:"title"`
	District     string    `json:"district"`
	Object       string    `json:"object"`
	Since        time.Time `json:"since"`
	AckedBy      string    `json:"acked_by,omitempty"`
	Held         int       `json:"held,omitempty"` // incidents held back under it (因上级故障抑制)
}

// DutyData is a PanelDuty.
type DutyData struct {
	People []DutyPerson `json:"people"`
	Watch  string       `json:"watch,omitempty"` // 重保期 banner when one is active
}

// DutyPerson is someone on duty now.
type DutyPerson struct {
	Name   string    `json:"name"`
	Roster string    `json:"roster"`
	Phone  string    `json:"phone,omitempty"` // masked: 138****0001
	Until  time.Time `json:"until,omitzero"`
}

// TopologyData is a PanelTopology: devices by level and the links between.
type TopologyData struct {
	Nodes []TopoNode `json:"nodes"`
	Links []TopoLink `json:"links"`
}

// TopoNode is a device (or an aggregate of a level when there are too many).
type TopoNode struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level"` // city | county | town | village
	State string `json:"state"` // ok | warn | bad | unknown
	Count int    `json:"count,omitempty"`
}

// TopoLink is a link with its state and utilisation (0–1, null: unknown).
type TopoLink struct {
	Source string   `json:"source"`
	Target string   `json:"target"`
	State  string   `json:"state"` // ok | degraded | down | unknown
	Util   *float64 `json:"util"`
}
