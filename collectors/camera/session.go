package camera

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/deepch/vdk/av"
	"github.com/deepch/vdk/codec/h264parser"
	"github.com/deepch/vdk/codec/h265parser"
	"github.com/deepch/vdk/format/rtspv2"
)

// sessionPlan is what one sampling session does.
type sessionPlan struct {
	cam        string // RTSP URL without user info
	user, pass string
	duration   time.Duration // sample at least this long after PLAY ...
	max        time.Duration // ... and longer, up to this, until keyframes have come
	keyframes  int
	stallGap   time.Duration
	capture    bool // keep the first and the last keyframe for the decoder
}

// sessionResult is what one session measured.
type sessionResult struct {
	connect, firstKey time.Duration
	codec             string
	width, height     int
	frames, keys      int
	fps, bitrate      float64
	gop               int // 0 when fewer than two keyframes came
	stalls, jumps     int
	params            [][]byte // VPS (H.265), SPS, PPS, for the decoder
	captured          []keyframe
	dropped           int
}

// keyframe is the NAL units of one keyframe access unit.
type keyframe struct {
	at   time.Time
	nals [][]byte
}

const (
	maxCapture   = 4 << 20 // bytes of one captured keyframe; a larger one is not decoded
	cleanupGrace = 3 * time.Second
)

// session runs one sampling session: vdk dials this session's guard, which dials the camera.
func (c *Collector) session(ctx context.Context, p sessionPlan) (*sessionResult, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("camera: loopback listener for the RTSP guard: %w", err)
	}
	_ = ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	g := &guard{cam: p.cam, user: p.user, pass: p.pass,
		prefix: "rtsp://" + ln.Addr().String() + "/" + newToken()}
	gctx, cancel := context.WithCancel(ctx)
	defer cancel()
	played, guardDone := make(chan struct{}), make(chan struct{})
	c.wg.Add(1)
	go func() { defer c.wg.Done(); defer close(guardDone); g.serve(gctx, ln, played) }()

	client, err := c.dialVDK(ctx, g.prefix)
	if err != nil { // vdk failed against the guard: only a bug or a starved machine gets here
		cancel()
		<-guardDone
		if g.failure != nil {
			return nil, g.failure
		}
		return nil, fail(FailProtocol, "RTSP 客户端握手失败")
	}
	<-played
	if g.failure != nil {
		c.closeVDK(client, cancel, guardDone, false)
		return nil, g.failure
	}
	res := &sessionResult{connect: g.playedAt.Sub(g.dialAt), codec: g.codec}
	st := frameStats{stallGap: p.stallGap, capture: p.capture, h265: g.codec == "h265"}
	stopped := c.consume(ctx, client, g.playedAt, p, &st)
	end := time.Now()
	closedEarly := stopped && end.Sub(g.playedAt) < p.duration
	if c.closeVDK(client, cancel, guardDone, stopped) {
		res.width, res.height, res.params = codecInfo(client)
	}
	streamErr, dropped := g.streamFailure()
	res.dropped = dropped
	st.finish(res, end, g.playedAt)
	if res.keys == 0 {
		if streamErr != nil {
			return res, streamErr
		}
		if closedEarly { // the camera ended the stream: that is not a camera without pictures
			return res, fail(FailClosed, "摄像机在 PLAY 后 %.1f 秒关闭了视频流（收到 %d 帧，无关键帧）",
				end.Sub(g.playedAt).Seconds(), res.frames)
		}
		return res, noFrames(res.frames, end.Sub(g.playedAt))
	}
	return res, nil
}

func noFrames(frames int, waited time.Duration) *Failure {
	if frames == 0 {
		return fail(FailNoFrames, "PLAY 后 %.1f 秒内未收到视频帧", waited.Seconds())
	}
	return fail(FailNoFrames, "PLAY 后 %.1f 秒内收到 %d 帧，但没有关键帧", waited.Seconds(), frames)
}

// dialVDK runs vdk's Dial against the guard. The guard answers every request, so Dial returns as
// soon as the handshake is over; its timeouts are only a backstop.
func (c *Collector) dialVDK(ctx context.Context, url string) (*rtspv2.RTSPClient, error) {
	rw := 5 * time.Second
	if dl, ok := ctx.Deadline(); ok {
		rw = max(rw, time.Until(dl)+5*time.Second)
	}
	type dialed struct {
		c   *rtspv2.RTSPClient
		err error
	}
	ch := make(chan dialed, 1)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer func() {
			if r := recover(); r != nil {
				ch <- dialed{err: fmt.Errorf("vdk Dial panicked: %v", r)}
			}
		}()
		cl, err := rtspv2.Dial(rtspv2.RTSPClientOptions{URL: url, DisableAudio: true,
			DialTimeout: 2 * time.Second, ReadWriteTimeout: rw})
		ch <- dialed{cl, err}
	}()
	d := <-ch
	return d.c, d.err
}

// consume reads vdk's packets until the plan is met, ctx ends or the stream stops; it reports
// whether vdk's stream goroutine already said it stopped.
func (c *Collector) consume(ctx context.Context, client *rtspv2.RTSPClient, playedAt time.Time, p sessionPlan, st *frameStats) bool {
	soft, hard := playedAt.Add(p.duration), playedAt.Add(p.max)
	if dl, ok := ctx.Deadline(); ok { // end early enough that closing the session beats the deadline
		margin := min(300*time.Millisecond, dl.Sub(playedAt)/5)
		hard = minTime(hard, dl.Add(-margin))
		soft = minTime(soft, hard)
	}
	timer := time.NewTimer(time.Until(soft))
	defer timer.Stop()
	for {
		select {
		case pkt := <-client.OutgoingPacketQueue:
			st.add(pkt, time.Now())
		case sig := <-client.Signals:
			if sig == rtspv2.SignalStreamRTPStop {
				return true
			}
		case <-timer.C:
			timer.Reset(time.Until(hard))
		case <-ctx.Done():
			return false
		}
		now := time.Now()
		if !now.Before(hard) || (!now.Before(soft) && st.keys >= p.keyframes) {
			return false
		}
	}
}

