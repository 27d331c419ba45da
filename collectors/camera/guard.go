package camera

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/deepch/vdk/av"
	"github.com/deepch/vdk/codec/h264parser"
	"github.com/deepch/vdk/codec/h265parser"
	"github.com/deepch/vdk/format/rtsp/sdp"
	"github.com/icholy/digest"
)

// guard stands between vdk's RTSP client and the camera. vdk's Dial takes no context, dials the
// camera itself, sleeps a second on every non-200 answer and drops its socket without closing it
// when any step fails. So vdk never talks to the camera: it dials the guard on a loopback listener
// of this session, and the guard
//   - dials the camera with the round's context, so the deadline always wins;
//   - forwards vdk's requests, answers the camera's 401 itself (digest, with qop, or basic), so the
//     password never passes through vdk, and tells 401, 404, timeouts and refusals apart;
//   - answers vdk with canonical 200 responses only; when the camera fails, it completes vdk's
//     handshake with empty answers instead, so Dial always returns a client whose Close frees the
//     socket (a failed Dial would leak it);
//   - relays the interleaved RTP after PLAY through the sanitizer, so a broken or hostile camera
//     cannot panic vdk's demuxer goroutine, where no recover is possible.
type guard struct {
	cam    string // the camera's RTSP URL without user info
	user   string
	pass   string
	prefix string // rtsp://127.0.0.1:port/token, the URL vdk dials
	dialer net.Dialer

	up   net.Conn
	upR  *bufio.Reader
	cseq int
	chal *digest.Challenge
	nc   int
	basic,
	authSent bool

	failure  *Failure
	san      sanitizer
	codec    string
	session  string
	playURI  string
	dialAt   time.Time
	playedAt time.Time

	mu        sync.Mutex
	streamErr *Failure
	dropped   int
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// serve accepts vdk's connection on ln, runs the handshake and relays the stream until ctx ends.
// played is closed once the handshake is over, whatever its outcome.
func (g *guard) serve(ctx context.Context, ln net.Listener, played chan<- struct{}) {
	var once sync.Once
	handshakeDone := func() { once.Do(func() { close(played) }) }
	defer handshakeDone()
	stopLn := context.AfterFunc(ctx, func() { ln.Close() })
	local, r, first := g.accept(ln)
	stopLn()
	ln.Close()
	if local == nil {
		g.failure = fail(FailTimeout, "本轮在建立会话前结束")
		return
	}
	defer local.Close()
	var upMu sync.Mutex // g.up is set by the handshake and closed by ctx's end
	closeUp := func() {
		upMu.Lock()
		defer upMu.Unlock()
		if g.up != nil {
			g.up.Close()
		}
	}
	stopUp := context.AfterFunc(ctx, closeUp)
	ok := g.handshake(ctx, local, r, first, &upMu)
	handshakeDone()
	if !stopUp() || !ok { // ctx ended during the handshake, or the camera failed
		closeUp()
		return
	}
	relayDone := make(chan struct{})
	go func() { defer close(relayDone); g.relay(local) }()
	select {
	case <-ctx.Done():
		g.teardown()
	case <-relayDone:
	}
	g.up.Close()
	local.Close()
	<-relayDone
}

// accept returns the first connection that asks for this session's token (anything else that
// finds the port is closed), with its reader and first request.
func (g *guard) accept(ln net.Listener) (net.Conn, *bufio.Reader, *request) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return nil, nil, nil
		}
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		r := bufio.NewReaderSize(c, 16<<10)
		req, err := readRequest(r)
		if err == nil && strings.HasPrefix(req.uri, g.prefix) {
			_ = c.SetReadDeadline(time.Time{})
			return c, r, req
		}
		c.Close()
	}
}

// handshake answers vdk's requests until PLAY; it reports whether the camera reached PLAY.
func (g *guard) handshake(ctx context.Context, local net.Conn, r *bufio.Reader, req *request, upMu *sync.Mutex) bool {
	for {
		g.exchange(ctx, local, req, upMu)
		if req.method == "PLAY" {
			return g.failure == nil
		}
		// vdk writes its next request at once; the bound is only for a starved machine (ending the
		// handshake early would make vdk's Dial fail, and leak its socket)
		_ = local.SetReadDeadline(time.Now().Add(10 * time.Second))
		next, err := readRequest(r)
		_ = local.SetReadDeadline(time.Time{})
		if err != nil {
			if g.failure == nil {
				g.failure = fail(FailProtocol, "RTSP 客户端中断了握手")
			}
			return false
		}
		req = next
	}
}

