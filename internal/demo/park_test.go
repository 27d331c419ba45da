package demo

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The demo's scenic-area settings pass each section's own checks at every
// interval the demo and its tests use, and the LED screens are accounted
// only in the park's opening hours.
func TestParkConfig(t *testing.T) {
	for _, interval := range []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 15 * time.Second} {
		cfg := builtinConfig(t.TempDir(), "127.0.0.1:0", "http://127.0.0.1:1/inventory", interval)
		c := cfg.Collectors
		require.NoError(t, c.Camera.WithDefaults().Validate(), interval)
		require.NoError(t, c.NVR.WithDefaults().Validate(), interval)
		require.NoError(t, c.Device.WithDefaults().Validate(), interval)
		var led string
		for _, s := range cfg.SLA.Effective() {
			if s.Name == "led_availability" {
				led = s.Calendar
			}
		}
		assert.Equal(t, parkOpenHours, led)
		cal := cfg.SLA.CalendarByName(parkOpenHours)
		day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
		outside := cal.Outside(day, day.Add(24*time.Hour))
		var off time.Duration
		for _, s := range outside {
			off += s.End.Sub(s.Start)
		}
		assert.Equal(t, 13*time.Hour, off, "07:30–18:30 counts, the dark night does not")
	}
}
