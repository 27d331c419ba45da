package main

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// fakeHub speaks the wall protocol with made-up data. It is a development
// aid, not the hub: no tokens, no limits beyond the obvious, one mutex.
type fakeHub struct {
	log    *slog.Logger
	screen bigscreen.ScreenConfig
	world  *world

	mu        sync.Mutex
	scenes    map[string]*fakeScene
	clients   map[*fakeClient]struct{}
	paused    bool      // evaluation stalls; heartbeats go on (data gets stale)
	downUntil time.Time // refuse every connection until then (server down)
	gap       bool      // skip one sequence number in the next delta
	resyncs   int       // resync frames received
}

type fakeScene struct {
	def    scene.Def
	panels map[string]json.RawMessage
	seq    uint64
	at     time.Time
}

type fakeClient struct {
	conn   *websocket.Conn
	out    chan []byte
	scenes map[string]bool // what it asked for in its hello
}

var upgrader = websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 16384}

func newFakeHub(log *slog.Logger, screen bigscreen.ScreenConfig, defs []scene.Def, w *world) *fakeHub {
	h := &fakeHub{log: log, screen: screen, world: w, scenes: map[string]*fakeScene{}, clients: map[*fakeClient]struct{}{}}
	for _, d := range defs {
		s := &fakeScene{def: d, panels: map[string]json.RawMessage{}, seq: 1, at: w.now()}
		for _, p := range d.Panels {
			s.panels[p.ID] = marshal(w.panel(p))
		}
		h.scenes[d.ID] = s
	}
	return h
}

func (h *fakeHub) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	down := time.Now().Before(h.downUntil)
	h.mu.Unlock()
	if down {
		http.Error(rw, "down for a test", http.StatusServiceUnavailable)
		return
	}
	conn, err := upgrader.Upgrade(rw, r, nil)
	if err != nil {
		return // Upgrade answered already
	}
	conn.SetReadLimit(4096)
	c := &fakeClient{conn: conn, out: make(chan []byte, 64)}
	go c.write()
	h.session(c)
	close(c.out)
}

func (c *fakeClient) write() {
	for b := range c.out {
		_ = c.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if c.conn.WriteMessage(websocket.TextMessage, b) != nil {
			break
		}
	}
	_ = c.conn.Close()
	for range c.out { //nolint:revive // drain until the session closes the channel
	}
}

func (h *fakeHub) session(c *fakeClient) {
	defer h.forget(c)
	for first := true; ; first = false {
		var m bigscreen.ClientMessage
		if err := c.conn.ReadJSON(&m); err != nil {
			return
		}
		h.log.Info("client frame", "type", m.Type, "screen", m.Screen, "scenes", m.Scenes, "last_seq", m.LastSeq)
		if first && m.Type == bigscreen.ClientHello {
			h.hello(c, m)
		} else if m.Type == bigscreen.ClientResync {
			h.resync(c, m)
		}
	}
}

func (h *fakeHub) hello(c *fakeClient, m bigscreen.ClientMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	screen := h.screen
	if len(m.Scenes) > 0 {
		screen.Playlist = m.Scenes
	}
	titles := map[string]string{}
	for _, id := range screen.Playlist {
		if s, ok := h.scenes[id]; ok {
			titles[id] = s.def.Title
		}
	}
	h.send(c, bigscreen.Message{Type: bigscreen.MsgScreen, At: time.Now(), Screen: &screen, Titles: titles})
	for _, id := range screen.Playlist {
		if s, ok := h.scenes[id]; ok && m.LastSeq[id] != s.seq {
			h.send(c, s.snapshot())
		}
	}
	c.scenes = map[string]bool{}
	for _, id := range screen.Playlist {
		c.scenes[id] = true
	}
	h.clients[c] = struct{}{}
}

func (h *fakeHub) resync(c *fakeClient, m bigscreen.ClientMessage) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.resyncs++
	for id := range m.LastSeq {
		if s, ok := h.scenes[id]; ok {
			h.send(c, s.snapshot())
		}
	}
}

func (s *fakeScene) snapshot() bigscreen.Message {
	def := s.def
	return bigscreen.Message{Type: bigscreen.MsgSnapshot, Scene: def.ID, Seq: s.seq, At: s.at, Def: &def, Panels: s.panels}
}

// send queues a frame; a client too slow to take it is dropped (as the hub does).
func (h *fakeHub) send(c *fakeClient, m bigscreen.Message) {
	b, _ := json.Marshal(m)
	select {
	case c.out <- b:
	default:
		_ = c.conn.Close()
	}
}

func (h *fakeHub) forget(c *fakeClient) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
	_ = c.conn.Close()
}

// run changes a few panels of every scene each step and sends heartbeats.
func (h *fakeHub) run(stop <-chan struct{}, step, heartbeat time.Duration) {
	st, hb := time.NewTicker(step), time.NewTicker(heartbeat)
	defer st.Stop()
	defer hb.Stop()
	for {
		select {
		case <-stop:
			return
		case <-st.C:
			h.step()
		case <-hb.C:
			h.heartbeat()
		}
	}
}

func (h *fakeHub) step() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.paused {
		return
	}
	for _, s := range h.scenes {
		changed := map[string]json.RawMessage{}
		for _, p := range s.def.Panels {
			if h.world.rnd.IntN(3) == 0 || p.Type == scene.PanelBoard {
				s.panels[p.ID] = marshal(h.world.panel(p))
				changed[p.ID] = s.panels[p.ID]
			}
		}
		s.seq++
		if h.gap {
			s.seq++ // a lost delta: the page must ask for a resync
		}
		s.at = h.world.now()
		h.broadcast(bigscreen.Message{Type: bigscreen.MsgDelta, Scene: s.def.ID, Seq: s.seq, At: s.at, Panels: changed})
	}
	h.gap = false
}

func (h *fakeHub) heartbeat() {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := bigscreen.Message{Type: bigscreen.MsgHeartbeat, At: time.Now(), Scenes: map[string]bigscreen.SceneStatus{}}
	for id, s := range h.scenes {
		m.Scenes[id] = bigscreen.SceneStatus{Seq: s.seq, At: s.at}
	}
	h.broadcast(m)
}

func (h *fakeHub) broadcast(m bigscreen.Message) {
	for c := range h.clients {
		if m.Scene == "" || c.scenes[m.Scene] {
			h.send(c, m)
		}
	}
}

func (h *fakeHub) resyncCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.resyncs
}
