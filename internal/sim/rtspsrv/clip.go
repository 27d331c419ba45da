package rtspsrv

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepch/vdk/codec/h264parser"
)

// H.264 NAL unit types this package looks at (ITU-T H.264 table 7-1).
const (
	nalSlice  = 1
	nalIDR    = 5
	nalSEI    = 6
	nalSPS    = 7
	nalPPS    = 8
	nalAUD    = 9
	nalFUA    = 28
	maxNALLen = 4 << 20  // one picture of a small clip is far below this
	maxClip   = 64 << 20 // bytes of Annex-B accepted by ParseClip
)

// maxPayload is the RTP payload size above which a NAL unit is split into
// FU-A fragments: it keeps an RTP packet inside one 1,500-byte Ethernet frame
// with room for IP, TCP and the interleave header, as cameras do.
const maxPayload = 1400

// Clip is an H.264 elementary stream cut into pictures and RTP payloads once,
// when it is loaded; sessions only add headers.
type Clip struct {
	Name          string
	Width, Height int
	FPS           int
	sps, pps      []byte
	frames        []frame
	bytes         int // of all payloads, for Bitrate
}

// frame is one picture: its RTP payloads in order, the parameter sets first
// on a keyframe so that a client joining late can decode from any keyframe.
type frame struct {
	key      bool
	payloads [][]byte
}

// Frames is the number of pictures in one loop of the clip.
func (c *Clip) Frames() int { return len(c.frames) }

// Key tells whether picture i (0 ≤ i < Frames) is a keyframe.
func (c *Clip) Key(i int) bool { return c.frames[i].key }

// Bitrate is the clip's mean bit rate in bits per second.
func (c *Clip) Bitrate() float64 {
	return float64(c.bytes) * 8 * float64(c.FPS) / float64(len(c.frames))
}

// ProfileLevelID is the SDP profile-level-id: the SPS's profile_idc,
// constraint flags and level_idc in hex.
func (c *Clip) ProfileLevelID() string {
	return fmt.Sprintf("%02X%02X%02X", c.sps[1], c.sps[2], c.sps[3])
}

// SpropParameterSets is the SDP sprop-parameter-sets: SPS and PPS in base64.
func (c *Clip) SpropParameterSets() string {
	return base64.StdEncoding.EncodeToString(c.sps) + "," + base64.StdEncoding.EncodeToString(c.pps)
}

// LoadClip reads an Annex-B H.264 file (e.g. `ffmpeg ... -f h264 x.h264`);
// the clip is named after the file without its extension.
func LoadClip(path string, fps int) (*Clip, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load clip: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	c, err := ParseClip(name, b, fps)
	if err != nil {
		return nil, fmt.Errorf("load clip %s: %w", path, err)
	}
	return c, nil
}

// ParseClip cuts Annex-B H.264 into pictures. The stream must start with an
// IDR picture and carry one SPS and one PPS (repeats must be identical); AUD,
// SEI and filler units are dropped (x264's SEI is its settings as text).
func ParseClip(name string, annexB []byte, fps int) (*Clip, error) {
	if fps < 1 || fps > 120 {
		return nil, fmt.Errorf("frame rate %d is outside 1..120", fps)
	}
	if len(annexB) > maxClip {
		return nil, fmt.Errorf("%d bytes is more than a simulated camera's clip may be (%d)", len(annexB), maxClip)
	}
	c := &Clip{Name: name, FPS: fps}
	var cur *frame
	for _, nal := range splitAnnexB(annexB) {
		if len(nal) > maxNALLen {
			return nil, fmt.Errorf("a NAL unit of %d bytes is larger than %d", len(nal), maxNALLen)
		}
		switch typ := nal[0] & 0x1f; typ {
		case nalSPS:
			if err := keepParamSet(&c.sps, nal, "SPS"); err != nil {
				return nil, err
			}
		case nalPPS:
			if err := keepParamSet(&c.pps, nal, "PPS"); err != nil {
				return nil, err
			}
		case nalSlice, nalIDR:
			// first_mb_in_slice is ue(v); 0 is the single bit 1, so the first
			// slice of a picture has the top bit of its second byte set.
			if cur == nil || len(nal) > 1 && nal[1]&0x80 != 0 {
				c.frames = append(c.frames, frame{})
				cur = &c.frames[len(c.frames)-1]
			}
			cur.key = cur.key || typ == nalIDR
			cur.payloads = append(cur.payloads, packetize(nal)...)
		}
	}
	if err := c.finish(); err != nil {
		return nil, err
	}
	return c, nil
}