// closeVDK ends the session: the guard closes both sockets, vdk's Close frees its own, and the
// stream goroutine's stop signal says vdk is done with the client.
func (c *Collector) closeVDK(client *rtspv2.RTSPClient, cancel context.CancelFunc, guardDone <-chan struct{}, stopped bool) bool {
	cancel()
	client.Close()
	<-guardDone
	if stopped {
		return true
	}
	grace := time.NewTimer(cleanupGrace)
	defer grace.Stop()
	for {
		select {
		case sig := <-client.Signals:
			if sig == rtspv2.SignalStreamRTPStop {
				return true
			}
		case <-grace.C:
			c.log.Warn("vdk stream goroutine did not stop after its socket closed")
			return false
		}
	}
}

// codecInfo reads vdk's codec data; call it only after the stream goroutine stopped.
func codecInfo(client *rtspv2.RTSPClient) (w, h int, params [][]byte) {
	for _, cd := range client.CodecData {
		switch v := cd.(type) {
		case h264parser.CodecData:
			if len(v.SPS()) > 0 {
				return v.Width(), v.Height(), [][]byte{v.SPS(), v.PPS()}
			}
		case h265parser.CodecData:
			if len(v.SPS()) > 0 {
				return v.Width(), v.Height(), [][]byte{v.VPS(), v.SPS(), v.PPS()}
			}
		}
	}
	return 0, 0, nil
}

// frameStats turns vdk's packets (one per NAL unit) into frames, keyframes, gaps and jumps.
type frameStats struct {
	stallGap time.Duration
	capture  bool
	h265     bool

	frames, keys      int
	have, curKey      bool
	curTime           time.Duration // RTP time of the current frame
	first, last       time.Time     // arrival of the first and the last frame
	firstTS           time.Duration // RTP time of the first frame
	firstKey          time.Time
	bytes             int64
	keyIdx, prevKeyIx int
	stalls, jumps     int
	captured          []keyframe
	cur               *keyframe
	curBytes          int
}

func (s *frameStats) add(pkt *av.Packet, now time.Time) {
	if pkt == nil || len(pkt.Data) <= 4 {
		return
	}
	nal := pkt.Data[4:]
	if !s.have || pkt.Time != s.curTime {
		s.newFrame(now, pkt.Time)
	}
	s.bytes += int64(len(nal))
	if !s.curKey && s.isKey(nal) {
		s.curKey = true
		s.keys++
		s.prevKeyIx, s.keyIdx = s.keyIdx, s.frames
		if s.firstKey.IsZero() {
			s.firstKey = now
		}
		if s.capture {
			s.cur, s.curBytes = &keyframe{at: now}, 0
		}
	}
	if s.curKey && s.cur != nil {
		s.curBytes += len(nal)
		if s.curBytes > maxCapture {
			s.cur = nil
			return
		}
		s.cur.nals = append(s.cur.nals, append([]byte(nil), nal...))
	}
}

func (s *frameStats) isKey(nal []byte) bool {
	if s.h265 {
		t := nal[0] >> 1 & 0x3f
		return t >= 16 && t <= 21 // BLA, IDR and CRA pictures
	}
	return nal[0]&0x1f == 5
}

func (s *frameStats) newFrame(now time.Time, t time.Duration) {
	s.keep()
	if s.have {
		if now.Sub(s.last) > s.stallGap {
			s.stalls++
		}
		if dt := t - s.curTime; dt < 0 || dt > time.Second {
			s.jumps++
		}
	} else {
		s.first, s.firstTS = now, t
	}
	s.have, s.curKey, s.curTime, s.last = true, false, t, now
	s.frames++
}

// keep files the keyframe just completed: the first one and the latest one are kept.
func (s *frameStats) keep() {
	if s.cur == nil {
		return
	}
	if len(s.captured) < 2 {
		s.captured = append(s.captured, *s.cur)
	} else {
		s.captured[1] = *s.cur
	}
	s.cur = nil
}

// finish fills res; a gap from the last frame to the session's end is a stall too.
func (s *frameStats) finish(res *sessionResult, end, playedAt time.Time) {
	s.keep()
	if s.have && end.Sub(s.last) > s.stallGap {
		s.stalls++
	}
	res.frames, res.keys, res.stalls, res.jumps = s.frames, s.keys, s.stalls, s.jumps
	res.captured = s.captured
	if !s.firstKey.IsZero() {
		res.firstKey = s.firstKey.Sub(playedAt)
	}
	if s.keys >= 2 {
		res.gop = s.keyIdx - s.prevKeyIx
	}
	// rates over the frames' RTP times (the camera's clock), which the relay's batching does not
	// blur; over their arrival when the timestamps jumped
	span := (s.curTime - s.firstTS).Seconds()
	if s.jumps > 0 || span <= 0 {
		span = s.last.Sub(s.first).Seconds()
	}
	if s.frames >= 2 && span > 0 {
		res.fps = float64(s.frames-1) / span
		res.bitrate = float64(s.bytes) * 8 * float64(s.frames-1) / float64(s.frames) / span
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
