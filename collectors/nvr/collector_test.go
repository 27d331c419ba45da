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

// A channel whose camera went dark ten minutes ago: the recent search finds
// nothing, and the newest-footage probe dates the stop.
func TestChannelStoppedTenMinutesAgo(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-40*24*time.Hour))
		stopped := ids(p)[1]
		srv.StopRecording(stopped, time.Now().Add(-10*time.Minute))
		c := newTestCollector(t, nil)
		tgt := nvrTarget(t, "nvr-north", srv)
		rec, err := poll(t, c, tgt, 20*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, "nvr_channel_recording"+ch(stopped, "cam-02")))
		assert.InDelta(t, 600, value(t, rec, "nvr_channel_footage_age_seconds"+ch(stopped, "cam-02")), 5)
		assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(ids(p)[0], "cam-01")), "the others record")
		assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="search"}`))

		// The next round reuses the known end: no probe, the age grows.
		before := srv.Stats().SearchPages
		rec, err = poll(t, c, tgt, 20*time.Second)
		require.NoError(t, err)
		assert.InDelta(t, 600, value(t, rec, "nvr_channel_footage_age_seconds"+ch(stopped, "cam-02")), 5)
		assert.Equal(t, 3, srv.Stats().SearchPages-before, "one recent search per channel, nothing more")

		// Recording again: 1 within one round.
		srv.ResumeRecording(stopped)
		rec, err = poll(t, c, tgt, 20*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(stopped, "cam-02")))
		assert.Less(t, value(t, rec, "nvr_channel_footage_age_seconds"+ch(stopped, "cam-02")), 5.0)
	})
}

func TestRetention(t *testing.T) {
	cases := []struct {
		name     string
		channel  nvrfake.Channel
		required string
		want     float64
	}{
		{"shorter than required", nvrfake.Channel{Oldest: time.Now().Add(-10 * 24 * time.Hour)}, "30", 10},
		{"overwriting recorder keeps 7 days", nvrfake.Channel{Oldest: time.Now().Add(-90 * 24 * time.Hour),
			KeepFor: 7 * 24 * time.Hour, Segment: 10 * time.Minute}, "30", 7},
		{"longer than the horizon is capped at twice the required", nvrfake.Channel{
			Oldest: time.Now().Add(-100 * 24 * time.Hour)}, "30", 60},
		{"required 15 days met", nvrfake.Channel{Oldest: time.Now().Add(-20 * 24 * time.Hour)}, "15", 20},
	}
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				srv := startNVR(t, p)
				recordAll(srv.NVR, time.Now().Add(-time.Hour))
				srv.SetChannel(ids(p)[0], tc.channel)
				c := newTestCollector(t, nil)
				rec, err := poll(t, c, nvrTarget(t, "nvr", srv, ParamRetentionDays, tc.required), 20*time.Second)
				require.NoError(t, err)
				assert.InDelta(t, tc.want, value(t, rec, "nvr_channel_retention_days"+ch(ids(p)[0], "cam-01")), 0.01)
				assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch(ids(p)[0], "cam-01")))
				t.Logf("search pages for 3 channels with retention probes: %d", srv.Stats().SearchPages)
			})
		}
	})
}

// A channel without any footage in the horizon keeps 0 days; its age is
// unknown and not emitted.
func TestChannelWithoutFootage(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-5*24*time.Hour))
		srv.SetChannel(ids(p)[2], nvrfake.Channel{})
		c := newTestCollector(t, nil)
		rec, err := poll(t, c, nvrTarget(t, "nvr", srv), 20*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, "nvr_channel_recording"+ch(ids(p)[2], "cam-03")))
		assert.Equal(t, 0.0, value(t, rec, "nvr_channel_retention_days"+ch(ids(p)[2], "cam-03")))
		_, ok := rec.Value("nvr_channel_footage_age_seconds" + ch(ids(p)[2], "cam-03"))
		assert.False(t, ok, "no footage: no age")
	})
}

func TestDisks(t *testing.T) {
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		srv := startNVR(t, p)
		recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
		c := newTestCollector(t, nil)
		tgt := nvrTarget(t, "nvr", srv)
		rec, err := poll(t, c, tgt, 20*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, `nvr_disk_ok{disk="hdd2"}`))
		assert.Equal(t, float64(4<<40), value(t, rec, `nvr_disk_capacity_bytes{disk="hdd1"}`))
		assert.Equal(t, float64(1<<40), value(t, rec, `nvr_disk_free_bytes{disk="hdd1"}`))
		assert.Equal(t, float64(2<<40), value(t, rec, `nvr_disk_free_bytes{disk="hdd2"}`))

		srv.SetDiskStatus(2, "error")
		rec, err = poll(t, c, tgt, 20*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, `nvr_disk_ok{disk="hdd2"}`), "the failed disk")
		assert.Equal(t, 1.0, value(t, rec, `nvr_disk_ok{disk="hdd1"}`))
		assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="storage"}`))
	})
}

// Firmware without /ISAPI/ContentMgmt/Storage answers notSupport; the
// collector reads /Storage/hdd instead and goes there directly from then on.
func TestISAPIStorageFallback(t *testing.T) {
	srv := startNVR(t, nvrfake.Hikvision)
	recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
	srv.SetFaults(nvrfake.Faults{Unsupported: []string{"/ISAPI/ContentMgmt/Storage"}})
	c := newTestCollector(t, nil)
	tgt := nvrTarget(t, "nvr", srv)
	for round := range 2 {
		before := srv.Stats().ByEndpoint[nvrfake.EndpointStorage]
		rec, err := poll(t, c, tgt, 10*time.Second)
		require.NoError(t, err)
		assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="storage"}`))
		assert.Equal(t, float64(4<<40), value(t, rec, `nvr_disk_capacity_bytes{disk="hdd2"}`))
		assert.Equal(t, 2-round, srv.Stats().ByEndpoint[nvrfake.EndpointStorage]-before, "round %d", round)
	}
}
