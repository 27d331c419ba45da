package device

import (
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Counter modes of a profile metric.
const (
	counterRestart = "restart" // the device counts up; it goes back only when it restarts
	counterDaily   = "daily"   // the device counts per day and restarts at CST midnight
)

// counterState makes one device counter monotonic. The series is the
// device's own number plus the sum of the values it had before each reset,
// so it matches the device's display until the first reset and never goes
// back while swanwatch runs. (After a swanwatch restart the sum starts again
// from zero; the TSDB sees one counter reset, which rate() and increase()
// handle.)
type counterState struct {
	last, offset float64
	day          time.Time // CST day of last
	seen         bool
	at           time.Time // when last was read, for pruning
}

// next returns the series value for the device's raw value v read at now.
func (c *counterState) next(v float64, mode string, now time.Time) float64 {
	day := cst.StartOfDay(now)
	switch {
	case !c.seen:
	case mode == counterDaily && !day.Equal(c.day):
		// A new day: everything the device shows now was counted today,
		// even a value above yesterday's last (which a plain "went back"
		// test would take for growth).
		c.offset += c.last
	case v < c.last:
		c.offset += c.last
	}
	c.last, c.day, c.seen, c.at = v, day, true, now
	return c.offset + v
}
