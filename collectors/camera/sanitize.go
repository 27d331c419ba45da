package camera

import (
	"bytes"
	"encoding/binary"

	"github.com/deepch/vdk/codec/h264parser"
	"github.com/deepch/vdk/codec/h265parser"
)

// sanitizer decides which interleaved RTP frames the guard may hand to vdk. vdk demuxes RTP in a
// goroutine of its own, where a panic cannot be recovered and would end the whole process, and its
// demuxer indexes packets without bounds checks in several places (an empty aggregation unit, a
// one-byte fragment, padding longer than the payload, a parameter set shorter than 4 bytes). The
// sanitizer follows vdk's reading of every frame step by step and keeps a shadow of the state vdk
// builds (fragment buffer, parameter sets), so that only frames vdk reads safely reach it. Legit
// camera traffic always passes; FuzzSanitizedDemux checks the promise against vdk itself.
type sanitizer struct {
	h265    bool
	channel [256]bool // interleaved channels vdk set up for video

	fuStarted bool
	fuUnknown bool   // a dropped fragment end left vdk's buffer unknown: drop fragments until a start
	fu        []byte // shadow of vdk's fragment buffer
	vps       []byte // shadows of vdk's parameter sets
	sps, pps  []byte
}

// vdkFlush is the buffer size above which vdk empties its fragment buffer.
const vdkFlush = 4048576

// params is a candidate parameter-set state, committed only when the whole frame passes.
type params struct{ vps, sps, pps []byte }

// accept reports whether frame ('$', channel, length, RTP packet) is safe for vdk, and updates the
// shadow state as vdk will when it reads it.
func (s *sanitizer) accept(frame []byte) bool {
	if len(frame) < 4+12 || len(frame) > 4+65535 || !s.channel[frame[1]] {
		return false
	}
	if frame[5] == 200 || frame[5] == 201 { // vdk skips RTCP sender/receiver reports
		return false
	}
	offset, end, ok := rtpBounds(frame)
	if !ok {
		return false
	}
	if len(s.fu) > vdkFlush {
		s.fu = s.fu[:0]
	}
	nals, _ := h264parser.SplitNALUs(frame[offset:end])
	// An RTP payload is one NAL unit, aggregation or fragment; vdk would also cut a payload that
	// happens to look like Annex B or AVCC into pieces, which no camera sends.
	if len(nals) != 1 || len(nals[0]) == 0 {
		return false
	}
	if s.h265 {
		return s.accept265(nals[0])
	}
	return s.accept264(frame, offset, end, nals[0])
}

// rtpBounds computes the payload bounds exactly as vdk's demuxer does (its offsets mix the 4-byte
// interleave prefix in and out; what matters here is where it will slice).
func rtpBounds(c []byte) (offset, end int, ok bool) {
	first := c[4]
	padding, extension, csrc := first>>5&1 == 1, first>>4&1 == 1, int(first&0x0f)
	offset, end = 12, len(c)
	if end-offset >= 4*csrc {
		offset += 4 * csrc
	}
	if extension && len(c) < 4+offset+2+2 {
		return 0, 0, false
	}
	if extension && end-offset >= 4 {
		extLen := 4 * int(binary.BigEndian.Uint16(c[4+offset+2:]))
		offset += 4
		if end-offset >= extLen {
			offset += extLen
		}
	}
	if padding && end-offset > 0 {
		if p := int(c[end-1]); end-offset >= p {
			end -= p
		}
	}
	offset += 4
	return offset, end, offset <= end
}

func (s *sanitizer) accept264(frame []byte, offset, end int, nal []byte) bool {
	p := params{s.vps, s.sps, s.pps}
	switch t := nal[0] & 0x1f; {
	case t >= 1 && t <= 5:
		return true
	case t == 7, t == 8:
		if !p.update264(t, nal) {
			return false
		}
	case t == 24:
		for unit := nal[1:]; len(unit) >= 2; {
			size := int(unit[0])<<8 | int(unit[1])
			if size+2 > len(unit) {
				break
			}
			if size == 0 {
				return false
			}
			if ut := unit[2] & 0x1f; (ut == 7 || ut == 8) && !p.update264(ut, unit[2:size+2]) {
				return false
			}
			unit = unit[size+2:]
		}
	case t == 28:
		return s.acceptFU(frame, offset, end)
	default:
		return true
	}
	s.vps, s.sps, s.pps = p.vps, p.sps, p.pps
	return true
}

