package bigscreen

import (
	"encoding/json"
	"errors"
	"net"
	"time"

	"github.com/gorilla/websocket"
)

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
