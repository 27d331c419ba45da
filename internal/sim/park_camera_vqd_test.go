package sim

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/camera"
)

// The park's cameras through the camera collector (vdk session and a
// diagnosis from the snapshot endpoint): a clean camera is judged clean and
// each faulty one shows its fault, which is what the demo's wall relies on.
func TestParkCamerasDiagnosed(t *testing.T) {
	s := startShiftedPark(t, 6, "12:30") // daylight: the clean views are the day ones
	rows := parkRows(t, s)
	store, err := camera.NewStore(t.TempDir(), 64<<20)
	require.NoError(t, err)
	// One diagnosis slot per camera: with the default two, a round that waits
	// over a second for a slot skips its diagnosis, which a loaded machine does.
	coll := camera.New(camera.Config{FFmpegPath: camera.NoDecoder, VQDConcurrency: 8}.WithDefaults(), store, nil)
	t.Cleanup(func() { _ = coll.Close() })
	want := map[string]string{} // camera → the fault its clip shows ("" clean)
	for _, c := range s.park.cams {
		switch {
		case c.FaultClip != "":
			want[c.Name] = map[string]string{"black": "black_screen", "cast": "color_cast", "frozen": "frozen",
				"occluded": "occlusion", "blur": "blur"}[c.FaultClip[strings.LastIndex(c.FaultClip, "-")+1:]]
		case c == s.park.demo:
			want[c.Name] = ""
		}
	}
	require.Len(t, want, 6)
	var mu sync.Mutex
	got := map[string]map[string]float64{}
	var wg sync.WaitGroup
	for name := range want {
		r := rows[name]
		wg.Go(func() {
			series := map[string]float64{}
			ctx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
			defer cancel()
			err := coll.Collect(ctx, collectors.Target{Kind: r.Kind, Name: r.Name, Address: r.Address, Params: r.Params},
				func(metric string, v float64, ls ...string) {
					var kv []string
					for i := 0; i+1 < len(ls); i += 2 {
						kv = append(kv, ls[i]+"="+ls[i+1])
					}
					sort.Strings(kv)
					series[metric+"{"+strings.Join(kv, ",")+"}"] = v
				})
			assert.NoError(t, err, name)
			mu.Lock()
			got[name] = series
			mu.Unlock()
		})
	}
	wg.Wait()
	for name, fault := range want {
		g := got[name]
		assert.InDelta(t, 25, g["camera_fps{}"], 2, "%s fps", name)
		assert.Equal(t, 1.0, g["camera_stream_info{codec=h264,resolution=320x180}"], "%s stream info: %v", name, g)
		var faults []string
		for k, v := range g {
			if strings.HasPrefix(k, "camera_vqd_fault{") && v == 1 {
				faults = append(faults, strings.TrimSuffix(strings.TrimPrefix(k, "camera_vqd_fault{fault="), "}"))
			}
		}
		if fault == "" {
			assert.Empty(t, faults, "%s is clean", name)
			continue
		}
		assert.Contains(t, faults, fault, "%s: %v", name, g)
	}
}

// startShiftedPark runs a park on a clock that moves at real speed (the
// streams need it) but reads hh:mm CST today.
func startShiftedPark(t testing.TB, seed int64, hhmm string) *Sim {
	t.Helper()
	now := time.Now()
	want := mustTime(t, now.In(shanghai).Format(time.DateOnly)+" "+hhmm+":00")
	off := want.Sub(now)
	return startSim(t, Options{VMs: 4, Seed: seed, OfflineShare: -1, Now: func() time.Time { return time.Now().Add(off) },
		Park: &ParkOptions{SecretsDir: t.TempDir()}})
}
