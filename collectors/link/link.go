// Package link owns the link info collector (kind "link"). It dials nothing:
// each round states, for one link of the inventory, which two interfaces it
// joins and its contracted bandwidth, as the series
//
//	swanwatch_link_info{link, a_device, a_ifname, b_device, b_ifname, group, isp} 1
//	swanwatch_link_bandwidth_bits_per_second{link}
//
// (district and level come from the target labels), so that PromQL can join a
// link to the SNMP interface series of its ends (rules/packs/wan.yml).
package link

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
)

// Names of the series and of the params of a link target (set by
// internal/inventory's Link.Targets; the params are named as the labels).
const (
	MetricInfo      = "swanwatch_link_info"
	MetricBandwidth = "swanwatch_link_bandwidth_bits_per_second"

	ParamBandwidthBps = "bandwidth_bps"
)

// infoParams are the params that become labels of swanwatch_link_info, in
// order; the first two are required.
var infoParams = []string{"a_device", "a_ifname", "b_device", "b_ifname", "group", "isp"}

var badTargets = metrics.GetOrCreateCounter(`swanwatch_link_bad_targets_total`)

// Collector is the link info collector. It keeps no state and logs nothing: a
// failed round reaches the operator through the Runner's `up` and last error.
type Collector struct{}

// New returns a Collector; cfg carries only the Runner's schedule.
func New(Config) *Collector { return &Collector{} }

// Collect emits the link's info and bandwidth. A target whose params are
// incomplete fails the round (and is counted): a link without its ends or its
// bandwidth would join nothing and mislead every figure computed from it.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	labels, bps, err := parse(t)
	if err != nil {
		badTargets.Inc()
		return fmt.Errorf("link %s: %w", t.Name, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("link %s: %w", t.Name, err)
	}
	emit(MetricInfo, 1, labels...)
	emit(MetricBandwidth, bps, "link", t.Name)
	return nil
}

// parse checks the target's params and returns the info labels and the bandwidth.
func parse(t collectors.Target) ([]string, float64, error) {
	var errs []error
	for k := range t.Params {
		if k != ParamBandwidthBps && !slices.Contains(infoParams, k) {
			errs = append(errs, fmt.Errorf("unknown param %q", k))
		}
	}
	labels := []string{"link", t.Name}
	for i, k := range infoParams {
		v := t.Params[k]
		if v == "" && i < 2 {
			errs = append(errs, fmt.Errorf("param %s is empty (the a end's device and ifName)", k))
		}
		labels = append(labels, k, v)
	}
	for i := 0; i < len(labels); i += 2 {
		if t.Labels[labels[i]] != "" {
			errs = append(errs, fmt.Errorf("target label %q clashes with a label of %s", labels[i], MetricInfo))
		}
		if !utf8.ValidString(labels[i+1]) {
			errs = append(errs, fmt.Errorf("param %s is not UTF-8", labels[i]))
		}
	}
	bps, err := parseBandwidth(t.Params[ParamBandwidthBps])
	return labels, bps, errors.Join(append(errs, err)...)
}

// parseBandwidth reads the contracted rate in bits per second.
func parseBandwidth(s string) (float64, error) {
	if s == "" {
		return 0, errors.New("param bandwidth_bps is empty")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("param bandwidth_bps %q is not a positive number of bits per second", s)
	}
	return v, nil
}
