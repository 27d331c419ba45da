package sim

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/nvr"
)

// nvrRound runs the nvr collector once on a recorder row and returns its
// series as "name{label=value,…}" → value.
func nvrRound(t testing.TB, c *nvr.Collector, r ExportTarget) map[string]float64 {
	t.Helper()
	out := map[string]float64{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := c.Collect(ctx, collectors.Target{Kind: r.Kind, Name: r.Name, Address: r.Address, Params: r.Params},
		func(metric string, v float64, ls ...string) {
			var kv []string
			for i := 0; i+1 < len(ls); i += 2 {
				kv = append(kv, ls[i]+"="+ls[i+1])
			}
			sort.Strings(kv)
			out[metric+"{"+strings.Join(kv, ",")+"}"] = v
		})
	require.NoError(t, err, r.Name)
	return out
}

// The park's recorders, read by the nvr collector: every channel recording,
// the footage kept beyond the required days, and a stalled camera's channel
// without fresh footage.
func TestParkRecordersCollected(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 10:30:00"))
	s := startSim(t, Options{VMs: 2, Seed: 6, Now: clk.Now, Park: &ParkOptions{SecretsDir: t.TempDir()}})
	rows := parkRows(t, s)
	coll := nvr.New(nvr.Config{ProbesPerRound: 64}.WithDefaults(), nil, nvr.WithClock(clk.Now))
	t.Cleanup(func() { _ = coll.Close() })
	var stalled *parkCam
	for _, c := range s.park.cams {
		if c.Stalls {
			stalled = c
		}
	}
	for _, spec := range parkNVRSpecs {
		got := nvrRound(t, coll, rows[spec.Name])
		rec, n := sum(got, "nvr_channel_recording")
		assert.Equal(t, 12, n, "%s channels: %v", spec.Name, got)
		want := 12.0
		stalled.mu.Lock()
		inWindow := stalled.applied.fault != 0
		stalled.mu.Unlock()
		if stalled.NVR == indexOfNVR(spec.Name) && inWindow {
			want-- // in its stall window now
		}
		assert.Equal(t, want, rec, spec.Name)
		ok, disks := sum(got, "nvr_disk_ok")
		assert.Equal(t, float64(spec.Disks), ok, spec.Name)
		assert.Equal(t, spec.Disks, disks)
		for k, v := range got {
			if strings.HasPrefix(k, "nvr_channel_retention_days{") {
				assert.GreaterOrEqual(t, v, float64(parkRetention), "%s %s", spec.Name, k)
			}
		}
	}
	cam := s.park.demo
	require.NoError(t, s.StallCamera(cam.Name))
	clk.Add(10 * time.Minute)
	got := nvrRound(t, coll, rows[parkNVRSpecs[cam.NVR].Name])
	key := "nvr_channel_recording{camera=" + cam.Name + ",channel=" + cam.Channel + "}"
	require.Contains(t, got, key)
	assert.Equal(t, 0.0, got[key], "a stalled camera is not recorded")
}

func indexOfNVR(name string) int {
	for i, s := range parkNVRSpecs {
		if s.Name == name {
			return i
		}
	}
	return -1
}
