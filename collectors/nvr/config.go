package nvr

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.nvr` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// RecentWindow is how fresh the newest footage of a channel must be for
	// nvr_channel_recording to be 1.
	RecentWindow time.Duration `yaml:"recent_window"`
	// RetentionInterval is how often each channel's oldest footage is looked
	// for again; between probes the cached oldest is reused (footage only
	// ages), so a 64-channel recorder costs a few searches an hour.
	RetentionInterval time.Duration `yaml:"retention_interval"`
	// ProbesPerRound bounds the footage probes (oldest or newest footage, a few
	// searches each) one recorder gets per round, so a round stays short.
	ProbesPerRound int `yaml:"probes_per_round"`
	// ChannelParallelism is how many searches run at once on one recorder;
	// recorders have small CPUs and a few finder objects.
	ChannelParallelism int `yaml:"channel_parallelism"`
	// RequestTimeout bounds one HTTP request or SNMP walk; the round's deadline
	// cuts it further.
	RequestTimeout time.Duration `yaml:"request_timeout"`
	// MaxMatches bounds the footage files read for one recent search (paged).
	MaxMatches int `yaml:"max_matches"`
	// MaxBodyBytes bounds one reply.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// AuthBackoff: after the recorder refused our credentials, HTTP is not
	// tried again for this long unless the password file changes — recorders
	// lock the login (and the address) after a few failures.
	AuthBackoff time.Duration `yaml:"auth_backoff"`
	// TrendWindow is the free-space history days_until_full is fitted over;
	// TrendMinSpan is the shortest history that gives an estimate.
	TrendWindow  time.Duration `yaml:"trend_window"`
	TrendMinSpan time.Duration `yaml:"trend_min_span"`
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 60 * time.Second, Concurrency: 32})
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.RecentWindow, 5*time.Minute)
	def(&c.RetentionInterval, time.Hour)
	def(&c.RequestTimeout, 10*time.Second)
	def(&c.AuthBackoff, 5*time.Minute)
	def(&c.TrendWindow, 24*time.Hour)
	def(&c.TrendMinSpan, time.Hour)
	if c.ProbesPerRound == 0 {
		c.ProbesPerRound = 4
	}
	if c.ChannelParallelism == 0 {
		c.ChannelParallelism = 2
	}
	if c.MaxMatches == 0 {
		c.MaxMatches = 400
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 4 << 20
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
	check(c.RecentWindow >= 30*time.Second && c.RecentWindow <= 24*time.Hour,
		"recent_window %s must be 30s..24h", c.RecentWindow)
	check(c.RetentionInterval >= c.Interval, "retention_interval %s must not be shorter than the interval %s",
		c.RetentionInterval, c.Interval)
	check(c.ProbesPerRound >= 1 && c.ProbesPerRound <= 64, "probes_per_round %d must be 1..64", c.ProbesPerRound)
	check(c.ChannelParallelism >= 1 && c.ChannelParallelism <= 16,
		"channel_parallelism %d must be 1..16", c.ChannelParallelism)
	check(c.RequestTimeout >= 100*time.Millisecond && c.RequestTimeout <= c.Timeout,
		"request_timeout %s must be at least 100ms and not longer than the round timeout %s", c.RequestTimeout, c.Timeout)
	check(c.MaxMatches >= 40 && c.MaxMatches <= 10000, "max_matches %d must be 40..10000", c.MaxMatches)
	check(c.MaxBodyBytes >= 64<<10, "max_body_bytes %d is below 64 KiB", c.MaxBodyBytes)
	check(c.AuthBackoff >= 0, "auth_backoff %s must not be negative", c.AuthBackoff)
	check(c.TrendMinSpan >= time.Second && c.TrendMinSpan < c.TrendWindow,
		"trend_min_span %s must be positive and shorter than trend_window %s", c.TrendMinSpan, c.TrendWindow)
	return errors.Join(errs...)
}
