package rtspsrv

import (
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepch/vdk/av"
	"github.com/deepch/vdk/codec/h264parser"
	"github.com/deepch/vdk/format/rtspv2"
)

// vdkResult is what deepch/vdk's rtspv2 client (the camera collector's
// client) saw in one session.
type vdkResult struct {
	width, height int
	pictures      int
	keyframes     int
	firstKey      bool            // the first picture was a keyframe
	times         []time.Duration // RTP time of each picture
	stopped       bool            // the client's stream ended (connection lost)
}

// withCreds puts credentials into an rtsp URL, the only way vdk takes them.
func withCreds(raw, user, pass string) string {
	u, _ := url.Parse(raw)
	u.User = url.UserPassword(user, pass)
	return u.String()
}

// vdkPlay plays url with vdk for d and collects what arrived.
func vdkPlay(t testing.TB, u string, d time.Duration) (vdkResult, error) {
	t.Helper()
	c, err := rtspv2.Dial(rtspv2.RTSPClientOptions{URL: u, DialTimeout: 3 * time.Second,
		ReadWriteTimeout: 3 * time.Second, DisableAudio: true})
	if err != nil {
		return vdkResult{}, err
	}
	defer c.Close()
	var r vdkResult
	if len(c.CodecData) > 0 {
		if cd, ok := c.CodecData[0].(h264parser.CodecData); ok {
			r.width, r.height = cd.Width(), cd.Height()
		}
	}
	end := time.After(d)
	for {
		select {
		case <-end:
			return r, nil
		case sig := <-c.Signals:
			if sig == rtspv2.SignalStreamRTPStop {
				r.stopped = true
				return r, nil
			}
		case p := <-c.OutgoingPacketQueue:
			r.add(p)
		}
	}
}

func (r *vdkResult) add(p *av.Packet) {
	if r.pictures == 0 {
		r.firstKey = p.IsKeyFrame
	}
	r.pictures++
	if p.IsKeyFrame {
		r.keyframes++
	}
	r.times = append(r.times, p.Time)
}

func TestVDKClientPlays(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	s := startServer(t, Options{}, PathConfig{Name: "cam-1/Streaming/Channels/101", Clip: c})
	r, err := vdkPlay(t, s.URL("cam-1/Streaming/Channels/101"), 2200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.width != c.Width || r.height != c.Height || c.Width != 320 || c.Height != 180 {
		t.Errorf("vdk read %dx%d from the SDP, clip is %dx%d (want 320x180)", r.width, r.height, c.Width, c.Height)
	}
	// 2.2 s at 25 fps from the next keyframe (at most a second away): 30–56
	// pictures, the first a keyframe, and at least two keyframes.
	if r.pictures < 30 || r.pictures > 56 || r.keyframes < 2 || !r.firstKey {
		t.Errorf("vdk got %d pictures, %d keyframes (first one a keyframe: %v) in 2.2 s; want 30–56, ≥ 2, true",
			r.pictures, r.keyframes, r.firstKey)
	}
	for i := 1; i < len(r.times); i++ {
		if d := r.times[i] - r.times[i-1]; d < 39*time.Millisecond || d > 41*time.Millisecond {
			t.Fatalf("picture %d is %v after the one before; want 40 ms (25 fps)", i, d)
		}
	}
	if st := s.Stats(); st.Played != 1 || st.BadRequests != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestVDKClientAuth(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	for _, m := range []AuthMethod{AuthDigest, AuthBasic} {
		s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: c,
			Auth: Auth{Method: m, Username: "admin", Password: "Swan#2026"}})
		if _, err := vdkPlay(t, s.URL("cam"), 300*time.Millisecond); err == nil {
			t.Errorf("method %d: played without credentials", m)
		}
		if _, err := vdkPlay(t, withCreds(s.URL("cam"), "admin", "wrong"), 300*time.Millisecond); err == nil ||
			!strings.Contains(err.Error(), "401") {
			t.Errorf("method %d: wrong password gave %v, want a 401 error", m, err)
		}
		r, err := vdkPlay(t, withCreds(s.URL("cam"), "admin", "Swan#2026"), 1200*time.Millisecond)
		if err != nil || r.keyframes == 0 {
			t.Errorf("method %d: right password: %v, %d keyframes", m, err, r.keyframes)
		}
		if st := s.Stats(); st.Unauthorized < 3 {
			t.Errorf("method %d: %d 401s counted, want ≥ 3", m, st.Unauthorized)
		}
	}
}

func TestVDKManySessions(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: c})
	const n = 20
	var wg sync.WaitGroup
	res := make([]vdkResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { res[i], errs[i] = vdkPlay(t, s.URL("cam"), 1500*time.Millisecond) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || res[i].keyframes == 0 || res[i].pictures < 12 || !res[i].firstKey {
			t.Errorf("session %d: %v, %d pictures, %d keyframes", i, errs[i], res[i].pictures, res[i].keyframes)
		}
	}
	if st := s.Stats(); st.Played != n {
		t.Errorf("played %d, want %d", st.Played, n)
	}
}

func TestVDKStallAndClose(t *testing.T) {
	c := loadClip(t, "lake-day-1")
	s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: c})
	if err := s.SetFault("cam", FaultStall); err != nil {
		t.Fatal(err)
	}
	// Stalled: the session is set up and stays connected, but no picture comes.
	r, err := vdkPlay(t, s.URL("cam"), 1500*time.Millisecond)
	if err != nil || r.pictures != 0 || r.stopped {
		t.Errorf("stalled path: err %v, %d pictures, stopped %v; want a live connection with no pictures", err, r.pictures, r.stopped)
	}
	if err := s.SetFault("cam", FaultNone); err != nil {
		t.Fatal(err)
	}
	done := make(chan vdkResult, 1)
	go func() {
		r, _ := vdkPlay(t, s.URL("cam"), 5*time.Second)
		done <- r
	}()
	time.Sleep(1200 * time.Millisecond)
	if err := s.SetFault("cam", FaultClose); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if !r.stopped || r.pictures == 0 {
			t.Errorf("closed path: stopped %v after %d pictures; want pictures, then the stream cut", r.stopped, r.pictures)
		}
	case <-time.After(4 * time.Second):
		t.Fatal("FaultClose did not cut the playing session")
	}
	if _, err := vdkPlay(t, s.URL("cam"), time.Second); err == nil {
		t.Error("a closed path still answers")
	}
	if st := s.Stats(); st.HungUp < 2 {
		t.Errorf("%d hang-ups counted, want ≥ 2", st.HungUp)
	}
}
