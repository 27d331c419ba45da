package rtspsrv

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

const (
	payloadType = 96              // dynamic, announced in the SDP as H264/90000
	srInterval  = 5 * time.Second // RTCP sender reports, as RFC 3550 paces them for one sender
	cname       = "swanwatch-sim"
)

// session is one client's stream of one path. Fields up to playing belong to
// the connection's reader goroutine; the sender goroutine owns seq, counts
// and buf while it runs (start and halt hand them over).
type session struct {
	c       *conn
	p       *path
	id      string
	channel int
	ssrc    uint32
	tsOff   uint32
	playing bool
	stop    chan struct{}
	done    chan struct{}

	seq             uint16
	packets, octets uint32
	buf             []byte
	keyed           bool // a keyframe was sent: pictures may follow
}

func newSession(c *conn, p *path) *session {
	var r [16]byte
	_, _ = rand.Read(r[:]) // crypto/rand never fails on Linux
	return &session{c: c, p: p, id: hex.EncodeToString(r[:8]), ssrc: binary.BigEndian.Uint32(r[8:]),
		seq: binary.BigEndian.Uint16(r[12:]), tsOff: uint32(r[14])<<24 | uint32(r[15])<<16}
}

// rtpTime is picture n's RTP timestamp: 90 kHz on the path's timeline, plus
// the session's random offset (RFC 3550 §5.1).
func (ss *session) rtpTime(n int64) uint32 {
	return ss.tsOff + uint32(n*90000/int64(ss.p.fps))
}

// start sends pictures from n on until halt, a write error or FaultClose.
func (ss *session) start(n int64) {
	ss.playing = true
	ss.stop, ss.done = make(chan struct{}), make(chan struct{})
	ss.c.s.played.Add(1)
	ss.c.s.playing.Add(1)
	go ss.send(n, ss.p.st.Load().kick)
}

// halt stops the sender and waits for it (at most WriteTimeout).
func (ss *session) halt() {
	if !ss.playing {
		return
	}
	close(ss.stop)
	<-ss.done
	ss.playing = false
	ss.c.s.playing.Add(-1)
}

// send writes each picture when the timeline reaches it: all its packets in
// one write, from the next keyframe on (a viewer that joins mid-GOP gets no
// pictures it cannot decode, as cameras start a new session). A client more
// than a second behind skips ahead, as a camera drops pictures for a slow
// viewer instead of queueing them.
func (ss *session) send(n int64, kick chan struct{}) {
	defer close(ss.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastSR time.Time
	for {
		select {
		case <-ss.stop:
			return
		case <-kick:
			ss.c.s.hungUp.Add(1)
			hangUp(ss.c.nc)
			return
		case <-timer.C:
		}
		now := ss.c.s.opts.Now()
		cur := ss.p.frameAt(now)
		if cur-n > int64(ss.p.fps) {
			n = cur
		}
		st := ss.p.st.Load()
		// A due sender report goes first, so a client can time the very first
		// picture (ffmpeg leaves a picture without one unstamped); it is sent
		// only with pictures.
		buf := ss.buf[:0]
		srDue := now.Sub(lastSR) >= srInterval
		if srDue {
			buf = ss.appendSR(buf, now)
		}
		mark := len(buf)
		buf, n = ss.batch(buf, st, n, cur)
		if len(buf) > mark {
			if srDue {
				lastSR = now
			}
			if err := ss.c.write(buf); err != nil {
				_ = ss.c.nc.Close() // the reader sees it and ends the connection
				return
			}
		}
		ss.buf = buf
		timer.Reset(ss.p.timeOf(n).Sub(now))
	}
}

// batch appends pictures n…cur to buf (none while stalled, none before the
// first keyframe) and returns the next picture due.
func (ss *session) batch(buf []byte, st *pathState, n, cur int64) ([]byte, int64) {
	for ; n <= cur; n++ {
		c := st.clipAt(n)
		f := &c.frames[index(c, n)]
		ss.keyed = ss.keyed || f.key
		if st.fault != FaultStall && ss.keyed {
			buf = ss.appendFrame(buf, f, ss.rtpTime(n))
		}
	}
	return buf, n
}

// appendFrame adds a picture's RTP packets, each in an interleave frame
// ($, channel, length); the marker bit is set on its last packet.
func (ss *session) appendFrame(buf []byte, f *frame, ts uint32) []byte {
	for i, p := range f.payloads {
		m := byte(0)
		if i == len(f.payloads)-1 {
			m = 0x80
		}
		n := 12 + len(p)
		buf = append(buf, '$', byte(ss.channel), byte(n>>8), byte(n))
		buf = append(buf, 0x80, m|payloadType, byte(ss.seq>>8), byte(ss.seq))
		buf = binary.BigEndian.AppendUint32(buf, ts)
		buf = binary.BigEndian.AppendUint32(buf, ss.ssrc)
		buf = append(buf, p...)
		ss.seq++
		ss.packets++
		ss.octets += uint32(len(p))
	}
	return buf
}

// ntpEpoch is 1900-01-01 in Unix seconds' terms, the NTP timestamp's origin.
const ntpEpoch = 2208988800

// appendSR adds a compound RTCP packet on the RTCP channel: a sender report
// (RFC 3550 §6.4.1) mapping wall clock to RTP time, and an SDES CNAME.
func (ss *session) appendSR(buf []byte, now time.Time) []byte {
	ns := now.UnixNano()
	sec, rem := ns/1e9, ns%1e9
	ticks := sec*90000 + rem*90000/1e9 + ss.p.phase*90000/int64(ss.p.fps)
	sdesLen := 4 + 2 + len(cname) + 1 // SSRC, type, length, text, end of list
	sdesLen = (sdesLen + 3) &^ 3
	total := 28 + 4 + sdesLen
	buf = append(buf, '$', byte(ss.channel+1), byte(total>>8), byte(total))
	buf = append(buf, 0x80, 200, 0, 6)
	buf = binary.BigEndian.AppendUint32(buf, ss.ssrc)
	buf = binary.BigEndian.AppendUint32(buf, uint32(sec+ntpEpoch))
	buf = binary.BigEndian.AppendUint32(buf, uint32((uint64(rem)<<32)/1e9))
	buf = binary.BigEndian.AppendUint32(buf, ss.tsOff+uint32(ticks))
	buf = binary.BigEndian.AppendUint32(buf, ss.packets)
	buf = binary.BigEndian.AppendUint32(buf, ss.octets)
	words := (4 + sdesLen) / 4
	buf = append(buf, 0x81, 202, byte((words-1)>>8), byte(words-1))
	buf = binary.BigEndian.AppendUint32(buf, ss.ssrc)
	start := len(buf)
	buf = append(buf, 1, byte(len(cname)))
	buf = append(buf, cname...)
	for len(buf)-start < sdesLen-4 {
		buf = append(buf, 0)
	}
	return buf
}
