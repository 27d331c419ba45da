package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Bandwidth is a contracted link rate in bits per second. Network rates are
// decimal (1M = 1,000,000 bit/s), as carriers sell them.
type Bandwidth int64

// MaxBandwidth bounds a rate: 100 Tbit/s is beyond any link of the estate, so a
// larger figure is a typing error (or bytes mistaken for bits).
const MaxBandwidth Bandwidth = 100e12

var bandwidthRE = regexp.MustCompile(`^(?:(\d{1,3})\s*[xX×*]\s*)?(\d+(?:\.\d+)?(?:[eE][+-]?\d{1,2})?)\s*([kKmMgGtT]?)(.*)$`)

// unitSuffixes are what may follow the decimal prefix: "1G", "1Gbps", "1 Gbit/s".
var unitSuffixes = []string{"", "b", "bps", "b/s", "bit", "bit/s", "bits/s", "bits"}

var prefixes = map[string]float64{"": 1, "k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12}

// ParseBandwidth reads a rate as operations teams write it: "10M", "1G",
// "500Mbps", "2x10G" (two bundled 10G members), "2×10G", or a plain number of
// bits per second. An upper-case B means bytes and is refused rather than
// guessed at.
func ParseBandwidth(s string) (Bandwidth, error) {
	in := strings.TrimSpace(s)
	m := bandwidthRE.FindStringSubmatch(in)
	if m == nil {
		return 0, fmt.Errorf("bandwidth %q: not a rate (write e.g. 100M, 1G or 2x10G)", s)
	}
	suffix := strings.TrimSpace(m[4])
	if strings.HasPrefix(suffix, "B") {
		return 0, fmt.Errorf("bandwidth %q: B means bytes; write the rate in bits (e.g. 100M or 100Mbps)", s)
	}
	if !containsFold(unitSuffixes, suffix) {
		return 0, fmt.Errorf("bandwidth %q: unknown unit %q (write e.g. 100M, 1G or 2x10G)", s, suffix)
	}
	v, _ := strconv.ParseFloat(m[2], 64) // the pattern admits only valid floats
	if m[1] != "" {
		n, _ := strconv.Atoi(m[1])
		v *= float64(n)
	}
	v *= prefixes[strings.ToLower(m[3])]
	if v < 1 || v > float64(MaxBandwidth) || math.IsNaN(v) {
		return 0, fmt.Errorf("bandwidth %q: out of range (1 bit/s to 100T)", s)
	}
	return Bandwidth(math.Round(v)), nil
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// String writes b with the largest decimal prefix that divides it: "20G", "100M".
func (b Bandwidth) String() string {
	for _, u := range []struct {
		p string
		v Bandwidth
	}{{"T", 1e12}, {"G", 1e9}, {"M", 1e6}, {"k", 1e3}} {
		if b != 0 && b%u.v == 0 {
			return strconv.FormatInt(int64(b/u.v), 10) + u.p
		}
	}
	return strconv.FormatInt(int64(b), 10)
}

// UnmarshalYAML accepts "1G" as well as a number. A bad value is a type error
// with its line, so that the rest of the entry still decodes and the problem
// points at the `bandwidth:` line.
func (b *Bandwidth) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: bandwidth must be a rate such as 100M, 1G or 2x10G", n.Line)}}
	}
	v, err := ParseBandwidth(n.Value)
	if err != nil {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: %v", n.Line, err)}}
	}
	*b = v
	return nil
}

// UnmarshalJSON accepts "1G" as well as a number of bits per second.
func (b *Bandwidth) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	s := string(data)
	if len(data) > 0 && data[0] == '"' {
		if err := json.Unmarshal(data, &s); err != nil {
			return fmt.Errorf("bandwidth: %w", err)
		}
	}
	v, err := ParseBandwidth(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}
