package rtspsrv

import (
	"fmt"
	"strings"
)

// sdp describes a path's single H.264 stream (RFC 4566, RFC 6184 §8.2.1).
// packetization-mode=1 allows FU-A; the parameter sets are in
// sprop-parameter-sets and also sent in-band before every keyframe.
// a=framerate is what ffmpeg reads, a=x-framerate what vdk reads.
func sdp(p *path, c *Clip, host string) []byte {
	if host == "" {
		host = "127.0.0.1"
	}
	var b strings.Builder
	w := func(format string, a ...any) { fmt.Fprintf(&b, format+"\r\n", a...) }
	w("v=0")
	w("o=- %d 1 IN IP4 %s", uint32(p.phase)+1, host)
	w("s=%s", p.name)
	w("c=IN IP4 0.0.0.0")
	w("t=0 0")
	w("a=control:*")
	w("a=range:npt=0-")
	w("m=video 0 RTP/AVP %d", payloadType)
	w("b=AS:%d", int(c.Bitrate()/1000)+1)
	w("a=rtpmap:%d H264/90000", payloadType)
	w("a=fmtp:%d packetization-mode=1;profile-level-id=%s;sprop-parameter-sets=%s", payloadType, c.ProfileLevelID(), c.SpropParameterSets())
	w("a=framerate:%d", c.FPS)
	w("a=x-framerate:%d", c.FPS)
	w("a=x-dimensions:%d,%d", c.Width, c.Height)
	w("a=control:%s", trackControl)
	return []byte(b.String())
}
