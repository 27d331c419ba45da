package ledger

import (
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Config is the suggested `ledger:` section of swanwatch.yaml; internal/config
// resolves relative paths before the ledger sees it. No source: no ledger.
type Config struct {
	HTTP         []HTTPConfig  `yaml:"http,omitempty"`
	Excel        []ExcelConfig `yaml:"excel,omitempty"`
	Refresh      time.Duration `yaml:"refresh,omitempty"`       // reuse a read this long; default 5m
	ExpiringDays int           `yaml:"expiring_days,omitempty"` // default 30
	Lookback     time.Duration `yaml:"lookback,omitempty"`      // the platform's data; default 5m
	MaxBytes     int64         `yaml:"max_bytes,omitempty"`     // per answer or file; default 32 MiB
}

// HTTPConfig is the control plane's JSON export.
type HTTPConfig struct {
	URL             string        `yaml:"url"`
	BearerTokenFile string        `yaml:"bearer_token_file,omitempty"`
	Timeout         time.Duration `yaml:"timeout,omitempty"` // default 30s
}

// ExcelConfig is one workbook.
type ExcelConfig struct {
	Path  string `yaml:"path"`
	Sheet string `yaml:"sheet,omitempty"` // default the first sheet
}

// Enabled reports whether any source is configured.
func (c Config) Enabled() bool { return len(c.HTTP)+len(c.Excel) > 0 }

// WithDefaults fills in the defaults.
func (c Config) WithDefaults() Config {
	if c.Refresh <= 0 {
		c.Refresh = DefaultRefresh
	}
	if c.ExpiringDays <= 0 {
		c.ExpiringDays = DefaultExpiringDays
	}
	if c.Lookback <= 0 {
		c.Lookback = DefaultLookback
	}
	if c.MaxBytes <= 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	return c
}

// Validate checks the section as an operator wrote it.
func (c Config) Validate() error {
	var errs []error
	for i, h := range c.HTTP {
		u, err := url.Parse(h.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("ledger.http[%d].url: want an http(s) URL", i))
		}
		if err == nil && u.User != nil {
			errs = append(errs, fmt.Errorf("ledger.http[%d].url: credentials in the URL; use bearer_token_file", i))
		}
		if h.Timeout < 0 {
			errs = append(errs, fmt.Errorf("ledger.http[%d].timeout: must not be negative", i))
		}
	}
	for i, x := range c.Excel {
		if x.Path == "" {
			errs = append(errs, fmt.Errorf("ledger.excel[%d].path: required", i))
		}
	}
	if c.ExpiringDays > 366 {
		errs = append(errs, errors.New("ledger.expiring_days: at most 366"))
	}
	return errors.Join(errs...)
}

// Sources builds the configured sources, HTTP first.
func (c Config) Sources() []Source {
	c = c.WithDefaults()
	var out []Source
	for _, h := range c.HTTP {
		out = append(out, &HTTPSource{URL: h.URL, BearerTokenFile: h.BearerTokenFile, Timeout: h.Timeout, MaxBytes: c.MaxBytes})
	}
	for _, x := range c.Excel {
		out = append(out, &ExcelSource{Path: x.Path, Sheet: x.Sheet, MaxBytes: c.MaxBytes})
	}
	return out
}