// exchange forwards one request (or, after a failure, fakes its answer) and answers vdk.
func (g *guard) exchange(ctx context.Context, local net.Conn, req *request, upMu *sync.Mutex) {
	if g.failure == nil && g.up == nil {
		g.dialAt = time.Now()
		up, err := g.dial(ctx)
		upMu.Lock()
		g.up = up
		upMu.Unlock()
		if ctx.Err() != nil && up != nil { // the AfterFunc may have run before g.up was set
			up.Close()
		}
		if err != nil {
			g.failure = err
		}
	}
	var resp *response
	if g.failure == nil {
		uri := g.rewrite(req.uri)
		resp, g.failure = g.roundTrip(ctx, req, uri)
		if g.failure == nil {
			g.failure = g.note(req.method, uri, resp)
		}
	}
	_ = local.SetWriteDeadline(time.Now().Add(2 * time.Second))
	defer local.SetWriteDeadline(time.Time{})
	if g.failure != nil {
		// an empty session: vdk finds no media, sends PLAY and returns a client we can Close
		var body []byte
		if req.method == "DESCRIBE" {
			body = []byte{}
		}
		_ = writeForVDK(local, req.hdr.get("CSeq"), nil, body)
		return
	}
	var body []byte
	if req.method == "DESCRIBE" {
		body = resp.body
	}
	_ = writeForVDK(local, req.hdr.get("CSeq"), resp.hdr, body)
}

func (g *guard) dial(ctx context.Context) (net.Conn, *Failure) {
	u, err := parseCameraURL(g.cam)
	if err != nil {
		return nil, fail(FailAddress, "%v", err)
	}
	step := "连接 " + u.Host
	c, err := g.dialer.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, classifyNet(step, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	g.upR = bufio.NewReaderSize(c, 64<<10)
	return c, nil
}

// rewrite maps vdk's URL (the guard's) back to the camera's; absolute URLs the camera gave
// (Content-Base, a=control) pass unchanged, as they would from any client.
func (g *guard) rewrite(uri string) string {
	if rest, ok := strings.CutPrefix(uri, g.prefix); ok {
		return g.cam + rest
	}
	return uri
}

// roundTrip sends req to the camera and reads the answer, answering one 401 challenge.
func (g *guard) roundTrip(ctx context.Context, req *request, uri string) (*response, *Failure) {
	for attempt := 0; ; attempt++ {
		g.cseq++
		if err := req.write(g.up, uri, g.cseq, g.authHeaders(req.method, uri)...); err != nil {
			return nil, g.netFailure(ctx, "发送 "+req.method, err)
		}
		resp, err := g.readResponse()
		if errors.Is(err, errNotRTSP) {
			return nil, fail(FailProtocol, "%s 的应答不是 RTSP 协议", req.method)
		}
		if err != nil {
			return nil, g.netFailure(ctx, "等待 "+req.method+" 应答", err)
		}
		switch {
		case resp.status == 200:
			return resp, nil
		case resp.status == 401 && attempt == 0 && !g.authSent && g.learn(resp):
			continue
		case resp.status == 401 && g.user == "" && g.pass == "":
			return nil, fail(FailAuth, "摄像机要求用户名和密码，目标未配置 username/password_file（RTSP 401）")
		case resp.status == 401:
			return nil, fail(FailAuth, "摄像机拒绝了用户名或密码（RTSP 401）")
		case resp.status == 403:
			return nil, fail(FailAuth, "摄像机拒绝访问（RTSP 403）")
		case resp.status == 404:
			return nil, fail(FailAddress, "摄像机上没有该路径（RTSP 404）")
		default:
			return nil, fail(FailProtocol, "%s 得到 RTSP %d 应答", req.method, resp.status)
		}
	}
}

// readResponse reads the camera's answer. A camera whose stream already runs (a shared one) may
// send interleaved RTP before its PLAY answer; those frames are skipped.
func (g *guard) readResponse() (*response, error) {
	for range 1024 {
		b, err := g.upR.Peek(4)
		if err != nil {
			return nil, err
		}
		if b[0] != '$' {
			return readResponse(g.upR)
		}
		if _, err := g.upR.Discard(4 + (int(b[2])<<8 | int(b[3]))); err != nil {
			return nil, err
		}
	}
	return nil, fmt.Errorf("%w: only RTP, no answer", errNotRTSP)
}

// netFailure classifies a network error; an error caused by the round's end is a timeout.
func (g *guard) netFailure(ctx context.Context, step string, err error) *Failure {
	if ctx.Err() != nil {
		return fail(FailTimeout, "%s未在本轮期限内完成", step)
	}
	return classifyNet(step, err)
}

// learn takes the camera's challenge; false when there are no credentials or no usable scheme.
func (g *guard) learn(resp *response) bool {
	if g.user == "" && g.pass == "" {
		return false
	}
	for _, v := range resp.hdr.all("WWW-Authenticate") {
		if digest.IsDigest(v) {
			if c, err := digest.ParseChallenge(v); err == nil && digest.CanDigest(c) {
				g.chal, g.nc = c, 0
				return true
			}
		}
	}
	for _, v := range resp.hdr.all("WWW-Authenticate") {
		if scheme, _, _ := strings.Cut(v, " "); strings.EqualFold(scheme, "Basic") {
			g.basic = true
			return true
		}
	}
	return false
}

// authHeaders are the Authorization header for one request, once a challenge is known.
func (g *guard) authHeaders(method, uri string) []header {
	switch {
	case g.chal != nil:
		g.nc++
		cred, err := digest.Digest(g.chal, digest.Options{Method: method, URI: uri, Count: g.nc,
			Username: g.user, Password: g.pass})
		if err != nil {
			return nil
		}
		g.authSent = true
		return []header{{"Authorization", cred.String()}}
	case g.basic:
		g.authSent = true
		return []header{{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(g.user+":"+g.pass))}}
	}
	return nil
}

