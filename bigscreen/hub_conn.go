package bigscreen

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// hubFrame is one queued server message, encoded once and shared by every
// screen it goes to (read-only).
type hubFrame struct {
	kind int // kindScreen …: the metrics label
	data []byte
	ping bool // follow with a ping control frame (heartbeats)
}

// hubCloseWhy is how the server ends a connection.
type hubCloseWhy struct {
	code   int
	reason string // Chinese, sent in an error frame and in the close frame
	abrupt bool   // drop the socket without frames: slow, dead or gone peers
}

// hubDrainCap bounds what is read and discarded while waiting for a closing
// screen's close frame (reading lets our frames arrive instead of a RST).
const hubDrainCap = 64 << 10

// hubConn is one screen. The ServeHTTP goroutine reads; one writer goroutine
// owns every write; stop may come from anywhere.
type hubConn struct {
	hub        *Hub
	ws         *websocket.Conn
	req        *http.Request // kept for Revalidate
	remote     string
	screen     ScreenConfig // set by the hello, before join
	scenes     []string
	joined     bool // guarded by hub.mu
	out        chan hubFrame
	done       chan struct{}
	once       sync.Once
	why        hubCloseWhy // written before done is closed
	readerDone chan struct{}
}

func newHubConn(h *Hub, ws *websocket.Conn, r *http.Request) *hubConn {
	c := &hubConn{hub: h, ws: ws, req: r, remote: r.RemoteAddr, out: make(chan hubFrame, h.opts.SendBuffer),
		done: make(chan struct{}), readerDone: make(chan struct{})}
	ws.SetPongHandler(func(string) error { return c.extend() })
	return c
}

// serve runs the connection to its end; the writer is waited for.
func (c *hubConn) serve() {
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		c.writeLoop()
	}()
	c.readLoop()
	close(c.readerDone)
	c.stop(hubCloseWhy{abrupt: true})
	<-wrote
}

// stop ends the connection once; an abrupt stop closes the socket at once so
// a writer blocked on a stalled peer returns now, not at its deadline.
func (c *hubConn) stop(why hubCloseWhy) bool {
	first := false
	c.once.Do(func() {
		c.why, first = why, true
		close(c.done)
	})
	if first && why.abrupt {
		_ = c.ws.Close()
	}
	return first
}

func (c *hubConn) stopped() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// extend pushes the read deadline out: a screen that answers neither pings
// nor anything else for three heartbeats is dead.
func (c *hubConn) extend() error {
	return c.ws.SetReadDeadline(time.Now().Add(3 * c.hub.opts.Heartbeat))
}

func (c *hubConn) readLoop() {
	_ = c.ws.SetReadDeadline(time.Now().Add(c.hub.opts.HelloTimeout))
	for {
		mt, r, err := c.ws.NextReader()
		if err != nil {
			c.readFailed(err)
			return
		}
		if c.stopped() {
			if n, _ := io.Copy(io.Discard, io.LimitReader(r, hubDrainCap)); n == hubDrainCap {
				return
			}
			continue
		}
		msg, err := decodeClientFrame(mt, r, c.hub.opts.MaxClientFrame)
		var fe *hubFrameError
		if errors.As(err, &fe) {
			c.badFrame(fe)
			continue
		}
		if err != nil { // the connection broke in the middle of a frame
			return
		}
		_ = c.extend()
		c.handle(msg)
	}
}

// readFailed turns a silent screen that never said hello into a reasoned
// close; any other read error means the peer is gone.
func (c *hubConn) readFailed(err error) {
	var ne net.Error
	if !c.isJoined() && !c.stopped() && errors.As(err, &ne) && ne.Timeout() {
		hubConnects.inc(resultBadHello)
		c.stop(hubCloseWhy{code: websocket.ClosePolicyViolation, reason: reasonNoHello})
	}
}

func (c *hubConn) isJoined() bool {
	c.hub.mu.Lock()
	defer c.hub.mu.Unlock()
	return c.joined
}

