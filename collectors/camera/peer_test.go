package camera

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// value returns a recorded series' value, failing when it is missing.
func value(t *testing.T, rec *collectortest.Recorder, key string) float64 {
	t.Helper()
	v, ok := rec.Value(key)
	require.True(t, ok, "series %s missing; have %v", key, rec.Series())
	return v
}

// TestStreamChecks runs the stream checks against GStreamer's RTSP server.
func TestStreamChecks(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))

	t.Run("moving_camera", func(t *testing.T) {
		rec, err := round(t, c, camTargetFor("cam1", peer.URL("/cam1"), nil), 15*time.Second)
		require.NoError(t, err)
		assert.Empty(t, rec.Problems())
		assert.InDelta(t, 25, value(t, rec, "camera_fps{}"), 2.5)
		assert.Equal(t, 25.0, value(t, rec, "camera_gop_frames{}"))
		assert.Equal(t, 1.0, value(t, rec, `camera_stream_info{codec="h264",resolution="640x360"}`))
		assert.Equal(t, 0.0, value(t, rec, "camera_stalls{}"))
		assert.Equal(t, 0.0, value(t, rec, "camera_timestamp_jumps{}"))
		assert.Greater(t, value(t, rec, "camera_bitrate_bps{}"), 50e3)
		assert.Less(t, value(t, rec, "camera_connect_seconds{}"), 2.0)
		assert.Less(t, value(t, rec, "camera_first_keyframe_seconds{}"), 1.5)
		assert.Equal(t, 0.0, value(t, rec, "camera_vqd_enabled{}"), "no snapshot_url and no decoder")
		st := c.Status()
		require.Len(t, st, 1)
		assert.True(t, st[0].Online)
		assert.Equal(t, "640x360", st[0].Resolution)
		assert.False(t, st[0].VQDEnabled)
		assert.Equal(t, ReasonNoDecoder, st[0].VQDReason)
	})
	t.Run("quick_gop", func(t *testing.T) {
		rec, err := round(t, c, camTargetFor("quick", peer.URL("/quick"), nil), 15*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 5.0, value(t, rec, "camera_gop_frames{}"))
	})
	t.Run("stall", func(t *testing.T) {
		sc := newTestCollector(t, testConfig(func(c *Config) {
			c.FFmpegPath, c.SessionDuration, c.SessionMax = NoDecoder, 4*time.Second, 5*time.Second
		}))
		rec, err := round(t, sc, camTargetFor("stall", peer.URL("/stall"), nil), 15*time.Second)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, value(t, rec, "camera_stalls{}"), 1.0, "RTP pauses 1.5 s after each second")
		assert.Less(t, value(t, rec, "camera_fps{}"), 20.0)
	})
	t.Run("no_such_path", func(t *testing.T) {
		_, err := round(t, c, camTargetFor("nosuch", peer.URL("/nosuch"), nil), 10*time.Second)
		assert.Equal(t, FailAddress, KindOf(err), "%v", err)
		assert.Contains(t, err.Error(), "地址错误")
	})
}

// TestAuth: right and wrong passwords on the digest and the basic server.
func TestAuth(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))
	right := map[string]string{"username": testpeer.RTSPUser, "password_file": secretFile(t, testpeer.RTSPPassword)}
	wrong := map[string]string{"username": testpeer.RTSPUser, "password_file": secretFile(t, "Wr0ng-secret!")}
	for _, tc := range []struct {
		name   string
		url    string
		params map[string]string
		ok     bool
	}{
		{"digest_right", peer.URL("/auth"), right, true},
		{"digest_wrong", peer.URL("/auth"), wrong, false},
		{"digest_none", peer.URL("/auth"), nil, false},
		{"basic_right", peer.BasicURL("/auth"), right, true},
		{"basic_wrong", peer.BasicURL("/auth"), wrong, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := round(t, c, camTargetFor(tc.name, tc.url, tc.params), 15*time.Second)
			if tc.ok {
				require.NoError(t, err)
				assert.InDelta(t, 25, value(t, rec, "camera_fps{}"), 2.5)
				return
			}
			require.Error(t, err)
			assert.Equal(t, FailAuth, KindOf(err), "%v", err)
			assert.Contains(t, err.Error(), "认证失败")
			assert.NotContains(t, err.Error(), "Wr0ng-secret!")
		})
	}
}

// TestFailureKinds: refused, silent (timeout), a 401-only server, garbage, bad URLs.
func TestFailureKinds(t *testing.T) {
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))
	for _, tc := range []struct {
		name string
		url  string
		kind FailureKind
		word string
	}{
		{"refused", closedRTSP(t), FailRefused, "连接被拒绝"},
		{"silent", silentRTSP(t), FailTimeout, "连接超时"},
		{"unauthorized", unauthorizedRTSP(t), FailAuth, "认证失败"},
		{"garbage", garbageRTSP(t), FailProtocol, "应答异常"},
		{"hangup", hangupRTSP(t), FailClosed, "连接被断开"},
		{"bad_scheme", "http://127.0.0.1:554/cam", FailAddress, "地址错误"},
		{"no_host", "rtsp:///cam", FailAddress, "地址错误"},
		{"bad_port", "rtsp://127.0.0.1:99999/cam", FailAddress, "地址错误"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := round(t, c, camTargetFor(tc.name, tc.url, map[string]string{"username": "admin",
				"password_file": secretFile(t, "s3cr3t-pw")}), time.Second)
			require.Error(t, err)
			assert.Equal(t, tc.kind, KindOf(err), "%v", err)
			assert.Contains(t, err.Error(), tc.word)
			assert.NotContains(t, err.Error(), "s3cr3t-pw")
			assert.Less(t, time.Since(start), 1500*time.Millisecond, "the deadline wins")
		})
	}
}
