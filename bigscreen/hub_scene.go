package bigscreen

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// hubScene is the hub's whole knowledge of one scene: the latest panels,
// the deltas that led there (bounded) and the screens following it.
type hubScene struct {
	id        string
	def       *scene.Def
	defJSON   []byte // what the page sees of def, to tell a layout change
	panels    map[string]json.RawMessage
	seq       uint64
	at        time.Time
	history   []hubHistEntry // consecutive seqs ending at seq; oldest first
	snap      []byte         // encoded snapshot, nil when stale
	followers map[*hubConn]struct{}
}

type hubHistEntry struct {
	seq   uint64
	frame []byte
}

// Publish takes the full current state of one scene (the evaluator calls it
// once per evaluation round). When a panel differs from the last state, the
// scene's Seq goes up by one and the delta goes to every screen following
// the scene; a new or changed layout goes out as a snapshot instead.
// Publish keeps no reference to panels (def is kept: do not change it
// after publishing; publish a new one) and never blocks on a screen.
func (h *Hub) Publish(def *scene.Def, panels map[string]json.RawMessage, at time.Time) {
	if def == nil || def.ID == "" {
		h.log.Warn("publish without a scene id ignored")
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	s := h.scene(def.ID)
	s.at, s.snap = at, nil
	if def != s.def { // the evaluator passes the same pointer every round
		defJSON, err := json.Marshal(def)
		if err != nil {
			h.log.Error("encode scene definition", "scene", def.ID, "err", err)
			return
		}
		if !bytes.Equal(defJSON, s.defJSON) {
			h.relayout(s, def, defJSON, panels)
			return
		}
		s.def = def
	}
	if changed := s.apply(panels, h.badPanel); len(changed) > 0 {
		h.pushDelta(s, changed)
	}
}

// scene returns the state of id, creating it; the caller holds h.mu.
func (h *Hub) scene(id string) *hubScene {
	s := h.scenes[id]
	if s == nil {
		s = &hubScene{id: id, panels: map[string]json.RawMessage{}, followers: map[*hubConn]struct{}{}}
		h.scenes[id] = s
	}
	return s
}

// relayout replaces a scene's layout: deltas cannot carry a Def, so the
// history restarts and every follower gets a snapshot.
func (h *Hub) relayout(s *hubScene, def *scene.Def, defJSON []byte, panels map[string]json.RawMessage) {
	s.def, s.defJSON = def, defJSON
	s.panels = map[string]json.RawMessage{}
	s.apply(panels, h.badPanel)
	s.seq = max(s.seq+1, h.base)
	s.history = s.history[:0]
	f := hubFrame{kind: kindSnapshot, data: s.snapshot(h.log)}
	for c := range s.followers {
		h.send(c, f)
	}
}

// pushDelta records one delta and queues it to the followers.
func (h *Hub) pushDelta(s *hubScene, changed map[string]json.RawMessage) {
	s.seq++
	data, err := json.Marshal(Message{Type: MsgDelta, Scene: s.id, Seq: s.seq, At: s.at, Panels: changed})
	if err != nil { // cannot happen: every panel passed json.Valid
		h.log.Error("encode delta", "scene", s.id, "err", err)
		return
	}
	if len(s.history) >= h.opts.History {
		n := copy(s.history, s.history[1:])
		s.history = s.history[:n]
	}
	s.history = append(s.history, hubHistEntry{seq: s.seq, frame: data})
	f := hubFrame{kind: kindDelta, data: data}
	for c := range s.followers {
		h.send(c, f)
	}
}

// apply makes panels the scene's state and returns what changed: new or
// different bytes, and removed panels as null (the page shows 无数据).
func (s *hubScene) apply(panels map[string]json.RawMessage, bad func(string)) map[string]json.RawMessage {
	changed := map[string]json.RawMessage{}
	for id, raw := range panels {
		if len(raw) > 0 && !json.Valid(raw) {
			bad(s.id)
			raw = nil
		}
		if old, ok := s.panels[id]; ok && bytes.Equal(old, raw) {
			continue
		}
		raw = bytes.Clone(raw)
		s.panels[id] = raw
		changed[id] = raw
	}
	for id := range s.panels {
		if _, ok := panels[id]; !ok {
			delete(s.panels, id)
			changed[id] = nil
		}
	}
	return changed
}

// snapshot returns the scene's encoded snapshot, cached until the next Publish.
func (s *hubScene) snapshot(log interface{ Error(string, ...any) }) []byte {
	if s.snap == nil {
		data, err := json.Marshal(Message{Type: MsgSnapshot, Scene: s.id, Seq: s.seq, At: s.at, Def: s.def,
			Panels: s.panels})
		if err != nil {
			log.Error("encode snapshot", "scene", s.id, "err", err)
		}
		s.snap = data
	}
	return s.snap
}

// catchup returns what a screen holding Seq last needs to reach the scene's
// current Seq: nothing, the missed deltas from the history (at most budget
// of them), or a snapshot.
func (s *hubScene) catchup(last uint64, budget int, log interface{ Error(string, ...any) }) []hubFrame {
	if s.def == nil || last == s.seq {
		return nil
	}
	if n := s.seq - last; last > 0 && last < s.seq && n <= uint64(budget) && n <= uint64(len(s.history)) {
		out := make([]hubFrame, 0, n)
		for _, e := range s.history[uint64(len(s.history))-n:] {
			out = append(out, hubFrame{kind: kindDelta, data: e.frame})
		}
		return out
	}
	return []hubFrame{{kind: kindSnapshot, data: s.snapshot(log)}}
}
