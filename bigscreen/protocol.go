// Package bigscreen owns the video wall (大屏, R-C3, R-A5) from the scenes'
// state to the glass: the hub (hub*.go) that pushes each scene over
// WebSocket as a full snapshot and then deltas with sequence numbers, and
// the page (web/) that draws them on 1920×1080 canvases, one per column of
// the wall, scaled to it. The scenes themselves are data (bigscreen/scene);
// bigscreen/eval computes their panels. This file is the contract between
// the hub and the page. The package links no Prometheus: a wall server
// needs none of it.
package bigscreen

import (
	"encoding/json"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// Message types, server → screen. Every frame is one JSON text message.
const (
	// MsgScreen is the first frame after a good hello: the screen's settings
	// and the titles of the scenes it follows.
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
	Def    *scene.Def                 `json:"def,omitempty"` // snapshot only
	Panels map[string]json.RawMessage `json:"panels,omitempty"`
	Screen *ScreenConfig              `json:"screen,omitempty"` // MsgScreen only
	Titles map[string]string          `json:"titles,omitempty"` // MsgScreen only: scene id → title, for the tabs
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

// MaxColumns bounds a screen's columns: four 16:9 canvases side by side
// (64:9) is the widest splicing wall we have seen; past it a scene's text is
// too small to read from the duty desk anyway.
const MaxColumns = 4

// ScreenConfig is what a screen is told about itself (configuration
// `bigscreen.screens[]`). The page lays Columns 1920×1080 canvases side by
// side and scales them together by Fit, so a 32:9 wall with columns 2 (48:9
// with 3) is filled edge to edge. Column k starts at the k-th scene of the
// Playlist and moves on by Columns scenes every Dwell, a Dwell/Columns after
// column k-1: neighbours never show the same scene nor change at the same
// moment. A pinned scene (?scene=) takes the whole wall. The page reloads
// itself every ReloadEvery and shows 数据延迟 when data is older than
// StaleAfter.
type ScreenConfig struct {
	Name        string        `json:"name" yaml:"name"`
	Playlist    []string      `json:"playlist" yaml:"playlist"`
	Dwell       time.Duration `json:"dwell_ms" yaml:"dwell"`               // JSON in milliseconds (see MarshalJSON)
	Fit         string        `json:"fit" yaml:"fit"`                      // width | height | stretch
	Columns     int           `json:"columns" yaml:"columns"`              // 1–MaxColumns; 0 in a test means 1
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
		Columns     int      `json:"columns"`
		ReloadEvery int64    `json:"reload_every_ms"`
		StaleAfter  int64    `json:"stale_after_ms"`
	}
	return json.Marshal(wire{c.Name, c.Playlist, c.Dwell.Milliseconds(), c.Fit, max(c.Columns, 1),
		c.ReloadEvery.Milliseconds(), c.StaleAfter.Milliseconds()})
}
