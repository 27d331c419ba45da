package rtspsrv

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// public is the OPTIONS answer: what this server implements.
const public = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, GET_PARAMETER, TEARDOWN"

// conn is one client connection. Its goroutine reads and answers requests;
// a playing session's goroutine writes RTP beside it, under wmu.
type conn struct {
	s    *Server
	nc   net.Conn
	br   *bufio.Reader
	wmu  sync.Mutex
	sess *session // set by SETUP; read and written by the reader goroutine only
}

func newConn(s *Server, nc net.Conn) *conn {
	return &conn{s: s, nc: nc, br: bufio.NewReaderSize(nc, maxLine)}
}

// response is an answer to write, and what to do after it.
type response struct {
	status int
	header []string // "Name: value"
	body   []byte
	close  bool   // close the connection after the answer
	hangUp bool   // no answer: reset the connection (FaultClose)
	then   func() // run after the answer is written (PLAY starts the RTP)
}

func (c *conn) serve() {
	defer c.s.untrack(c)
	defer func() { _ = c.nc.Close() }()
	defer c.endSession()
	for {
		_ = c.nc.SetReadDeadline(time.Now().Add(c.s.opts.IdleTimeout))
		req, err := readRequest(c.br)
		if errors.Is(err, errInterleaved) {
			c.s.interleaved.Add(1)
			continue
		}
		if err != nil {
			c.refuse(err)
			return
		}
		cseq, _ := req.cseq()
		r := c.handle(req)
		if r.hangUp {
			c.s.hungUp.Add(1)
			hangUp(c.nc)
			return
		}
		if err := c.writeResponse(cseq, r); err != nil || r.close {
			return
		}
		if r.then != nil {
			r.then()
		}
	}
}

// refuse answers a request that could not be parsed, then the caller closes.
func (c *conn) refuse(err error) {
	var pe *ParseError
	if !errors.As(err, &pe) {
		return // EOF, timeout, reset: nothing to answer
	}
	c.s.bad.Add(1)
	c.s.log.Debug("bad RTSP request", "remote", c.nc.RemoteAddr().String(), "err", err.Error())
	_ = c.writeResponse("", &response{status: pe.Status, close: true})
}

func (c *conn) handle(req *Request) *response {
	if _, ok := req.cseq(); !ok {
		c.s.bad.Add(1)
		return &response{status: 400, close: true}
	}
	if v, ok := req.Header["require"]; ok { // RFC 2326 §12.32: no extension is supported
		return &response{status: 551, header: []string{"Unsupported: " + v}}
	}
	switch req.Method {
	case "OPTIONS":
		return &response{status: 200, header: []string{"Public: " + public}}
	case "DESCRIBE", "SETUP", "PLAY", "PAUSE", "GET_PARAMETER", "TEARDOWN":
	default:
		return &response{status: 501, header: []string{"Public: " + public}}
	}
	p := c.s.lookup(req.Path)
	if p == nil {
		return &response{status: 404}
	}
	if p.st.Load().fault == FaultClose {
		return &response{hangUp: true}
	}
	switch req.Method {
	case "DESCRIBE":
		return c.withAuth(p, req, c.describe)
	case "SETUP":
		return c.withAuth(p, req, c.setup)
	case "PLAY":
		return c.withAuth(p, req, c.play)
	case "PAUSE":
		return c.pause(p, req)
	case "GET_PARAMETER":
		return c.getParameter(req)
	}
	return c.teardown(req)
}

// withAuth answers 401 with a challenge unless req carries p's credentials.
func (c *conn) withAuth(p *path, req *Request, h func(*path, *Request) *response) *response {
	ok, stale := c.s.guard.Check(p.auth, req.Method, req.Header["authorization"])
	if ok {
		return h(p, req)
	}
	c.s.unauthorized.Add(1)
	return &response{status: 401, header: []string{"WWW-Authenticate: " + c.s.guard.Challenge(p.auth, stale, false)}}
}

func (c *conn) describe(p *path, req *Request) *response {
	base := strings.TrimSuffix(req.URI, "/") + "/"
	host, _, _ := net.SplitHostPort(c.nc.LocalAddr().String())
	body := sdp(p, p.st.Load().clipAt(p.frameAt(c.s.opts.Now())), host)
	return &response{status: 200, body: body,
		header: []string{"Content-Base: " + base, "Content-Type: application/sdp"}}
}