// note checks and remembers what a 200 answer says: the SDP's video codec, the interleaved
// channels, the session and the PLAY URL (for TEARDOWN).
func (g *guard) note(method, uri string, resp *response) *Failure {
	if s := resp.hdr.get("Session"); s != "" {
		g.session = strings.TrimSpace(strings.Split(s, ";")[0])
	}
	switch method {
	case "DESCRIBE":
		return g.noteSDP(resp.body)
	case "SETUP":
		ch, ok := interleavedChannel(resp.hdr.get("Transport"))
		if !ok {
			return fail(FailProtocol, "摄像机不支持 RTSP over TCP 传输（SETUP 应答无 interleaved）")
		}
		g.san.channel[ch] = true
	case "PLAY":
		g.playURI = uri
		g.playedAt = time.Now()
	}
	return nil
}

// noteSDP parses the SDP with vdk's parser (under recover: vdk will parse it again in Dial) and
// checks it has an H.264 or H.265 video track whose parameter sets vdk can read.
func (g *guard) noteSDP(body []byte) *Failure {
	var medias []sdp.Media
	if !noPanic(func() { _, medias = sdp.Parse(string(body)) }) {
		return fail(FailProtocol, "摄像机的 SDP 无法解析")
	}
	for _, m := range medias {
		if m.AVType != "video" {
			continue
		}
		switch m.Type {
		case av.H264:
			g.codec = "h264"
			if len(m.SpropParameterSets) > 1 {
				var err error
				if !noPanic(func() {
					_, err = h264parser.NewCodecDataFromSPSAndPPS(m.SpropParameterSets[0], m.SpropParameterSets[1])
				}) {
					return fail(FailProtocol, "SDP 中的 H.264 参数集无法解析")
				}
				if err == nil {
					g.san.sps, g.san.pps = m.SpropParameterSets[0], m.SpropParameterSets[1]
				}
			}
		case av.H265:
			g.codec, g.san.h265 = "h265", true
			if len(m.SpropVPS) > 1 && len(m.SpropSPS) > 1 && len(m.SpropPPS) > 1 {
				var err error
				if !noPanic(func() {
					_, err = h265parser.NewCodecDataFromVPSAndSPSAndPPS(m.SpropVPS, m.SpropSPS, m.SpropPPS)
				}) {
					return fail(FailProtocol, "SDP 中的 H.265 参数集无法解析")
				}
				if err == nil {
					g.san.vps, g.san.sps, g.san.pps = m.SpropVPS, m.SpropSPS, m.SpropPPS
				}
			}
		default:
			continue
		}
		return nil
	}
	return fail(FailProtocol, "SDP 中没有 H.264/H.265 视频轨道")
}

