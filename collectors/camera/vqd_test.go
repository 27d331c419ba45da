package camera

import (
	"bytes"
	"encoding/json"
	"image"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

const ffmpegHint = "apt-get install ffmpeg (scripts/install-peers.sh)"

// meanLuma is the mean grey level of img.
func meanLuma(img image.Image) float64 {
	b := img.Bounds()
	var sum float64
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			sum += (0.299*float64(r) + 0.587*float64(g) + 0.114*float64(bl)) / 257
		}
	}
	return sum / float64(b.Dx()*b.Dy())
}

// diffMean is the mean absolute grey difference of two same-size pictures.
func diffMean(a, b image.Image) float64 {
	r := a.Bounds()
	var sum float64
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, _, _, _ := a.At(x, y).RGBA()
			br, _, _, _ := b.At(x, y).RGBA()
			d := float64(ar) - float64(br)
			if d < 0 {
				d = -d
			}
			sum += d / 257
		}
	}
	return sum / float64(r.Dx()*r.Dy())
}

// stubAnalyze judges only darkness and sameness, so the plumbing (evidence, references) is tested
// apart from the engine's thresholds.
func stubAnalyze(in vqd.Input, _ vqd.Config) vqd.Result {
	r := vqd.Result{Faults: map[vqd.Fault]bool{vqd.BlackScreen: meanLuma(in.Frame) < 20},
		Measures: map[string]float64{"brightness": meanLuma(in.Frame)}}
	if in.Previous != nil {
		r.Faults[vqd.Frozen] = diffMean(in.Previous, in.Frame) < 0.5
	}
	return r
}

func thumbOf(t *testing.T, c *Collector, name string) image.Image {
	t.Helper()
	b, _, err := c.store.Thumb(name)
	require.NoError(t, err, "thumbnail of %s", name)
	img, err := jpeg.Decode(bytes.NewReader(b))
	require.NoError(t, err)
	return img
}

// TestDecodeKeyframes: ffmpeg decodes the first and the last keyframe of a session.
func TestDecodeKeyframes(t *testing.T) {
	ffmpeg := testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig())
	frames := func(mount string) []image.Image {
		res, err := c.session(t.Context(), sessionPlan{cam: peer.URL(mount), duration: 2 * time.Second,
			max: 5 * time.Second, keyframes: 2, stallGap: time.Second, capture: true})
		require.NoError(t, err)
		require.Len(t, res.captured, 2)
		imgs, err := decodeKeyframes(t.Context(), ffmpeg, res.codec, res.params, res.captured, 20*time.Second)
		require.NoError(t, err)
		require.Len(t, imgs, 2)
		assert.Equal(t, image.Rect(0, 0, 640, 360), imgs[0].Bounds())
		return imgs
	}
	black := frames("/black")
	assert.Less(t, meanLuma(black[1]), 20.0)
	frozen := frames("/frozen")
	assert.Less(t, diffMean(frozen[0], frozen[1]), 1.0, "a still picture decodes the same twice")
	moving := frames("/cam1")
	assert.Greater(t, meanLuma(moving[1]), 60.0)
	assert.Greater(t, diffMean(moving[0], moving[1]), 5.0, "moving bars differ a second apart")
}

// TestVQDFaultsFromRTSP: the engine finds black and frozen pictures decoded from RTSP keyframes.
func TestVQDFaultsFromRTSP(t *testing.T) {
	testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig())
	for mount, fault := range map[string]vqd.Fault{"/black": vqd.BlackScreen, "/frozen": vqd.Frozen} {
		rec, err := round(t, c, camTargetFor(mount, peer.URL(mount), nil), 15*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, "camera_vqd_enabled{}"))
		assert.Equal(t, 1.0, value(t, rec, `camera_vqd_fault{fault="`+string(fault)+`"}`), mount)
	}
}

