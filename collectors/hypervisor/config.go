// Package hypervisor is the collector kind `hypervisor`: it keeps one driver
// per platform target (a vCenter session is expensive to open), hands each
// round to it, and delivers the platform's events (host failures, HA
// restarts, migrations) to the event store. Drivers live in sub-packages,
// one per platform; the platform table below maps a target's `platform`
// param to a driver's Open (docs/cloud.md, "Hypervisors").
package hypervisor

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind name.
const Kind = "hypervisor"

// Config is the `collectors.hypervisor` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// MaxEventsPerRound bounds the events one round hands to the event
	// store; a storm beyond it is counted and dropped, the series still tell.
	MaxEventsPerRound int `yaml:"max_events_per_round"`
}

// WithDefaults returns c with every unset field filled in. The interval is
// vSphere's realtime refresh (20 s): a shorter one reads the same samples.
// The timeout leaves room for the first round of a large vCenter (login, the
// counter table, the whole inventory) within the interval.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 20 * time.Second, Timeout: 18 * time.Second,
		Concurrency: 4})
	if c.MaxEventsPerRound == 0 {
		c.MaxEventsPerRound = 5000
	}
	return c
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	if c.Interval < 5*time.Second {
		errs = append(errs, fmt.Errorf("interval %s is below 5s: platforms refresh their counters every 20s", c.Interval))
	}
	if c.MaxEventsPerRound < 1 || c.MaxEventsPerRound > 100000 {
		errs = append(errs, fmt.Errorf("max_events_per_round %d must be 1..100000", c.MaxEventsPerRound))
	}
	return errors.Join(errs...)
}
