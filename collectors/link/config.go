package link

import (
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.link` section of swanwatch.yaml. The link info
// changes only with the inventory, so a round a minute is plenty: it only has
// to outlive the 5-minute staleness of the series it joins.
type Config struct {
	collectors.Schedule `yaml:",inline"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: time.Minute, Concurrency: 4})
	return c
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error { return c.Schedule.Validate() }
