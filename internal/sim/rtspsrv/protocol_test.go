package rtspsrv

import (
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestProtocolAnswers(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: c})
	rc := dialRaw(t, s, "cam")
	if r := rc.do("OPTIONS", "*"); r.status != 200 || !strings.Contains(r.header["public"], "GET_PARAMETER") {
		t.Errorf("OPTIONS: %d %q", r.status, r.header["public"])
	}
	if r := rc.do("OPTIONS", "", "Require: implicit-play"); r.status != 551 || r.header["unsupported"] != "implicit-play" {
		t.Errorf("OPTIONS with Require: %d, Unsupported %q; want 551", r.status, r.header["unsupported"])
	}
	if r := rc.do("DESCRIBE", s.URL("nope")); r.status != 404 {
		t.Errorf("unknown path: %d", r.status)
	}
	if r := rc.do("RECORD", ""); r.status != 501 {
		t.Errorf("RECORD: %d", r.status)
	}
	if r := rc.do("PLAY", ""); r.status != 454 {
		t.Errorf("PLAY without SETUP: %d, want 454", r.status)
	}
	r := rc.do("DESCRIBE", "", "Accept: application/sdp")
	for _, want := range []string{"m=video 0 RTP/AVP 96", "a=rtpmap:96 H264/90000", "packetization-mode=1",
		"profile-level-id=" + c.ProfileLevelID(), "sprop-parameter-sets=" + c.SpropParameterSets(), "a=framerate:25", "a=control:trackID=0"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("SDP lacks %q:\n%s", want, r.body)
		}
	}
	if r.header["content-base"] != s.URL("cam")+"/" || r.header["content-type"] != "application/sdp" {
		t.Errorf("DESCRIBE headers %v", r.header)
	}
	if r := rc.do("SETUP", s.URL("cam/trackID=0"), "Transport: RTP/AVP;unicast;client_port=5000-5001"); r.status != 461 {
		t.Errorf("UDP SETUP: %d, want 461", r.status)
	}
	r = rc.do("SETUP", s.URL("cam/trackID=0"), "Transport: RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;unicast;interleaved=2-3")
	if r.status != 200 || !strings.HasPrefix(r.header["transport"], "RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=") {
		t.Fatalf("SETUP offering UDP then TCP: %d %q", r.status, r.header["transport"])
	}
	id, params, _ := strings.Cut(r.header["session"], ";")
	if len(id) != 16 || params != "timeout=60" {
		t.Errorf("Session %q", r.header["session"])
	}
	if r := rc.do("GET_PARAMETER", "", "Session: deadbeef"); r.status != 454 {
		t.Errorf("GET_PARAMETER with a foreign session: %d", r.status)
	}
	if r := rc.do("GET_PARAMETER", "", "Session: "+id); r.status != 200 {
		t.Errorf("GET_PARAMETER keep-alive: %d", r.status)
	}
	r = rc.do("PLAY", s.URL("cam")+"/", "Session: "+id)
	if r.status != 200 || !strings.Contains(r.header["rtp-info"], "url="+s.URL("cam/trackID=0")+";seq=") {
		t.Fatalf("PLAY: %d %q", r.status, r.header["rtp-info"])
	}
	checkPackets(t, rc, 2, 60)
	if r := rc.do("TEARDOWN", "", "Session: "+id); r.status != 200 {
		t.Errorf("TEARDOWN: %d", r.status)
	}
}

// checkPackets reads n pictures from a playing raw client and checks RFC 6184
// packetisation: channel, version, payload type, sequence, one timestamp per
// picture 3600 ticks apart, the marker on each picture's last packet, FU-A
// fragments that start and end, SPS and PPS before each IDR, and an IDR
// first.
func checkPackets(t *testing.T, rc *rawClient, channel, n int) {
	t.Helper()
	var seq uint16
	var ts uint32
	first, inFU, pictures, idr := true, false, 0, 0
	var last byte // type of the previous NAL unit
	for pictures < n {
		ch, p, err := rc.packet()
		if err != nil {
			t.Fatal(err)
		}
		if ch == channel+1 {
			if p[1] != 200 {
				t.Errorf("RTCP packet type %d, want a sender report", p[1])
			}
			continue
		}
		if ch != channel || p[0] != 0x80 || p[1]&0x7f != payloadType {
			t.Fatalf("packet on channel %d with header %x", ch, p[:2])
		}
		s, pts := binary.BigEndian.Uint16(p[2:]), binary.BigEndian.Uint32(p[4:])
		if !first && s != seq+1 {
			t.Fatalf("sequence %d after %d", s, seq)
		}
		if !first && pts != ts && pts-ts != 3600 {
			t.Fatalf("timestamp step %d, want 0 or 3600", pts-ts)
		}
		seq, ts, first = s, pts, false
		typ := p[12] & 0x1f
		switch {
		case typ == nalFUA:
			start, end, inner := p[13]&0x80 != 0, p[13]&0x40 != 0, p[13]&0x1f
			if start == inFU {
				t.Fatalf("FU-A start %v while inside a fragmented unit %v", start, inFU)
			}
			inFU = !end
			if start {
				typ = inner
			} else {
				typ = 0
			}
		case inFU:
			t.Fatal("a single NAL unit inside an unfinished FU-A")
		}
		if (typ == nalSlice || typ == nalIDR) && pictures == 0 && idr == 0 && typ != nalIDR {
			t.Fatal("the session starts with a picture that is not a keyframe")
		}
		if typ == nalIDR && last != nalPPS && last != nalIDR {
			t.Error("an IDR without SPS and PPS before it")
		}
		if typ == nalIDR {
			idr++
		}
		if typ != 0 {
			last = typ
		}
		if p[1]&0x80 != 0 {
			if inFU {
				t.Fatal("marker bit inside a fragmented unit")
			}
			pictures++
		}
	}
	if idr == 0 {
		t.Errorf("no IDR in %d pictures", n)
	}
}

