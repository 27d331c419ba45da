package nvr

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
)

// clock is a settable clock the collector and the fake recorder share.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestDaysUntilFull(t *testing.T) {
	const rate = float64(1<<40) / (10 * 86400) // 1 TiB in 10 days
	cases := []struct {
		name     string
		disk     nvrfake.Disk
		stop     bool    // every channel stopped recording
		want     float64 // after two hours; -1: absent
		wantSoon bool    // present before trend_min_span
	}{
		{"filling, no overwrite", nvrfake.Disk{Capacity: 4 << 40, Free: 1 << 40, FillRate: rate}, false, 10 - 2.0/24, false},
		{"full and still recording: overwriting", nvrfake.Disk{Capacity: 4 << 40, Free: 0}, false, -1, false},
		{"full and nothing records: stopped", nvrfake.Disk{Capacity: 4 << 40, Free: 0}, true, 0, true},
		{"free space level: overwriting below full or idle", nvrfake.Disk{Capacity: 4 << 40, Free: 1 << 40}, false, -1, false},
	}
	profiles(t, func(t *testing.T, p nvrfake.Profile) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				clk := &clock{t: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
				srv := startNVR(t, p, func(o *nvrfake.Options) { o.Now = clk.now })
				recordAll(srv.NVR, clk.now().Add(-24*time.Hour))
				tc.disk.Name = "hdd1"
				srv.SetDisks(tc.disk)
				if tc.stop {
					for _, id := range ids(p) {
						srv.StopRecording(id, clk.now().Add(-time.Hour))
					}
				}
				c := newTestCollector(t, []Option{WithClock(clk.now)})
				tgt := nvrTarget(t, "nvr", srv)
				for i := 0; i <= 8; i++ { // every 15 minutes for two hours
					rec, err := poll(t, c, tgt, 10*time.Second)
					require.NoError(t, err)
					days, ok := rec.Value("nvr_days_until_full{}")
					switch {
					case i < 4 && !tc.wantSoon:
						assert.False(t, ok, "round %d: under an hour of history gives no estimate", i)
					case i == 8 && tc.want < 0:
						assert.False(t, ok, "absent for an overwriting recorder")
					case i == 8:
						require.True(t, ok, "present after two hours")
						assert.InDelta(t, tc.want, days, 0.01)
					}
					clk.add(15 * time.Minute)
				}
			})
		}
	})
}

func TestTrendResetsOnNewCapacity(t *testing.T) {
	var tr trend
	t0 := time.Now()
	for i := range 5 {
		tr.observe(t0.Add(time.Duration(i)*15*time.Minute), "http", 100e9, 50e9-float64(i)*1e9, 24*time.Hour)
	}
	_, ok := tr.daysUntilFull(time.Hour, 46e9, true)
	require.True(t, ok)
	tr.observe(t0.Add(75*time.Minute), "http", 200e9, 150e9, 24*time.Hour) // a disk added
	_, ok = tr.daysUntilFull(time.Hour, 150e9, true)
	assert.False(t, ok, "a new array starts a new history")
	assert.Len(t, tr.points, 1)
}

func TestTrendBounded(t *testing.T) {
	var tr trend
	t0 := time.Now()
	for i := range 10000 {
		tr.observe(t0.Add(time.Duration(i)*time.Minute), "http", 100e9, 50e9, 24*time.Hour)
	}
	assert.LessOrEqual(t, len(tr.points), maxTrendPoints)
	assert.Less(t, tr.points[len(tr.points)-1].t.Sub(tr.points[0].t), 24*time.Hour)
}
