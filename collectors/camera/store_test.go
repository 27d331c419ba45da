package camera

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/vqd"
)

// TestStoreBudget: evidence beyond the byte budget goes oldest first; the current pictures stay.
func TestStoreBudget(t *testing.T) {
	dir := t.TempDir()
	s, err := NewStore(dir, 1<<20)
	require.NoError(t, err)
	thumb, err := s.putFrame("cam-a", parkView(1280, 720, 0), time.Unix(1000, 0), false, 320)
	require.NoError(t, err)
	base := time.Unix(2_000_000_000, 0)
	n := int(2<<20)/len(thumb) + 1 // twice the budget
	for i := range n {
		require.NoError(t, s.putEvidence("cam-a", vqd.Blur, base.Add(time.Duration(i)*time.Minute), thumb))
	}
	assert.LessOrEqual(t, s.Used(), int64(1<<20))
	_, _, err = s.Thumb("cam-a")
	require.NoError(t, err, "the current thumbnail is never dropped")
	_, at, err := s.Evidence("cam-a", vqd.Blur, time.Time{})
	require.NoError(t, err)
	assert.Equal(t, base.Add(time.Duration(n-1)*time.Minute), at, "the newest evidence is kept")
	_, _, err = s.Evidence("cam-a", vqd.Blur, base)
	require.NoError(t, err, "an instant older than every kept one answers the newest")

	// a restart finds the same bytes and keeps the budget
	again, err := NewStore(dir, 1<<20)
	require.NoError(t, err)
	assert.Equal(t, s.Used(), again.Used())
	var files int64
	require.NoError(t, filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files += info.Size()
		}
		return err
	}))
	assert.Equal(t, files, again.Used())
}

// TestEvidenceNearest: the evidence at or before an instant, else the newest.
func TestEvidenceNearest(t *testing.T) {
	s, err := NewStore(t.TempDir(), 64<<20)
	require.NoError(t, err)
	for _, sec := range []int64{100, 200, 300} {
		require.NoError(t, s.putEvidence("cam", vqd.SceneChange, time.Unix(sec, 0), []byte("jpeg-"+strconv.FormatInt(sec, 10))))
	}
	for at, want := range map[int64]string{250: "jpeg-200", 300: "jpeg-300", 50: "jpeg-300", 1000: "jpeg-300", 0: "jpeg-300"} {
		var when time.Time
		if at != 0 {
			when = time.Unix(at, 0)
		}
		b, _, err := s.Evidence("cam", vqd.SceneChange, when)
		require.NoError(t, err)
		assert.Equal(t, want, string(b), "at %d", at)
	}
	_, _, err = s.Evidence("cam", vqd.Blur, time.Time{})
	assert.ErrorIs(t, err, ErrNoPicture)
}

// TestHandlersHostileInput: bad names, traversal attempts, unknown faults and methods.
func TestHandlersHostileInput(t *testing.T) {
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))
	_, err := c.store.putFrame("cam-1", parkView(640, 360, 0), time.Now(), false, 320)
	require.NoError(t, err)
	require.NoError(t, c.store.putEvidence("cam-1", vqd.Occlusion, time.Now(), []byte{0xff, 0xd8, 0xff, 0xd9}))
	require.NoError(t, os.WriteFile(filepath.Join(filepath.Dir(c.store.dir), "secret.txt"), []byte("x"), 0o600))
	get := func(h http.HandlerFunc, method, query string) int {
		w := httptest.NewRecorder()
		h(w, httptest.NewRequest(method, "/x?"+query, nil))
		return w.Code
	}
	for _, tc := range []struct {
		h      http.HandlerFunc
		method string
		query  string
		want   int
	}{
		{c.ServeThumb, "GET", "camera=cam-1", 200},
		{c.ServeThumb, "GET", "", 400},
		{c.ServeThumb, "GET", "camera=" + url.QueryEscape("../secret.txt"), 404},
		{c.ServeThumb, "GET", "camera=" + url.QueryEscape("../../etc/passwd"), 404},
		{c.ServeThumb, "GET", "camera=" + url.QueryEscape("cam\x00-1"), 400},
		{c.ServeThumb, "GET", "camera=" + url.QueryEscape("cam\n1"), 400},
		{c.ServeThumb, "GET", "camera=%ff%fe", 400},
		{c.ServeThumb, "GET", "camera=" + url.QueryEscape(string(make([]byte, 300))), 400},
		{c.ServeThumb, "GET", "camera=unknown", 404},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=occlusion", 200},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=occlusion&at=1", 200},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=" + url.QueryEscape("../thumb"), 400},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=blur", 404},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=occlusion&at=-5", 400},
		{c.ServeEvidence, "GET", "camera=cam-1&fault=occlusion&at=abc", 400},
		{c.ServeReference, "GET", "camera=cam-1", 404},
		{c.ServeReference, "GET", "camera=cam-1&profile=" + url.QueryEscape("../x"), 400},
		{c.ConfirmReference, "GET", "camera=cam-1", 405},
		{c.ConfirmReference, "POST", "camera=unknown", 404},
		{c.ConfirmReference, "POST", "camera=cam-1", 200},
		{c.ServeReference, "GET", "camera=cam-1", 200},
	} {
		assert.Equal(t, tc.want, get(tc.h, tc.method, tc.query), "%s %s", tc.method, tc.query)
	}
}

