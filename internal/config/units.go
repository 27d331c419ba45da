package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"go.yaml.in/yaml/v3"
)

// Bytes is a size written as "50GB", "512MiB" or a plain number of bytes. KB,
// MB, GB and TB are powers of 1000; KiB, MiB, GiB and TiB powers of 1024.
type Bytes int64

var byteUnits = []struct {
	suffix string
	mult   int64
}{
	{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10},
	{"TB", 1e12}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1},
}

// ParseBytes parses a size; negative sizes and unknown units are errors.
func ParseBytes(s string) (Bytes, error) {
	s = strings.TrimSpace(s)
	num, mult := s, int64(1)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q: write a whole number with an optional unit (B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)", s)
	}
	if n > 0 && mult > (1<<62)/n {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return Bytes(n * mult), nil
}

// String writes the size with the unit that divides it exactly into the
// smallest number, so that 50GB stays 50GB and 512MiB stays 512MiB.
func (b Bytes) String() string {
	if b <= 0 {
		return strconv.FormatInt(int64(b), 10)
	}
	best := byteUnits[len(byteUnits)-1]
	for _, u := range byteUnits {
		if int64(b)%u.mult == 0 && u.mult > best.mult {
			best = u
		}
	}
	return strconv.FormatInt(int64(b)/best.mult, 10) + best.suffix
}

// MarshalText writes the size with its unit.
func (b Bytes) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// UnmarshalText parses a size.
func (b *Bytes) UnmarshalText(p []byte) error {
	v, err := ParseBytes(string(p))
	*b = v
	return err
}

// UnmarshalYAML parses a size and reports a bad one with its line.
func (b *Bytes) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "a size must be a number or a string such as 50GB")
	}
	v, err := ParseBytes(n.Value)
	if err != nil {
		return lineError(n, err.Error())
	}
	*b = v
	return nil
}

// Retention is a long duration written as Prometheus writes it: "90d", "180d",
// "1y", "12h" (a year is 365 days, a week 7 days).
type Retention time.Duration

// Duration returns r as a time.Duration.
func (r Retention) Duration() time.Duration { return time.Duration(r) }

// String writes r in Prometheus notation.
func (r Retention) String() string { return model.Duration(r).String() }

// MarshalText writes r in Prometheus notation.
func (r Retention) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses Prometheus notation.
func (r *Retention) UnmarshalText(p []byte) error {
	d, err := model.ParseDuration(string(p))
	*r = Retention(d)
	return err
}

// UnmarshalYAML parses Prometheus notation and reports a bad value with its line.
func (r *Retention) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "a retention must be a duration such as 90d")
	}
	d, err := model.ParseDuration(n.Value)
	if err != nil {
		return lineError(n, fmt.Sprintf("invalid retention %q: write a duration such as 90d, 26w or 1y", n.Value))
	}
	*r = Retention(d)
	return nil
}

// lineError is the error form yaml.v3 collects with the others (a TypeError),
// so that a bad value is reported with its line and decoding goes on.
func lineError(n *yaml.Node, msg string) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %s", n.Line, msg)}}
}
