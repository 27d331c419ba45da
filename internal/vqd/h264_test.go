package vqd

import (
	"fmt"
	_ "image/png" // ffmpeg writes the decoded frames as PNG
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestThroughH264 judges frames that went the collector's RTSP way: encoded to H.264 by
// scripts/vqd-clips.sh (constrained baseline, IDR every 25 frames, CRF 30) and decoded by ffmpeg,
// two seconds apart (IDR to IDR, and P frame to P frame). Judged against the clip's JPEG snapshot as
// the reference, a clean clip must raise nothing at all: the codec's own losses are no fault. The
// frozen clips' JPEG snapshots (what a camera's snapshot endpoint serves) must read as frozen.
//
// What it also shows, logged for docs/vqd.md: through a lossy codec two keyframes of a frozen
// source differ by the re-quantisation about as much as two of a still, live scene (freeze_diff
// 3.6 against 4.0 here), so the keyframe pair cannot tell them apart; freeze is judged on snapshot
// pairs, or on the stream (identical decoded frames over seconds), not on keyframes.
func TestThroughH264(t *testing.T) {
	ff := testpeer.LookBinary(t, "ffmpeg", "scripts/install-peers.sh, or apt-get install ffmpeg")
	script, err := filepath.Abs("../../scripts/vqd-clips.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	decode := func(clip string) []string {
		pattern := clip + "-d%d.png"
		out, err := exec.Command(ff, "-hide_banner", "-loglevel", "error", "-i", clip,
			"-vf", `select=eq(n\,0)+eq(n\,12)+eq(n\,50)+eq(n\,62)`, "-fps_mode", "passthrough", pattern).CombinedOutput()
		if err != nil {
			t.Fatalf("decoding %s: %v: %s", clip, err, out)
		}
		var frames []string
		for i := 1; i <= 4; i++ {
			frames = append(frames, fmt.Sprintf(pattern, i))
		}
		return frames // n = 0, 12, 50, 62
	}
	for _, sc := range []string{"lake-day", "lake-night"} {
		for _, fs := range [][2]string{{"clean", "mild"}, {"frozen", "mild"}, {"frozen", "strong"}} {
			base := filepath.Join(dir, fmt.Sprintf("%s-%s-%s", sc, fs[0], fs[1]))
			if out, err := exec.Command("bash", script, sc, fs[0], fs[1], base+".h264", "3", "480x270").CombinedOutput(); err != nil {
				t.Fatalf("vqd-clips.sh %s %s: %v: %s", sc, fs[0], err, out)
			}
		}
		ref := NewReference(loadImage(t, filepath.Join(dir, sc+"-clean-mild-01.jpg")))
		f := decode(filepath.Join(dir, sc+"-clean-mild.h264"))
		for _, pair := range [][2]int{{0, 2}, {1, 3}} { // IDR to IDR, P to P
			r := Analyze(Input{Frame: loadImage(t, f[pair[1]]), Previous: loadImage(t, f[pair[0]]), Reference: ref}, DefaultConfig())
			if got := faultsOf(r); len(got) != 0 {
				t.Errorf("%s clean through H.264, frames %v: reported %v; measures %v", sc, pair, got, r.Measures)
			}
		}
		for _, sev := range []string{"mild", "strong"} {
			base := filepath.Join(dir, sc+"-frozen-"+sev)
			r := Analyze(Input{Frame: loadImage(t, base+"-03.jpg"), Previous: loadImage(t, base+"-01.jpg"), Reference: ref}, DefaultConfig())
			if !r.Faults[Frozen] {
				t.Errorf("%s frozen %s snapshots: not frozen (freeze_diff %.2f)", sc, sev, r.Measures["freeze_diff"])
			}
			fz := decode(base + ".h264")
			r = Analyze(Input{Frame: loadImage(t, fz[2]), Previous: loadImage(t, fz[0]), Reference: ref}, DefaultConfig())
			t.Logf("%s frozen %s through H.264, keyframes 2 s apart: freeze_diff %.2f (frozen %v)", sc, sev, r.Measures["freeze_diff"], r.Faults[Frozen])
		}
	}
}
