package bigscreen

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// ServeHTTP upgrades a screen's request: limits, Authorize and the Origin
// are checked before the upgrade (plain HTTP errors), the hello after it.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.admit(w, r) {
		return
	}
	defer h.slots.Add(-1)
	ws, err := h.upgrader.Upgrade(w, r, nil) // writes its own 400 on a bad handshake
	if err != nil {
		hubConnects.inc(resultUpgradeFailed)
		return
	}
	c := newHubConn(h, ws, r)
	if !h.begin(c) {
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(websocket.CloseGoingAway, reasonShutdown), time.Now().Add(time.Second))
		_ = ws.Close()
		return
	}
	defer h.end(c)
	c.serve()
}

// admit applies the checks that end in a plain HTTP status, cheapest first.
// On true the caller holds a MaxConns slot.
func (h *Hub) admit(w http.ResponseWriter, r *http.Request) bool {
	if !h.limiter.Allow() {
		return h.refuse(w, resultRateLimited, http.StatusTooManyRequests, "连接过于频繁，请稍后重试")
	}
	if h.slots.Add(1) > int64(h.opts.MaxConns) {
		h.slots.Add(-1)
		return h.refuse(w, resultTooMany, http.StatusServiceUnavailable, "大屏连接数已达上限")
	}
	if h.opts.Authorize != nil {
		if err := h.opts.Authorize(r); err != nil {
			h.slots.Add(-1)
			h.log.Info("screen refused", "reason", "unauthorized", "remote", r.RemoteAddr, "err", err)
			return h.refuse(w, resultUnauthorized, http.StatusUnauthorized, "未授权的大屏")
		}
	}
	if !h.opts.CheckOrigin(r) {
		h.slots.Add(-1)
		h.log.Info("screen refused", "reason", "bad_origin", "remote", r.RemoteAddr)
		return h.refuse(w, resultBadOrigin, http.StatusForbidden, "来源不被允许")
	}
	return true
}

func (h *Hub) refuse(w http.ResponseWriter, result int, status int, msg string) bool {
	hubConnects.inc(result)
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "1")
	}
	http.Error(w, msg, status)
	return false
}

// begin registers an upgraded connection; false once shutdown has begun.
func (h *Hub) begin(c *hubConn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	h.conns[c] = struct{}{}
	return true
}

// end forgets a finished connection and wakes a waiting shutdown.
func (h *Hub) end(c *hubConn) {
	h.leave(c)
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns, c)
	if h.closing && len(h.conns) == 0 {
		close(h.idle)
	}
}

// join registers a screen after its hello: the screen frame, then per
// scene the catch-up, all queued under h.mu so no live delta slips between.
func (h *Hub) join(c *hubConn, last map[string]uint64) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return false
	}
	data, _ := json.Marshal(Message{Type: MsgScreen, At: h.opts.Now(), Screen: &c.screen,
		Titles: h.titlesLocked(c.scenes)})
	c.joined = true
	h.screens++
	hubConnections.Inc()
	h.send(c, hubFrame{kind: kindScreen, data: data})
	for _, id := range c.scenes {
		h.scene(id).followers[c] = struct{}{}
	}
	h.catchupLocked(c, last, func(string) bool { return true })
	return true
}

// titlesLocked names the scenes ids: by their published Def, else by
// SceneTitles; an id known to neither is left out (the page shows the id).
func (h *Hub) titlesLocked(ids []string) map[string]string {
	out := make(map[string]string, len(ids))
	for _, id := range ids {
		if s := h.scenes[id]; s != nil && s.def != nil {
			out[id] = s.def.Title
		} else if t := h.opts.SceneTitles[id]; t != "" {
			out[id] = t
		}
	}
	return out
}

// resync answers a screen's resync: only the scenes it names (and follows)
// get their missed deltas or a snapshot; a page resyncs one scene at a time.
func (h *Hub) resync(c *hubConn, last map[string]uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.catchupLocked(c, last, func(id string) bool { _, ok := last[id]; return ok })
}

// catchupLocked queues what each followed scene that want accepts needs to
// reach its current Seq; a scene missing from last gets a snapshot.
func (h *Hub) catchupLocked(c *hubConn, last map[string]uint64, want func(string) bool) {
	// Leave half the queue for live frames: beyond the budget a snapshot is
	// both smaller and safer than a long run of deltas.
	budget := max(1, h.opts.SendBuffer/2/max(1, len(c.scenes)))
	for _, id := range c.scenes {
		if !want(id) {
			continue
		}
		for _, f := range h.scene(id).catchup(last[id], budget, h.log) {
			h.send(c, f)
		}
	}
}

// leave unregisters a screen; scenes nobody follows and nobody published
// (a pinned id that does not exist) are forgotten.
func (h *Hub) leave(c *hubConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !c.joined {
		return
	}
	c.joined = false
	h.screens--
	hubConnections.Dec()
	for _, id := range c.scenes {
		s := h.scenes[id]
		delete(s.followers, c)
		if len(s.followers) == 0 && s.def == nil {
			delete(h.scenes, id)
		}
	}
}

// send queues f without waiting; a screen whose queue is full is dropped.
// The caller holds h.mu.
func (h *Hub) send(c *hubConn, f hubFrame) {
	select {
	case c.out <- f:
	default:
		h.drop(c, dropQueueFull)
	}
}

// drop closes a slow screen at once: it cannot take a close frame in time.
func (h *Hub) drop(c *hubConn, reason int) {
	if c.stop(hubCloseWhy{abrupt: true}) {
		hubDropped.inc(reason)
		h.dropped.Add(1) // after the metric: tests wait on Stats, then read the metric
		h.log.Warn("slow screen dropped", "screen", c.screen.Name, "remote", c.remote, "reason", hubDropNames[reason])
	}
}