func (c *conn) setup(p *path, req *Request) *response {
	id := sessionID(req)
	switch {
	case c.sess == nil && id != "":
		return &response{status: 454}
	case c.sess != nil && id != "" && id != c.sess.id:
		return &response{status: 454}
	case c.sess != nil && (c.sess.playing || c.sess.p != p):
		return &response{status: 455}
	}
	t, err := parseTransport(req.Header["transport"])
	if err != nil {
		return &response{status: 461}
	}
	if c.sess == nil {
		c.sess = newSession(c, p)
	}
	c.sess.channel = t.channel
	return &response{status: 200, header: []string{
		fmt.Sprintf("Transport: RTP/AVP/TCP;unicast;interleaved=%d-%d;ssrc=%08X;mode=\"PLAY\"", t.channel, t.channel+1, c.sess.ssrc),
		c.sessionHeader()}}
}

func (c *conn) play(p *path, req *Request) *response {
	if r := c.checkSession(req, p); r != nil {
		return r
	}
	ss := c.sess
	n := p.frameAt(c.s.opts.Now())
	url := strings.TrimSuffix(req.URI, "/")
	if !strings.HasSuffix(url, "/"+trackControl) {
		url += "/" + trackControl
	}
	r := &response{status: 200, header: []string{c.sessionHeader(), "Range: npt=0.000-",
		fmt.Sprintf("RTP-Info: url=%s;seq=%d;rtptime=%d", url, ss.seq, ss.rtpTime(n))}}
	if !ss.playing {
		r.then = func() { ss.start(n) }
	}
	return r
}

func (c *conn) pause(p *path, req *Request) *response {
	if r := c.checkSession(req, p); r != nil {
		return r
	}
	c.sess.halt()
	return &response{status: 200, header: []string{c.sessionHeader()}}
}

func (c *conn) getParameter(req *Request) *response {
	if id := sessionID(req); id != "" && (c.sess == nil || id != c.sess.id) {
		return &response{status: 454}
	}
	return &response{status: 200}
}

func (c *conn) teardown(req *Request) *response {
	if id := sessionID(req); id != "" && (c.sess == nil || id != c.sess.id) {
		return &response{status: 454}
	}
	c.endSession()
	return &response{status: 200, close: true}
}

// checkSession answers 454 unless req names this connection's session of p.
func (c *conn) checkSession(req *Request, p *path) *response {
	switch {
	case c.sess == nil || sessionID(req) != c.sess.id:
		return &response{status: 454}
	case c.sess.p != p:
		return &response{status: 455}
	}
	return nil
}

func (c *conn) endSession() {
	if c.sess != nil {
		c.sess.halt()
		c.sess = nil
	}
}

func (c *conn) sessionHeader() string {
	return fmt.Sprintf("Session: %s;timeout=%d", c.sess.id, int(c.s.opts.IdleTimeout/time.Second))
}

// sessionID is the Session header's identifier without its parameters.
func sessionID(req *Request) string {
	id, _, _ := strings.Cut(req.Header["session"], ";")
	return strings.TrimSpace(id)
}

func (c *conn) writeResponse(cseq string, r *response) error {
	var b strings.Builder
	fmt.Fprintf(&b, "RTSP/1.0 %d %s\r\n", r.status, statusText(r.status))
	if cseq != "" {
		b.WriteString("CSeq: " + cseq + "\r\n")
	}
	b.WriteString("Server: SwanWatch-sim rtspsrv\r\nDate: " + c.s.opts.Now().UTC().Format(http.TimeFormat) + "\r\n")
	for _, h := range r.header {
		b.WriteString(h + "\r\n")
	}
	if len(r.body) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.body))
	}
	if r.close {
		b.WriteString("Connection: close\r\n")
	}
	b.WriteString("\r\n")
	b.Write(r.body)
	return c.write([]byte(b.String()))
}

// write sends b whole, or fails within WriteTimeout.
func (c *conn) write(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.s.opts.WriteTimeout))
	_, err := c.nc.Write(b)
	return err
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 400:
		return "Bad Request"
	case 401:
		return "Unauthorized"
	case 404:
		return "Not Found"
	case 413:
		return "Request Entity Too Large"
	case 454:
		return "Session Not Found"
	case 455:
		return "Method Not Valid in This State"
	case 461:
		return "Unsupported Transport"
	case 501:
		return "Not Implemented"
	case 505:
		return "RTSP Version Not Supported"
	case 551:
		return "Option not supported"
	}
	return "Error"
}
