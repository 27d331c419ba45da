package rtspsrv

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestClipCut(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	if c.Width != 320 || c.Height != 180 || c.Frames() != 100 {
		t.Fatalf("clip %dx%d, %d pictures; want 320x180, 100", c.Width, c.Height, c.Frames())
	}
	if !strings.HasPrefix(c.ProfileLevelID(), "42") {
		t.Errorf("profile-level-id %s is not baseline", c.ProfileLevelID())
	}
	for i := range c.Frames() {
		if c.Key(i) != (i%25 == 0) {
			t.Errorf("picture %d keyframe %v; want an IDR every 25", i, c.Key(i))
		}
	}
	if br := c.Bitrate(); br < 20e3 || br > 2e6 {
		t.Errorf("bitrate %.0f bit/s is implausible", br)
	}
}

// FU-A fragments put back together give the NAL unit again (RFC 6184 §5.8).
func TestPacketizeRoundTrip(t *testing.T) {
	for _, n := range []int{1, maxPayload, maxPayload + 1, 3*maxPayload + 17} {
		nal := make([]byte, n)
		nal[0] = 0x65 // NRI 3, IDR
		for i := 1; i < n; i++ {
			nal[i] = byte(i * 7)
		}
		ps := packetize(nal)
		if n <= maxPayload {
			if len(ps) != 1 || !bytes.Equal(ps[0], nal) {
				t.Errorf("%d bytes: not sent as a single NAL unit packet", n)
			}
			continue
		}
		got := []byte{ps[0][0]&0xe0 | ps[0][1]&0x1f}
		for i, p := range ps {
			if len(p) > maxPayload || p[0]&0x1f != nalFUA || (p[1]&0x80 != 0) != (i == 0) || (p[1]&0x40 != 0) != (i == len(ps)-1) {
				t.Fatalf("%d bytes, fragment %d: header %x, %d bytes", n, i, p[:2], len(p))
			}
			got = append(got, p[2:]...)
		}
		if !bytes.Equal(got, nal) {
			t.Errorf("%d bytes: reassembled unit differs", n)
		}
	}
}

func TestParseClipErrors(t *testing.T) {
	good := loadClip(t, "lake-day-1")
	sc := []byte{0, 0, 0, 1}
	idr := append(append([]byte{}, sc...), 0x65, 0x88, 0x80)
	p := append(append([]byte{}, sc...), 0x41, 0x9a, 0x00)
	sps := append(append([]byte{}, sc...), good.sps...)
	pps := append(append([]byte{}, sc...), good.pps...)
	other := append(append([]byte{}, sc...), append(append([]byte{}, good.sps[:len(good.sps)-1]...), good.sps[len(good.sps)-1]^1)...)
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for name, tc := range map[string]struct {
		b    []byte
		want string
	}{
		"empty":         {nil, "no H.264 pictures"},
		"not h264":      {[]byte("hello world"), "no H.264 pictures"},
		"no params":     {cat(idr, p), "no SPS or PPS"},
		"starts with P": {cat(sps, pps, p, idr), "does not start with an IDR"},
		"sps changes":   {cat(sps, pps, idr, other, pps, idr), "SPS changes"},
	} {
		_, err := ParseClip(name, tc.b, 25)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
	if _, err := ParseClip("x", cat(sps, pps, idr, p), 0); err == nil {
		t.Error("frame rate 0 accepted")
	}
	c, err := ParseClip("x", cat(sps, pps, idr, p, p, sps, pps, idr), 25)
	if err != nil || c.Frames() != 4 || !c.Key(3) || c.Key(1) {
		t.Errorf("repeated parameter sets: %v, %d pictures", err, c.Frames())
	}
}

// The timeline is a pure function of the clock; a switch waits for the new
// clip's next keyframe.
func TestTimelineAndSwitch(t *testing.T) {
	a, b := loadClip(t, "lake-day-1"), loadClip(t, "lake-day-1-moved")
	now := time.Unix(1_800_000_000, 13*40e6) // picture 13 of a second
	s := New(Options{Now: func() time.Time { return now }})
	if err := s.AddPath(PathConfig{Name: "cam", Clip: a, Phase: 7}); err != nil {
		t.Fatal(err)
	}
	p, _ := s.path("cam")
	n := p.frameAt(now)
	if !p.timeOf(n).Equal(now) || p.frameAt(p.timeOf(n+1)) != n+1 || p.frameAt(p.timeOf(n+1).Add(-time.Nanosecond)) != n {
		t.Fatalf("timeOf and frameAt disagree at %d", n)
	}
	c, i, _ := s.Showing("cam", now)
	if c != a || int64(i) != n%100 {
		t.Fatalf("showing %s #%d, want %s #%d", c.Name, i, a.Name, n%100)
	}
	if err := s.SetClip("cam", b); err != nil {
		t.Fatal(err)
	}
	st := p.st.Load()
	if st.switchAt <= n || st.switchAt > n+25 || !b.Key(index(b, st.switchAt)) {
		t.Fatalf("switch at %d (now %d) is not the new clip's next keyframe", st.switchAt, n)
	}
	if c, _, _ := s.Showing("cam", p.timeOf(st.switchAt-1)); c != a {
		t.Error("switched before the keyframe")
	}
	if c, _, _ := s.Showing("cam", p.timeOf(st.switchAt)); c != b {
		t.Error("not switched at the keyframe")
	}
	if err := s.SetClip("nope", b); err == nil {
		t.Error("unknown path accepted")
	}
}

func TestAddPathChecks(t *testing.T) {
	s := New(Options{})
	c := loadClip(t, "lake-day-1")
	for _, pc := range []PathConfig{
		{Name: "", Clip: c}, {Name: "/a", Clip: c}, {Name: "a/", Clip: c}, {Name: "a b", Clip: c},
		{Name: "a/trackID=0", Clip: c}, {Name: "a"}, {Name: "a", Clip: c, Auth: Auth{Method: AuthDigest}},
	} {
		if err := s.AddPath(pc); err == nil {
			t.Errorf("AddPath(%q, auth %d) accepted", pc.Name, pc.Auth.Method)
		}
	}
	if err := s.AddPath(PathConfig{Name: "a", Clip: c}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddPath(PathConfig{Name: "a", Clip: c}); err == nil {
		t.Error("duplicate path accepted")
	}
}
