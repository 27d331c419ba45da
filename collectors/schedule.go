package collectors

import (
	"errors"
	"fmt"
	"time"
)

// Schedule is the part of every kind's configuration that the Runner owns.
// It is embedded (yaml ",inline") in each kind's Config.
type Schedule struct {
	// Interval between rounds for one target.
	Interval time.Duration `yaml:"interval"`
	// Timeout of one round; zero means 80% of the interval.
	Timeout time.Duration `yaml:"timeout"`
	// Concurrency bounds how many rounds of this kind run at once.
	Concurrency int `yaml:"concurrency"`
}

// WithDefaults fills zero fields from def and derives the timeout.
func (s Schedule) WithDefaults(def Schedule) Schedule {
	if s.Interval == 0 {
		s.Interval = def.Interval
	}
	if s.Concurrency == 0 {
		s.Concurrency = def.Concurrency
	}
	if s.Timeout == 0 {
		s.Timeout = def.Timeout
	}
	if s.Timeout == 0 {
		s.Timeout = s.Interval * 8 / 10
	}
	return s
}

// Validate reports every problem of an already-defaulted schedule.
func (s Schedule) Validate() error {
	var errs []error
	if s.Interval < time.Second {
		errs = append(errs, fmt.Errorf("interval %s is below the 1s minimum", s.Interval))
	}
	if s.Timeout <= 0 || s.Timeout > s.Interval {
		errs = append(errs, fmt.Errorf("timeout %s must be positive and not longer than the interval %s", s.Timeout, s.Interval))
	}
	if s.Concurrency < 1 {
		errs = append(errs, fmt.Errorf("concurrency %d must be at least 1", s.Concurrency))
	}
	return errors.Join(errs...)
}
