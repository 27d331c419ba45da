package bmc

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.bmc` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// RequestTimeout bounds one HTTP request; the round's deadline cuts it
	// further.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// Parallelism is how many requests run at once on one BMC: a BMC is a
	// small ARM controller that also runs the server's fans.
	Parallelism int `yaml:"parallelism"`
	// MaxBodyBytes bounds one reply.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// MaxMembers bounds the members read from one collection (sensors,
	// DIMMs, drives), so a BMC listing thousands costs a bounded round.
	MaxMembers int `yaml:"max_members"`
	// MaxLogPages bounds the event-log pages (Members@odata.nextLink) read
	// per log service and round.
	MaxLogPages int `yaml:"max_log_pages"`
	// MaxEventsPerRound bounds the event-log entries turned into events per
	// BMC and round; the rest are counted and dropped (a burst after a
	// power event must not flood the event store).
	MaxEventsPerRound int `yaml:"max_events_per_round"`
	// AuthBackoff: after the BMC refused our credentials, it is not asked
	// again for this long unless the password file changes — BMCs lock an
	// account after a few failures.
	AuthBackoff time.Duration `yaml:"auth_backoff"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 60 * time.Second, Concurrency: 32})
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 10 * time.Second
	}
	if c.Parallelism == 0 {
		c.Parallelism = 4
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 2 << 20
	}
	if c.MaxMembers == 0 {
		c.MaxMembers = 128
	}
	if c.MaxLogPages == 0 {
		c.MaxLogPages = 10
	}
	if c.MaxEventsPerRound == 0 {
		c.MaxEventsPerRound = 200
	}
	if c.AuthBackoff == 0 {
		c.AuthBackoff = 5 * time.Minute
	}
	return c
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	check := func(ok bool, format string, args ...any) {
		if !ok {
			errs = append(errs, fmt.Errorf(format, args...))
		}
	}
	check(c.RequestTimeout >= 100*time.Millisecond && c.RequestTimeout <= c.Timeout,
		"request_timeout %s must be at least 100ms and not longer than the round timeout %s", c.RequestTimeout, c.Timeout)
	check(c.Parallelism >= 1 && c.Parallelism <= 16, "parallelism %d must be 1..16", c.Parallelism)
	check(c.MaxBodyBytes >= 64<<10 && c.MaxBodyBytes <= 64<<20, "max_body_bytes %d must be 64 KiB..64 MiB", c.MaxBodyBytes)
	check(c.MaxMembers >= 8 && c.MaxMembers <= 4096, "max_members %d must be 8..4096", c.MaxMembers)
	check(c.MaxLogPages >= 1 && c.MaxLogPages <= 1000, "max_log_pages %d must be 1..1000", c.MaxLogPages)
	check(c.MaxEventsPerRound >= 1 && c.MaxEventsPerRound <= 10000,
		"max_events_per_round %d must be 1..10000", c.MaxEventsPerRound)
	check(c.AuthBackoff >= 0, "auth_backoff %s must not be negative", c.AuthBackoff)
	return errors.Join(errs...)
}
