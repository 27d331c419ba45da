package camera

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepch/vdk/format/rtspv2"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

// A real SPS/PPS pair (x264, constrained baseline, 640x360) as GStreamer's peer announces it.
var (
	testSPS, _ = base64.StdEncoding.DecodeString("Z0LAHtoCgL/lwFqDAwNSgAAAAwCAAAAZR4sXUA==")
	testPPS, _ = base64.StdEncoding.DecodeString("aM48gA==")
)

// sdpFor is a camera's SDP for one H.264 or H.265 track.
func sdpFor(h265 bool) string {
	if h265 {
		return "v=0\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H265/90000\r\na=control:trackID=1\r\n"
	}
	return fmt.Sprintf("v=0\r\ns=cam\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"+
		"a=fmtp:96 packetization-mode=1;sprop-parameter-sets=%s,%s\r\na=control:trackID=1\r\n",
		base64.StdEncoding.EncodeToString(testSPS), base64.StdEncoding.EncodeToString(testPPS))
}

// fakeCamera is a minimal RTSP server for vdk's Dial that never sends media: the demuxer of the
// client is then driven by hand.
func fakeCamera(t testing.TB, h265 bool) string {
	l := listen(t)
	serveConns(t, l, func(c net.Conn) {
		defer c.Close()
		r := bufio.NewReader(c)
		for {
			req, err := readRequest(r)
			if err != nil {
				return
			}
			extra, body := "", ""
			switch req.method {
			case "DESCRIBE":
				body = sdpFor(h265)
				extra = fmt.Sprintf("Content-Length: %d\r\n", len(body))
			case "SETUP":
				extra = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 1234\r\n"
			}
			fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\n%s\r\n%s", req.hdr.get("CSeq"), extra, body)
		}
	})
	return "rtsp://" + l.Addr().String() + "/cam"
}

// withVDKClient dials url with vdk, drains its signals while f runs, then closes it.
func withVDKClient(t testing.TB, url string, f func(*rtspv2.RTSPClient)) {
	cl, err := rtspv2.Dial(rtspv2.RTSPClientOptions{URL: url, DisableAudio: true,
		DialTimeout: time.Second, ReadWriteTimeout: time.Minute})
	require.NoError(t, err)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-cl.Signals:
			case <-done:
				return
			}
		}
	})
	defer func() {
		close(done)
		wg.Wait()
		cl.Close()
		for sig := range cl.Signals {
			if sig == rtspv2.SignalStreamRTPStop {
				break
			}
		}
	}()
	f(cl)
}

// rtpFrame builds an interleaved frame on channel 0: RTP header (flags byte, marker/pt, seq, ts,
// ssrc) and payload.
func rtpFrame(flags byte, seq uint16, ts uint32, payload []byte) []byte {
	pkt := make([]byte, 12, 12+len(payload))
	pkt[0], pkt[1] = flags, 96
	binary.BigEndian.PutUint16(pkt[2:], seq)
	binary.BigEndian.PutUint32(pkt[4:], ts)
	pkt = append(pkt, payload...)
	return append([]byte{'$', 0, byte(len(pkt) >> 8), byte(len(pkt))}, pkt...)
}

// splitFrames cuts fuzz data into RTP packets: each is a 1-byte length, then that many bytes.
func splitFrames(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		n = min(n, len(data))
		body := data[:n]
		data = data[n:]
		out = append(out, append([]byte{'$', 0, 0, byte(len(body))}, body...))
	}
	return out
}

func joinFrames(pkts ...[]byte) []byte {
	var b []byte
	for _, p := range pkts {
		body := p[4:]
		b = append(append(b, byte(len(body))), body...)
	}
	return b
}

// FuzzSanitizedDemux: whatever a camera sends, a frame the sanitizer passes never panics vdk's
// demuxer (which runs where no recover is possible).
func FuzzSanitizedDemux(f *testing.F) {
	idr := append([]byte{0x65}, bytes.Repeat([]byte{0x88}, 40)...)
	stap := append([]byte{0x18, 0, byte(len(testSPS))}, testSPS...)
	stap = append(append(stap, 0, byte(len(testPPS))), testPPS...)
	fuStart := []byte{0x7c, 0x85, 1, 2, 3}
	fuEnd := []byte{0x7c, 0x45, 4, 5}
	f.Add(false, joinFrames(rtpFrame(0x80, 1, 3000, stap), rtpFrame(0x80, 2, 3000, fuStart), rtpFrame(0x80, 3, 3000, fuEnd)))
	f.Add(false, joinFrames(rtpFrame(0x80, 1, 3000, idr)))
	f.Add(false, joinFrames(rtpFrame(0xa0, 1, 3000, []byte{0x7c, 0x45, 9})))    // padding past the payload
	f.Add(false, joinFrames(rtpFrame(0x80, 1, 3000, []byte{0x18, 0, 0})))       // empty aggregation unit
	f.Add(false, joinFrames(rtpFrame(0x80, 1, 3000, []byte{0x67, 0x42})))       // a 2-byte SPS
	f.Add(false, joinFrames(rtpFrame(0x80, 1, 3000, []byte{0x7c})))             // a 1-byte fragment
	f.Add(false, joinFrames(rtpFrame(0x90, 1, 3000, []byte{0, 0, 0, 9, 0x65}))) // extension
	f.Add(true, joinFrames(rtpFrame(0x80, 1, 3000, []byte{0x62, 0x01, 0x93, 1, 2}), rtpFrame(0x80, 1, 3000, []byte{0x62, 0x01})))
	// a session per input: a fresh client and sanitizer, both keeping state (fragment buffer,
	// parameter sets) from one frame of the input to the next
	urls := map[bool]string{false: fakeCamera(f, false), true: fakeCamera(f, true)}
	f.Fuzz(func(t *testing.T, h265 bool, data []byte) {
		s := &sanitizer{h265: h265}
		s.channel[0] = true
		if !h265 {
			s.sps, s.pps = testSPS, testPPS
		}
		withVDKClient(t, urls[h265], func(cl *rtspv2.RTSPClient) {
			for _, frame := range splitFrames(data) {
				if !s.accept(frame) {
					continue
				}
				func() {
					defer func() {
						if r := recover(); r != nil {
							t.Fatalf("vdk panicked on a frame the sanitizer passed (% x): %v", frame, r)
						}
					}()
					cl.RTPDemuxer(&frame)
				}()
			}
		})
	})
}

