package camera

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// value returns a recorded series' value, failing when it is missing.
func value(t *testing.T, rec interface {
	Value(string) (float64, bool)
	Series() []string
}, key string) float64 {
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
		assert.Equal(t, 0.0, value(t, rec, "camera_vqd_enabled{}"))
		t.Log(rec.Series())
	})
}
