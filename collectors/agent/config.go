package agent

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Config is the `collectors.agent` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// Keep lists the metric families kept from each agent; everything else is
	// dropped before it reaches the TSDB, so that a VM costs ~50 series. An entry
	// ending in `*` keeps every family with that prefix.
	Keep []string `yaml:"keep"`
	// MaxBodyBytes bounds one scrape; a larger answer fails the round.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// SumWithout sums the series of a counter or gauge family over the listed
	// labels before they are stored. The default folds node_cpu_seconds_total's
	// per-CPU series into one per mode: an 8-vCPU VM costs 8 CPU series instead
	// of 64, and the CPU count survives as agent_summed_label_values.
	SumWithout map[string][]string `yaml:"sum_without"`
}

// DefaultSumWithout is applied when sum_without is not set.
var DefaultSumWithout = map[string][]string{"node_cpu_seconds_total": {"cpu"}}

// DefaultKeep is the default keep-list: CPU, memory, disk, filesystem, network
// and load of node_exporter, enough for water levels and idle findings (R-A2).
var DefaultKeep = []string{
	"node_cpu_seconds_total", "node_load1", "node_load5", "node_load15",
	"node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes",
	"node_filesystem_size_bytes", "node_filesystem_avail_bytes",
	"node_disk_read_bytes_total", "node_disk_written_bytes_total",
	"node_network_receive_bytes_total", "node_network_transmit_bytes_total",
	"node_boot_time_seconds", "node_time_seconds", "node_uname_info",
}

// WithDefaults returns c with every unset field filled in.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 30 * time.Second, Concurrency: 64})
	if len(c.Keep) == 0 {
		c.Keep = append([]string(nil), DefaultKeep...)
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 4 << 20
	}
	if c.SumWithout == nil {
		c.SumWithout = map[string][]string{}
		for k, v := range DefaultSumWithout {
			c.SumWithout[k] = append([]string(nil), v...)
		}
	}
	return c
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max_body_bytes %d is below 1024", c.MaxBodyBytes))
	}
	for i, k := range c.Keep {
		if err := validKeep(k); err != nil {
			errs = append(errs, fmt.Errorf("keep[%d]: %w", i, err))
		}
	}
	for fam, labels := range c.SumWithout {
		if !collectors.ValidMetricName(fam) || len(labels) == 0 {
			errs = append(errs, fmt.Errorf("sum_without: %q needs a family name and at least one label", fam))
		}
		for _, l := range labels {
			if !collectors.ValidLabelName(l) {
				errs = append(errs, fmt.Errorf("sum_without.%s: %q is not a label name", fam, l))
			}
		}
	}
	return errors.Join(errs...)
}

// validKeep accepts a metric family name or a prefix followed by one trailing `*`.
func validKeep(k string) error {
	name, prefix := strings.CutSuffix(k, "*")
	switch {
	case k == "":
		return errors.New("empty family name")
	case prefix && name == "":
		return nil // "*": keep everything, the operator's explicit choice
	case !collectors.ValidMetricName(name):
		return fmt.Errorf("%q is not a metric family name (a `*` may only end a prefix)", k)
	}
	return nil
}