// TestConfig: defaults validate; each bad field is named.
func TestConfig(t *testing.T) {
	require.NoError(t, Config{}.WithDefaults().Validate())
	d := Config{}.WithDefaults()
	assert.Equal(t, 60*time.Second, d.Interval)
	assert.Equal(t, 5*time.Minute, d.VQDInterval)
	assert.Equal(t, 2*time.Second, d.SessionDuration)
	assert.Equal(t, time.Second, d.StallGap)
	assert.Equal(t, "/usr/bin/ffmpeg", d.FFmpegPath)
	for name, mod := range map[string]func(*Config){
		"vqd_interval":    func(c *Config) { c.VQDInterval = time.Second },
		"session_max":     func(c *Config) { c.SessionMax = time.Hour },
		"ffmpeg_path":     func(c *Config) { c.FFmpegPath = "ffmpeg" },
		"pictures_budget": func(c *Config) { c.PicturesBudget = 10 },
		"thumb_width":     func(c *Config) { c.ThumbWidth = 5000 },
		"stall_gap":       func(c *Config) { c.StallGap = time.Millisecond },
	} {
		c := Config{}.WithDefaults()
		mod(&c)
		assert.ErrorContains(t, c.Validate(), name)
	}
}

// TestNightWindow: a CST window crossing midnight.
func TestNightWindow(t *testing.T) {
	n, err := parseNight("18:30-06:00")
	require.NoError(t, err)
	at := func(h, m int) vqd.Mode {
		return n.at(time.Date(2026, 7, 1, h, m, 0, 0, time.FixedZone("CST", 8*3600)))
	}
	assert.Equal(t, vqd.ModeNight, at(23, 0))
	assert.Equal(t, vqd.ModeNight, at(5, 59))
	assert.Equal(t, vqd.ModeDay, at(6, 0))
	assert.Equal(t, vqd.ModeDay, at(18, 29))
	assert.Equal(t, vqd.ModeNight, at(18, 30))
	for _, bad := range []string{"dusk", "18:30", "25:00-06:00", "06:00-06:00"} {
		_, err := parseNight(bad)
		assert.Error(t, err, bad)
	}
	m, err := parseNight("")
	require.NoError(t, err)
	assert.Equal(t, vqd.ModeAuto, m.at(time.Now()))
}

// Without ?profile= the reference served is the one the camera's last frame
// was judged against: the night one after dusk.
func TestReferenceProfileFollowsTheLastDiagnosis(t *testing.T) {
	c := New(Config{}.WithDefaults(), nil, nil)
	assert.Equal(t, "day", c.profileNow("cam-1"), "before any diagnosis")
	c.cams["cam-1"] = &camState{name: "cam-1", night: true}
	assert.Equal(t, "night", c.profileNow("cam-1"))
	c.cams["cam-1"].night = false
	assert.Equal(t, "day", c.profileNow("cam-1"))
}

// A fault the next diagnosis could not judge is held once, then dropped;
// judged again it takes the new verdict.
func TestFaultNotJudgedIsHeldOnce(t *testing.T) {
	s := &camState{faultsOn: map[vqd.Fault]bool{}}
	at := time.Unix(1_800_000_000, 0)
	res := func(f map[vqd.Fault]bool) vqd.Result { return vqd.Result{Faults: f} }
	s.vqdDone(res(map[vqd.Fault]bool{vqd.SceneChange: true, vqd.Occlusion: false}), "snapshot", at)
	s.vqdDone(res(map[vqd.Fault]bool{vqd.Occlusion: true}), "snapshot", at.Add(time.Minute)) // scene change suppressed
	assert.Equal(t, map[vqd.Fault]bool{vqd.SceneChange: true, vqd.Occlusion: true}, s.result.Faults, "held over one diagnosis")
	s.vqdDone(res(map[vqd.Fault]bool{vqd.Occlusion: true}), "snapshot", at.Add(2*time.Minute))
	assert.Equal(t, map[vqd.Fault]bool{vqd.Occlusion: true}, s.result.Faults, "not judged twice: gone")
	s.vqdDone(res(map[vqd.Fault]bool{vqd.Occlusion: false, vqd.SceneChange: false}), "snapshot", at.Add(3*time.Minute))
	assert.Equal(t, map[vqd.Fault]bool{vqd.Occlusion: false, vqd.SceneChange: false}, s.result.Faults, "judged: the new verdict")
}
