package demo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// The town uplink story pages 李四 whenever the demo starts: just before the
// 08:30 handover too (CI ran into it at 08:29 CST).
func TestDemoPagesLiSiAtAnyHour(t *testing.T) {
	for _, hm := range [][2]int{{8, 29}, {8, 30}, {0, 5}, {3, 0}, {12, 0}, {20, 45}, {23, 59}} {
		now := time.Date(2026, 12, 8, hm[0], hm[1], 50, 0, cst.Location)
		cfg, err := alerting("http://127.0.0.1:1", newPhoneHooks(), now)
		require.NoError(t, err)
		require.Len(t, cfg.Rosters, 1)
		for _, later := range []time.Duration{0, 3 * time.Minute, 10 * time.Minute, time.Hour} {
			duty := cfg.Rosters[0].OnDuty(now.Add(later))
			require.Len(t, duty, 1)
			assert.Equal(t, "李四", duty[0].Name, "demo started %02d:%02d, %s later", hm[0], hm[1], later)
		}
	}
}