// interleavedChannel reads "interleaved=a-b" of a Transport header, as vdk does.
func interleavedChannel(transport string) (byte, bool) {
	for _, p := range strings.Split(transport, ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(p), "interleaved="); ok {
			a, _, _ := strings.Cut(v, "-")
			n, err := strconv.Atoi(a)
			if err == nil && n >= 0 && n <= 255 {
				return byte(n), true
			}
		}
	}
	return 0, false
}

// relayBatch is how long the relay lets packets gather between two reads: one read and one write
// per batch instead of per RTP packet cut the relay's system calls several-fold, and 40 ms (a
// frame at 25 fps) is far below the stall gap the timing is judged by.
const relayBatch = 40 * time.Millisecond

// relay copies the camera's interleaved frames that pass the sanitizer to vdk until either side
// ends (the session's end closes both).
func (g *guard) relay(local net.Conn) {
	buf := make([]byte, 4+65535)
	out := make([]byte, 0, 64<<10)
	for {
		if g.upR.Buffered() == 0 { // all read: hand the batch to vdk, let the next one gather
			if len(out) > 0 {
				if _, err := local.Write(out); err != nil {
					return
				}
				out = out[:0]
			}
			time.Sleep(relayBatch)
		}
		frame, err := g.readFrame(buf)
		if err != nil {
			if len(out) > 0 {
				_, _ = local.Write(out)
			}
			return
		}
		if frame == nil {
			continue
		}
		if !g.san.accept(frame) {
			g.mu.Lock()
			g.dropped++
			g.mu.Unlock()
			continue
		}
		out = append(out, frame...)
		if len(out) >= 256<<10 {
			if _, err := local.Write(out); err != nil {
				return
			}
			out = out[:0]
		}
	}
}

// readFrame reads one interleaved frame into buf; an RTSP message the camera sends in between
// (an answer to a keep-alive, a server request) is read and dropped (nil frame).
func (g *guard) readFrame(buf []byte) ([]byte, error) {
	b, err := g.upR.Peek(4)
	if err != nil {
		return nil, err
	}
	if b[0] == '$' {
		n := 4 + (int(b[2])<<8 | int(b[3]))
		frame := buf[:n]
		if _, err := io.ReadFull(g.upR, frame); err != nil {
			return nil, err
		}
		return frame, nil
	}
	line, err := readLine(g.upR)
	if err == nil && (strings.HasPrefix(line, "RTSP/1.0 ") || strings.HasSuffix(line, " RTSP/1.0")) {
		h, err := readHeaders(g.upR)
		if err != nil {
			return nil, g.desync()
		}
		n, _ := strconv.Atoi(h.get("Content-Length"))
		if n < 0 || n > maxBody {
			return nil, g.desync()
		}
		_, err = g.upR.Discard(n)
		return nil, err
	}
	return nil, g.desync()
}

func (g *guard) desync() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.streamErr = fail(FailProtocol, "视频流数据格式错误（RTP 交织帧失步）")
	return g.streamErr
}

// teardown ends the camera's session politely, so that a camera with few RTSP sessions (many
// allow 6 to 10) frees this one at once instead of at its session timeout.
func (g *guard) teardown() {
	if g.playURI == "" {
		return
	}
	_ = g.up.SetWriteDeadline(time.Now().Add(200 * time.Millisecond))
	req := &request{method: "TEARDOWN", uri: g.playURI}
	if g.session != "" {
		req.hdr = headers{{"Session", g.session}}
	}
	g.cseq++
	_ = req.write(g.up, g.playURI, g.cseq, g.authHeaders("TEARDOWN", g.playURI)...)
}

// streamFailure is what went wrong in the relay, if anything.
func (g *guard) streamFailure() (*Failure, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.streamErr, g.dropped
}
