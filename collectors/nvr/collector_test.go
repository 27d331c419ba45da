package nvr

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
)

func TestHealthyRecorder(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-45*24*time.Hour))
		c := newTestCollector(t, nil)
		rec, err := poll(t, c, nvrTarget(t, "nvr-north", srv), 20*time.Second)
		require.NoError(t, err)
		require.Empty(t, rec.Problems())
		t.Logf("series: %v", rec.Series())
		for i, id := range ids(p) {
			cam := "cam-0" + string(rune('1'+i))
			assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(id, cam)))
			assert.Less(t, value(t, rec, "nvr_channel_footage_age_seconds"+ch(id, cam)), 5.0)
			assert.InDelta(t, 45.0, value(t, rec, "nvr_channel_retention_days"+ch(id, cam)), 0.01)
		}
		assert.Equal(t, 30.0, value(t, rec, "nvr_retention_required_days{}"))
		t.Logf("stats: %+v", srv.Stats())
	})
}