// finish checks the clip and puts the parameter sets in front of keyframes.
func (c *Clip) finish() error {
	switch {
	case len(c.frames) == 0:
		return errors.New("no H.264 pictures in the clip (is it Annex-B H.264?)")
	case c.sps == nil || c.pps == nil:
		return errors.New("the clip has no SPS or PPS")
	case len(c.sps) < 4:
		return errors.New("the SPS is too short")
	case !c.frames[0].key:
		return errors.New("the clip does not start with an IDR picture")
	}
	info, err := parseSPS(c.sps)
	if err != nil {
		return fmt.Errorf("parse SPS: %w", err)
	}
	c.Width, c.Height = int(info.Width), int(info.Height)
	for i := range c.frames {
		f := &c.frames[i]
		if f.key {
			f.payloads = append([][]byte{c.sps, c.pps}, f.payloads...)
		}
		for _, p := range f.payloads {
			c.bytes += len(p)
		}
	}
	return nil
}

// parseSPS reads the picture size with vdk's parser, which indexes without
// bounds checks: a panic on a damaged SPS becomes an error.
func parseSPS(sps []byte) (info h264parser.SPSInfo, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("damaged SPS: %v", r)
		}
	}()
	info, err = h264parser.ParseSPS(sps)
	if err == nil && (info.Width == 0 || info.Height == 0) {
		err = errors.New("the SPS gives no picture size")
	}
	return info, err
}

func keepParamSet(dst *[]byte, nal []byte, what string) error {
	if *dst != nil && !bytes.Equal(*dst, nal) {
		return fmt.Errorf("the %s changes within the clip; cut it into clips with one %s each", what, what)
	}
	*dst = bytes.Clone(nal)
	return nil
}

// splitAnnexB returns the NAL units between start codes (00 00 01 or
// 00 00 00 01), without trailing zero bytes; empty units are skipped.
func splitAnnexB(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); {
		if b[i] != 0 || b[i+1] != 0 || b[i+2] != 1 {
			i++
			continue
		}
		if start >= 0 {
			out = appendNAL(out, b[start:i])
		}
		i += 3
		start = i
	}
	if start >= 0 {
		out = appendNAL(out, b[start:])
	}
	return out
}

func appendNAL(out [][]byte, nal []byte) [][]byte {
	nal = bytes.TrimRight(nal, "\x00")
	if len(nal) == 0 {
		return out
	}
	return append(out, nal)
}

// packetize makes the RTP payloads of one NAL unit (RFC 6184 §5.6 and §5.8):
// the unit itself when it fits, else FU-A fragments whose FU indicator keeps
// the unit's NRI and whose FU header carries start, end and the unit type.
func packetize(nal []byte) [][]byte {
	if len(nal) <= maxPayload {
		return [][]byte{nal}
	}
	hdr, body := nal[0], nal[1:]
	chunk := maxPayload - 2
	out := make([][]byte, 0, len(body)/chunk+1)
	for first := true; len(body) > 0; first = false {
		n := min(chunk, len(body))
		fu := make([]byte, 2, 2+n)
		fu[0] = hdr&0xe0 | nalFUA
		fu[1] = hdr & 0x1f
		if first {
			fu[1] |= 0x80
		}
		if n == len(body) {
			fu[1] |= 0x40
		}
		out = append(out, append(fu, body[:n]...))
		body = body[n:]
	}
	return out
}