// acceptFU follows vdk's FU-A reassembly. A fragment end whose reassembled unit vdk would read
// unsafely is dropped, and so is every fragment after it until the next start.
func (s *sanitizer) acceptFU(frame []byte, offset, end int) bool {
	if end-offset < 2 {
		return false
	}
	ind, hdr := frame[offset], frame[offset+1]
	start, last := hdr&0x80 != 0, hdr&0x40 != 0
	if !start && s.fuUnknown {
		return false
	}
	if start {
		s.fuUnknown = false
		s.fuStarted = true
		s.fu = append(s.fu[:0], ind&0xe0|hdr&0x1f)
	}
	if !s.fuStarted {
		return true
	}
	s.fu = append(s.fu, frame[offset+2:end]...)
	if !last {
		return true
	}
	s.fuStarted = false
	if len(s.fu) == 0 {
		s.fuUnknown = true
		return false
	}
	if t := s.fu[0] & 0x1f; t != 7 && t != 9 {
		return true
	}
	p := params{s.vps, s.sps, s.pps}
	units, _ := h264parser.SplitNALUs(append([]byte{0, 0, 0, 1}, s.fu...))
	for _, u := range units {
		if len(u) == 0 {
			s.fuUnknown = true
			return false
		}
		if t := u[0] & 0x1f; t == 7 || t == 8 {
			if !p.update264(t, u) {
				s.fuUnknown = true
				return false
			}
		}
	}
	s.vps, s.sps, s.pps = p.vps, p.sps, p.pps
	return true
}

// update264 applies an SPS (7) or PPS (8) as vdk does, trying vdk's own codec constructor where
// vdk would call it; a panic there (vdk indexes sps[1..3]) rejects the unit.
func (p *params) update264(t byte, val []byte) bool {
	sps, pps := p.sps, p.pps
	if t == 7 {
		if bytes.Equal(val, sps) {
			return true
		}
		sps = val
	} else {
		if bytes.Equal(val, pps) {
			return true
		}
		pps = val
	}
	if len(sps) > 0 && len(pps) > 0 && !noPanic(func() { _, _ = h264parser.NewCodecDataFromSPSAndPPS(sps, pps) }) {
		return false
	}
	p.sps, p.pps = sps, pps
	return true
}

func (s *sanitizer) accept265(nal []byte) bool {
	p := params{s.vps, s.sps, s.pps}
	switch t := nal[0] >> 1 & 0x3f; t {
	case h265parser.NAL_UNIT_VPS, h265parser.NAL_UNIT_SPS, h265parser.NAL_UNIT_PPS:
		if !p.update265(t, nal) {
			return false
		}
	case h265parser.NAL_UNIT_UNSPECIFIED_49: // a fragment: vdk reads its third byte
		return len(nal) >= 3
	default:
		return true
	}
	s.vps, s.sps, s.pps = p.vps, p.sps, p.pps
	return true
}

func (p *params) update265(t byte, val []byte) bool {
	vps, sps, pps := p.vps, p.sps, p.pps
	cur := map[byte]*[]byte{h265parser.NAL_UNIT_VPS: &vps, h265parser.NAL_UNIT_SPS: &sps, h265parser.NAL_UNIT_PPS: &pps}[t]
	if bytes.Equal(val, *cur) {
		return true
	}
	*cur = val
	if len(vps) > 0 && len(sps) > 0 && len(pps) > 0 &&
		!noPanic(func() { _, _ = h265parser.NewCodecDataFromVPSAndSPSAndPPS(vps, sps, pps) }) {
		return false
	}
	p.vps, p.sps, p.pps = vps, sps, pps
	return true
}

// noPanic runs f and reports whether it returned normally.
func noPanic(f func()) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	f()
	return true
}