// FuzzReadResponse: any bytes on the RTSP port yield a response or an error, within the bounds.
func FuzzReadResponse(f *testing.F) {
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nv=0\r\n"))
	f.Add([]byte("RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"x\", nonce=\"y\"\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
	f.Add([]byte("RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		resp, err := readResponse(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			return
		}
		if resp.status < 100 || resp.status > 599 || len(resp.body) > maxBody || len(resp.hdr) > maxHeaders {
			t.Fatalf("out of bounds: %+v", resp)
		}
		var b bytes.Buffer
		if err := writeForVDK(&b, "1", resp.hdr, resp.body); err != nil {
			t.Fatal(err)
		}
		// what vdk reads must itself parse, and carry no second status line
		back, err := readResponse(bufio.NewReader(&b))
		if err != nil || back.status != 200 {
			t.Fatalf("canonical answer does not parse: %v", err)
		}
	})
}

// FuzzReadPPM: ffmpeg's output parser takes any bytes without panicking or over-allocating.
func FuzzReadPPM(f *testing.F) {
	f.Add([]byte("P6\n2 1\n255\n\x00\x00\x00\xff\xff\xff"))
	f.Add([]byte("P6 # c\n 1 1 255 abc"))
	f.Add([]byte("P6\n99999 99999\n255\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		imgs, _ := readPPMs(bytes.NewReader(data), 2)
		for _, img := range imgs {
			if b := img.Bounds(); b.Dx()*b.Dy()*3 > len(data) {
				t.Fatalf("a %v picture from %d bytes", b, len(data))
			}
		}
	})
}

// FuzzDecodeSnapshot: a snapshot body is a JPEG or a clear error, never a panic or a bomb.
func FuzzDecodeSnapshot(f *testing.F) {
	jpg, err := encodeJPEG(parkView(64, 36, 0), 80)
	require.NoError(f, err)
	f.Add(200, "image/jpeg", jpg)
	f.Add(200, "application/xml", []byte(`<ResponseStatus><statusCode>4</statusCode></ResponseStatus>`))
	f.Add(401, "", []byte{})
	f.Add(200, "image/jpeg", []byte{0xff, 0xd8, 0xff, 0xc0, 0, 17, 8, 0xff, 0xff, 0xff, 0xff, 3})
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		img, err := decodeSnapshot(status, ct, body, 1<<20)
		if err == nil && (img == nil || img.Bounds().Dx()*img.Bounds().Dy() > maxSnapshotPixels) {
			t.Fatal("no error and no sane picture")
		}
		if err != nil && !strings.Contains(err.Error(), "抓图") {
			t.Fatalf("error without operator text: %v", err)
		}
	})
}

// FuzzParseTarget: addresses and params yield a target or an error that never repeats the
// address's password.
func FuzzParseTarget(f *testing.F) {
	f.Add("rtsp://admin:Pw123@10.0.0.5/Streaming/Channels/101", "18:30-06:00", "0.5")
	f.Add("rtsp://10.0.0.5:99999/x", "auto", "x")
	f.Add("rtsp://[::1", "25:00-01:00", "-1")
	f.Fuzz(func(t *testing.T, addr, night, blur string) {
		tgt := collectors.Target{Kind: Kind, Name: "c", Address: addr,
			Params: map[string]string{"night": night, "vqd.blur": blur}}
		ct, err := parseTarget(tgt, vqd.DefaultConfig())
		if err != nil {
			if pw := passwordOf(addr); len(pw) >= 4 && strings.Contains(err.Error(), pw) {
				t.Fatalf("error %q repeats the password", err)
			}
			return
		}
		if strings.Contains(ct.url, "@") && passwordOf(ct.url) != "" {
			t.Fatalf("URL %q keeps user info", ct.url)
		}
	})
}

// passwordOf is the password in a URL's user info, "" without one.
func passwordOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return ""
	}
	pw, _ := u.User.Password()
	return pw
}

// FuzzNoteSDP: the guard's check of a camera's SDP (vdk's parser under recover, then vdk's codec
// constructors) never panics, and a session it accepts names a codec.
func FuzzNoteSDP(f *testing.F) {
	f.Add([]byte(sdpFor(false)))
	f.Add([]byte(sdpFor(true)))
	f.Add([]byte("m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 sprop-parameter-sets=Zw==,aA==\r\n"))
	f.Add([]byte("m=audio 0 RTP/AVP 0\r\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		g := &guard{}
		if err := g.noteSDP(body); err == nil && g.codec != "h264" && g.codec != "h265" {
			t.Fatalf("accepted an SDP without a known codec: %q", g.codec)
		}
	})
}
