package rtspsrv

import (
	"context"
	"encoding/json"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// ffprobe (Debian's ffmpeg) is the independent client: it must see H.264 at
// the clip's size and ~25 fps over TCP, with Digest credentials in the URL.
func TestFFprobe(t *testing.T) {
	bin := testpeer.LookBinary(t, "ffprobe", "apt-get install ffmpeg, or scripts/install-peers.sh")
	c := loadClip(t, "lake-day-1")
	s := startServer(t, Options{}, PathConfig{Name: "cam-2/Streaming/Channels/101", Clip: c,
		Auth: Auth{Method: AuthDigest, Username: "admin", Password: "Swan#2026"}})
	u := withCreds(s.URL("cam-2/Streaming/Channels/101"), "admin", "Swan#2026")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v",
		"-show_entries", "stream=codec_name,profile,width,height,r_frame_rate:packet=pts_time,flags",
		"-read_intervals", "%+#60", "-of", "json", u)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 { // a decoder error is a broken stream
		t.Fatalf("ffprobe: %v\n%s", err, stderr.String())
	}
	var r struct {
		Streams []struct {
			Codec   string `json:"codec_name"`
			Profile string `json:"profile"`
			Width   int    `json:"width"`
			Height  int    `json:"height"`
			Rate    string `json:"r_frame_rate"`
		} `json:"streams"`
		Packets []struct {
			PTS   string `json:"pts_time"`
			Flags string `json:"flags"`
		} `json:"packets"`
	}
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	if len(r.Streams) != 1 || r.Streams[0].Codec != "h264" || r.Streams[0].Width != 320 || r.Streams[0].Height != 180 ||
		!strings.Contains(r.Streams[0].Profile, "Baseline") || r.Streams[0].Rate != "25/1" {
		t.Fatalf("ffprobe saw %+v, want h264 Baseline 320x180 25/1", r.Streams)
	}
	// ffmpeg leaves the first picture of an RTSP session unstamped (it has
	// no earlier timestamp to unwrap against); every other one must be.
	var pts []float64
	keys := 0
	for i, p := range r.Packets {
		if strings.Contains(p.Flags, "K") {
			keys++
		}
		if p.PTS == "" && i > 0 {
			t.Fatalf("packet %d has no timestamp", i)
		}
		if x, err := strconv.ParseFloat(p.PTS, 64); err == nil {
			pts = append(pts, x)
		}
	}
	if len(pts) < 50 {
		t.Fatalf("ffprobe read %d stamped packets, want 59", len(pts))
	}
	fps := float64(len(pts)-1) / (pts[len(pts)-1] - pts[0])
	if fps < 24 || fps > 26 || keys < 2 {
		t.Errorf("ffprobe: %.2f pictures per second by timestamp, %d keyframes in %d packets; want ~25 and ≥ 2", fps, keys, len(r.Packets))
	}
}

// ffmpeg decodes across a clip switch (a camera knocked aside) without a
// single warning: the stream stays one valid H.264 stream. (That the switch
// lands on the new clip's keyframe, which no decoder can notice, is
// TestTimelineAndSwitch's.)
func TestFFmpegDecodesAcrossSwitch(t *testing.T) {
	bin := testpeer.LookBinary(t, "ffmpeg", "apt-get install ffmpeg, or scripts/install-peers.sh")
	s := startServer(t, Options{}, PathConfig{Name: "cam", Clip: loadClip(t, "lake-day-1")})
	moved := loadClip(t, "lake-day-1-moved")
	go func() {
		time.Sleep(1500 * time.Millisecond)
		if err := s.SetClip("cam", moved); err != nil {
			t.Error(err)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-hide_banner", "-v", "warning", "-rtsp_transport", "tcp",
		"-i", s.URL("cam"), "-frames:v", "100", "-f", "null", "-").CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	if c, _, _ := s.Showing("cam", time.Now()); c != moved {
		t.Error("the path does not show the new clip after the switch")
	}
}