// TestVQDPlumbing: thumbnails, evidence when a fault turns on, the provisional and the confirmed
// reference, and that the result repeats between diagnoses.
func TestVQDPlumbing(t *testing.T) {
	testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	dir := t.TempDir()
	store, err := NewStore(dir, 64<<20)
	require.NoError(t, err)
	cfg := testConfig()
	c := New(cfg, store, nil)
	t.Cleanup(func() { c.Close() })
	c.analyze = stubAnalyze

	rec, err := round(t, c, camTargetFor("north-01", peer.URL("/cam1"), nil), 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `camera_vqd_fault{fault="black_screen"}`))
	assert.Equal(t, 0.0, value(t, rec, `camera_vqd_fault{fault="frozen"}`))
	assert.Equal(t, 0.0, value(t, rec, "camera_vqd_night{}"))
	assert.Less(t, value(t, rec, "camera_vqd_age_seconds{}"), 5.0)
	assert.Equal(t, image.Rect(0, 0, 320, 180), thumbOf(t, c, "north-01").Bounds())
	_, meta, err := store.Reference("north-01", "day")
	require.NoError(t, err, "the first fault-free frame is the provisional reference")
	assert.True(t, meta.Provisional)

	// the same camera now shows a black picture; the diagnosis is not due yet: repeated
	tgt := camTargetFor("north-01", peer.URL("/black"), nil)
	rec, err = round(t, c, tgt, 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `camera_vqd_fault{fault="black_screen"}`), "repeated until the next diagnosis")
	c.now = func() time.Time { return time.Now().Add(cfg.VQDInterval) }
	rec, err = round(t, c, tgt, 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `camera_vqd_fault{fault="black_screen"}`))
	ev, at, err := store.Evidence("north-01", vqd.BlackScreen, time.Time{})
	require.NoError(t, err, "the fault that turned on keeps its frame")
	img, err := jpeg.Decode(bytes.NewReader(ev))
	require.NoError(t, err)
	assert.Less(t, meanLuma(img), 20.0)
	assert.WithinDuration(t, c.now(), at, 10*time.Second)

	// the operator confirms the black frame as reference (a test of the mechanism, not advice)
	w := httptest.NewRecorder()
	c.ConfirmReference(w, httptest.NewRequest(http.MethodPost, "/?camera=north-01", nil))
	require.Equal(t, http.StatusOK, w.Code, w.Body.String())
	var got struct {
		Camera      string `json:"camera"`
		Profile     string `json:"profile"`
		Provisional bool   `json:"provisional"`
	}
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &got))
	assert.Equal(t, "north-01", got.Camera)
	assert.Equal(t, "day", got.Profile)
	assert.False(t, got.Provisional)

	// a restart keeps the reference and the evidence
	again, err := NewStore(dir, 64<<20)
	require.NoError(t, err)
	ref, meta, err := again.Reference("north-01", "day")
	require.NoError(t, err)
	assert.False(t, meta.Provisional)
	img, err = jpeg.Decode(bytes.NewReader(ref))
	require.NoError(t, err)
	assert.Less(t, meanLuma(img), 20.0, "the confirmed reference is the black frame")
	assert.NotNil(t, again.reference("north-01", false))
	_, _, err = again.Evidence("north-01", vqd.BlackScreen, at)
	require.NoError(t, err)
}

// TestVQDFromSnapshot: an ISAPI snapshot endpoint behind digest is the first frame source; two
// snapshots a few seconds apart feed the freeze check; a wrong password falls back to the RTSP
// keyframes and says why.
func TestVQDFromSnapshot(t *testing.T) {
	testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	snap := newISAPISnapshot(t, "admin", "isapi-Pw9", parkView(960, 540, 0))
	c := newTestCollector(t, testConfig(func(c *Config) { c.FreezeGap = time.Second }))
	c.analyze = stubAnalyze

	params := map[string]string{"username": "admin", "password_file": secretFile(t, "isapi-Pw9"), "snapshot_url": snap.URL()}
	rec, err := round(t, c, camTargetFor("gate-01", peer.URL("/cam1"), params), 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `camera_vqd_fault{fault="frozen"}`), "the same snapshot twice is frozen")
	st := c.Status()[0]
	assert.Equal(t, "snapshot", st.VQDSource)
	assert.Empty(t, st.VQDReason)
	assert.Equal(t, image.Rect(0, 0, 320, 180), thumbOf(t, c, "gate-01").Bounds())
	assert.GreaterOrEqual(t, snap.hits.Load(), int64(4), "two snapshots, each a challenge and an answer")

	params["password_file"] = secretFile(t, "not-the-pw")
	rec, err = round(t, c, camTargetFor("gate-02", peer.URL("/cam1"), params), 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `camera_vqd_fault{fault="frozen"}`), "the moving RTSP keyframes")
	for _, s := range c.Status() {
		if s.Camera == "gate-02" {
			assert.Equal(t, "rtsp", s.VQDSource)
		}
	}
}

// TestNoDecoder: without snapshot_url and with ffmpeg_path pointing nowhere, VQD is off with its
// reason and the stream checks go on.
func TestNoDecoder(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = "/nonexistent/ffmpeg" }))
	rec, err := round(t, c, camTargetFor("cam", peer.URL("/cam1"), nil), 15*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, "camera_vqd_enabled{}"))
	assert.InDelta(t, 25, value(t, rec, "camera_fps{}"), 2.5)
	for _, s := range rec.Series() {
		assert.NotContains(t, s, "camera_vqd_fault")
	}
	st := c.Status()[0]
	assert.False(t, st.VQDEnabled)
	assert.Equal(t, "未启用：无解码器", st.VQDReason)
	_, err = os.Stat("/nonexistent/ffmpeg")
	require.Error(t, err)
}
