package bigscreen

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// Run sends heartbeats (with pings for dead-peer detection) and revalidates
// every screen each Heartbeat until ctx ends; then it closes every
// connection with 1001 and waits a bounded time for them to finish.
func (h *Hub) Run(ctx context.Context) error {
	t := time.NewTicker(h.opts.Heartbeat)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			h.shutdown()
			return nil
		case <-t.C:
			h.revalidate()
			h.beat()
		}
	}
}

// revalidate closes the screens whose token no longer holds. It runs
// outside h.mu: Revalidate may look the token up in a store.
func (h *Hub) revalidate() {
	if h.opts.Revalidate == nil {
		return
	}
	for _, c := range h.joinedConns() {
		if err := h.opts.Revalidate(c.req); err != nil {
			hubRevoked.Inc() // before the close, which the screen may see at once
			h.log.Info("screen closed: token no longer valid", "screen", c.screen.Name, "remote", c.remote,
				"err", err)
			c.stop(hubCloseWhy{code: websocket.ClosePolicyViolation, reason: reasonRevoked})
		}
	}
}

func (h *Hub) joinedConns() []*hubConn {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]*hubConn, 0, h.screens)
	for c := range h.conns {
		if c.joined && !c.stopped() {
			out = append(out, c)
		}
	}
	return out
}

// beat queues a heartbeat and a ping to every screen. Screens following the
// same scenes share one encoded frame.
func (h *Hub) beat() {
	now := h.opts.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	frames := make(map[string]hubFrame)
	for c := range h.conns {
		if !c.joined || c.stopped() {
			continue
		}
		key := strings.Join(c.scenes, "\x00")
		f, ok := frames[key]
		if !ok {
			f = h.heartbeatLocked(c.scenes, now)
			frames[key] = f
		}
		h.send(c, f)
	}
}

func (h *Hub) heartbeatLocked(scenes []string, now time.Time) hubFrame {
	st := make(map[string]SceneStatus, len(scenes))
	for _, id := range scenes {
		if s := h.scenes[id]; s != nil && s.def != nil {
			st[id] = SceneStatus{Seq: s.seq, At: s.at}
		}
	}
	data, _ := json.Marshal(Message{Type: MsgHeartbeat, At: now, Scenes: st})
	return hubFrame{kind: kindHeartbeat, data: data, ping: true}
}

// shutdown refuses new screens, closes the open ones with 1001 and waits
// until their handlers have finished, at most WriteTimeout plus hubCloseWait.
func (h *Hub) shutdown() {
	h.mu.Lock()
	if h.closing {
		h.mu.Unlock()
		return
	}
	h.closing = true
	if len(h.conns) == 0 {
		close(h.idle)
	}
	for c := range h.conns {
		c.stop(hubCloseWhy{code: websocket.CloseGoingAway, reason: reasonShutdown})
	}
	h.mu.Unlock()
	t := time.NewTimer(h.opts.WriteTimeout + hubCloseWait)
	defer t.Stop()
	select {
	case <-h.idle:
	case <-t.C:
		h.log.Warn("screens still open after shutdown wait")
	}
}
