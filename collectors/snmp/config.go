package snmp

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.snmp` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// Profiles lists extra device profile files or directories of *.yaml; a
	// profile with the name of a built-in one replaces it.
	Profiles []string `yaml:"profiles,omitempty"`
	// MaxRepetitions is the GETBULK max-repetitions; a target's
	// `max_repetitions` param overrides it for old or fragile gear.
	MaxRepetitions int `yaml:"max_repetitions"`
	// Retries of one request after a timeout; 0 means the default (1), -1 none.
	Retries int `yaml:"retries"`
	// RequestTimeout bounds one request (one try); the round's deadline cuts it
	// further.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxOIDsPerWalk stops a walk that runs away (a broken agent or a table far
	// larger than any device's), bounding memory per round.
	MaxOIDsPerWalk int `yaml:"max_oids_per_walk"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 60 * time.Second, Concurrency: 128})
	if c.MaxRepetitions == 0 {
		c.MaxRepetitions = 25
	}
	if c.Retries == 0 {
		c.Retries = 1
	}
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 2 * time.Second
	}
	if c.MaxOIDsPerWalk == 0 {
		c.MaxOIDsPerWalk = 200_000
	}
	return c
}

// retries maps the configured value to gosnmp's (-1 means none).
func (c Config) retries() int { return max(c.Retries, 0) }

// Validate reports every problem of a defaulted Config, including profiles
// that do not load.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	if c.MaxRepetitions < 1 || c.MaxRepetitions > 200 {
		errs = append(errs, fmt.Errorf("max_repetitions %d must be 1..200", c.MaxRepetitions))
	}
	if c.Retries < -1 || c.Retries > 5 {
		errs = append(errs, fmt.Errorf("retries %d must be -1 (none) or 1..5", c.Retries))
	}
	if c.RequestTimeout < 100*time.Millisecond || c.RequestTimeout > c.Timeout {
		errs = append(errs, fmt.Errorf("request_timeout %s must be at least 100ms and not longer than the round timeout %s",
			c.RequestTimeout, c.Timeout))
	}
	if c.MaxOIDsPerWalk < 1000 {
		errs = append(errs, fmt.Errorf("max_oids_per_walk %d is below 1000", c.MaxOIDsPerWalk))
	}
	if _, err := LoadProfiles(c.Profiles); err != nil {
		errs = append(errs, fmt.Errorf("profiles: %w", err))
	}
	return errors.Join(errs...)
}