func (c *hubConn) badFrame(fe *hubFrameError) {
	hubBadFrames.inc(fe.kind)
	if !c.isJoined() {
		hubConnects.inc(resultBadHello)
	}
	c.hub.log.Info("bad screen frame", "remote", c.remote, "kind", hubBadNames[fe.kind], "err", fe.err)
	c.stop(hubCloseWhy{code: fe.code, reason: fe.reason})
}

// handle acts on a well-formed frame: the hello first, then resyncs.
func (c *hubConn) handle(msg ClientMessage) {
	switch {
	case !c.isJoined() && msg.Type == ClientHello:
		c.hello(msg)
	case !c.isJoined():
		c.badFrame(&hubFrameError{kind: badUnexpected, code: websocket.ClosePolicyViolation, reason: reasonNoHello,
			err: errors.New("first frame is not a hello")})
	case msg.Type == ClientResync:
		c.hub.resync(c, msg.LastSeq)
	default:
		c.badFrame(&hubFrameError{kind: badUnexpected, code: websocket.ClosePolicyViolation, reason: reasonUnexpected,
			err: errors.New("second hello")})
	}
}

func (c *hubConn) hello(msg ClientMessage) {
	sc, ok := c.hub.opts.Screens(msg.Screen)
	if !ok {
		hubConnects.inc(resultBadHello)
		c.hub.log.Info("unknown screen refused", "remote", c.remote, "screen", msg.Screen)
		c.stop(hubCloseWhy{code: websocket.ClosePolicyViolation, reason: reasonUnknownScreen})
		return
	}
	c.screen, c.scenes = sc, hubFollowed(sc.Playlist, msg.Scenes)
	if !c.hub.join(c, msg.LastSeq) {
		return
	}
	hubConnects.inc(resultOK)
	c.hub.log.Info("screen joined", "screen", sc.Name, "remote", c.remote, "scenes", len(c.scenes))
}

// hubFollowed is the pinned scenes when there are any, else the playlist,
// without duplicates.
func hubFollowed(playlist, pinned []string) []string {
	src := playlist
	if len(pinned) > 0 {
		src = pinned
	}
	out := make([]string, 0, len(src))
	seen := make(map[string]bool, len(src))
	for _, id := range src {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// hubCloseWait bounds how long a closing connection waits for the screen's
// close frame before the socket goes.
const hubCloseWait = time.Second

// writeLoop is the connection's only writer: queued frames until stop.
func (c *hubConn) writeLoop() {
	for {
		select {
		case f := <-c.out:
			if err := c.write(f); err != nil {
				c.writeFailed(err)
				return
			}
		case <-c.done:
			c.finish()
			return
		}
	}
}

func (c *hubConn) write(f hubFrame) error {
	deadline := time.Now().Add(c.hub.opts.WriteTimeout)
	_ = c.ws.SetWriteDeadline(deadline)
	if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
		return err
	}
	hubSent.count(f.kind, len(f.data))
	if f.ping {
		return c.ws.WriteControl(websocket.PingMessage, nil, deadline)
	}
	return nil
}

// writeFailed drops a screen whose write timed out (too slow) and closes
// one whose peer went away.
func (c *hubConn) writeFailed(err error) {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() && !c.stopped() {
		c.hub.drop(c, dropWriteTimeout)
		return
	}
	c.stop(hubCloseWhy{abrupt: true})
}

// finish sends the error frame and the close frame of a reasoned close,
// waits a moment for the screen's close frame, and closes the socket.
func (c *hubConn) finish() {
	why := c.why
	if why.abrupt {
		_ = c.ws.Close()
		return
	}
	deadline := time.Now().Add(c.hub.opts.WriteTimeout)
	if why.reason != "" {
		data, _ := json.Marshal(Message{Type: MsgError, At: c.hub.opts.Now(), Reason: why.reason})
		if c.write(hubFrame{kind: kindError, data: data}) != nil {
			_ = c.ws.Close()
			return
		}
	}
	msg := websocket.FormatCloseMessage(why.code, why.reason)
	if c.ws.WriteControl(websocket.CloseMessage, msg, deadline) == nil {
		t := time.NewTimer(hubCloseWait)
		select {
		case <-c.readerDone:
		case <-t.C:
		}
		t.Stop()
	}
	_ = c.ws.Close()
}
