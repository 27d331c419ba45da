package device

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.device` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// Profiles lists extra profile files or directories of *.yaml; a profile
	// with the name of a shipped one replaces it.
	Profiles []string `yaml:"profiles,omitempty"`
	// RequestTimeout bounds one request to a device (one HTTP request, one
	// Modbus read, one SNMP try, one connect); the round's deadline cuts it
	// further.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxBodyBytes bounds one HTTP answer of a device.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`

	// PushTokenFile holds the token the plate cameras push with: in the push
	// URL (?token=...) or as the password of HTTP basic auth, since a camera
	// cannot log in. Without it the push receiver refuses every push.
	PushTokenFile string `yaml:"push_token_file"`
	// PushMaxBytes bounds one push (a push may carry base64 pictures).
	PushMaxBytes int64 `yaml:"push_max_bytes"`
	// PushOpenBarrier answers plate reads with info "ok", which makes the
	// camera open its barrier. Off by default: the parking system decides who
	// may enter; the platform only watches, and a camera that pushes to the
	// parking server and to us at once would open for a refused car.
	PushOpenBarrier bool `yaml:"push_open_barrier"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 30 * time.Second, Concurrency: 64})
	if c.RequestTimeout == 0 {
		c.RequestTimeout = 5 * time.Second
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.PushMaxBytes == 0 {
		c.PushMaxBytes = 4 << 20
	}
	return c
}

// Validate reports every problem of a defaulted Config, including profiles
// that do not load.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	if c.RequestTimeout < 100*time.Millisecond || c.RequestTimeout > c.Timeout {
		errs = append(errs, fmt.Errorf("request_timeout %s must be at least 100ms and not longer than the round timeout %s",
			c.RequestTimeout, c.Timeout))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max_body_bytes %d is below 1024", c.MaxBodyBytes))
	}
	if c.PushMaxBytes < 4096 {
		errs = append(errs, fmt.Errorf("push_max_bytes %d is below 4096", c.PushMaxBytes))
	}
	if c.PushTokenFile != "" {
		if _, err := readToken(c.PushTokenFile); err != nil {
			errs = append(errs, fmt.Errorf("push_token_file: %w", err))
		}
	}
	if _, err := LoadProfiles(c.Profiles); err != nil {
		errs = append(errs, fmt.Errorf("profiles: %w", err))
	}
	return errors.Join(errs...)
}