func TestProtocolBadRequests(t *testing.T) {
	s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: loadClip(t, "lake-day-1")})
	for _, tc := range []struct {
		msg  string
		want int
	}{
		{"GARBAGE\r\n\r\n", 400},
		{"DESCRIBE rtsp://x/cam RTSP/2.0\r\nCSeq: 1\r\n\r\n", 505},
		{"DESCRIBE http://x/cam RTSP/1.0\r\nCSeq: 1\r\n\r\n", 400},
		{"OPTIONS * RTSP/1.0\r\n\r\n", 400}, // no CSeq
		{"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 99999\r\n\r\n", 413},
		{"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n" + strings.Repeat("X-A: b\r\n", 40) + "\r\n", 400},
		{"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: " + strings.Repeat("a", 3000) + "\r\n\r\n", 400},
	} {
		rc := dialRaw(t, s, "cam")
		if _, err := rc.nc.Write([]byte(tc.msg)); err != nil {
			t.Fatal(err)
		}
		if r := rc.read(); r.status != tc.want {
			t.Errorf("%q: %d, want %d", clip(tc.msg, 40), r.status, tc.want)
		}
	}
	if st := s.Stats(); st.BadRequests != 7 {
		t.Errorf("%d bad requests counted, want 7", st.BadRequests)
	}
}

func TestDigestChallengeAndQop(t *testing.T) {
	s := startServer(t, Options{Realm: "IP Camera(E1234)"}, PathConfig{Name: "cam", Clip: loadClip(t, "lake-day-1"),
		Auth: Auth{Method: AuthDigest, Username: "admin", Password: "pw"}})
	rc := dialRaw(t, s, "cam")
	if r := rc.do("OPTIONS", ""); r.status != 200 {
		t.Errorf("OPTIONS needs no credentials, got %d", r.status)
	}
	r := rc.do("DESCRIBE", "")
	ch := r.header["www-authenticate"]
	p := parseAuthParams(strings.TrimPrefix(ch, "Digest "))
	if r.status != 401 || p["realm"] != "IP Camera(E1234)" || p["nonce"] == "" {
		t.Fatalf("401 challenge %d %q", r.status, ch)
	}
	if strings.Contains(r.header["www-authenticate"]+r.body, "pw") {
		t.Error("the password leaks into the challenge")
	}
	uri := s.URL("cam")
	ha1, ha2 := md5hex("admin:IP Camera(E1234):pw"), md5hex("DESCRIBE:"+uri)
	resp := md5hex(ha1 + ":" + p["nonce"] + ":00000001:abc:auth:" + ha2)
	hdr := fmt.Sprintf(`Authorization: Digest username="admin", realm="IP Camera(E1234)", nonce="%s", uri="%s", qop=auth, nc=00000001, cnonce="abc", response="%s"`, p["nonce"], uri, resp)
	if r := rc.do("DESCRIBE", "", hdr); r.status != 200 {
		t.Errorf("qop=auth answer: %d", r.status)
	}
	bad := strings.Replace(hdr, p["nonce"], strings.Repeat("0", 32), 1)
	if r := rc.do("DESCRIBE", "", bad); r.status != 401 {
		t.Errorf("forged nonce: %d", r.status)
	}
}

func TestNonceExpiry(t *testing.T) {
	n := newNonces()
	t0 := time.Unix(1_800_000_000, 0)
	x := n.make(t0)
	if ok, _ := n.valid(x, t0.Add(time.Minute)); !ok {
		t.Error("fresh nonce refused")
	}
	if ok, stale := n.valid(x, t0.Add(nonceTTL+time.Second)); ok || !stale {
		t.Errorf("old nonce: ok %v stale %v", ok, stale)
	}
	if ok, stale := newNonces().valid(x, t0); ok || stale {
		t.Error("another server's nonce accepted")
	}
}
