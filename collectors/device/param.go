package device

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// A metric whose source is a target param carries a figure the device does
// not report but the rules need next to its readings: a PDU's rated current
// (pdu_rating_amps from rating_amps), so that a feed's load is a ratio.

// checkParamSource checks a param metric: the param name, and nothing read
// from the device with it.
func (p *Profile) checkParamSource(m *Metric, add func(string, ...any)) {
	if !validID(m.Param) {
		add("param %q must be a param name of a-z, 0-9, _ and -", m.Param)
	}
	if len(m.Map) > 0 || m.Value != nil || m.Where != nil || m.KeepMissing != 0 || m.Counter != "" {
		add("a param metric is the param's number times scale: map, value, where, keep_missing and counter have no place")
	}
	if m.Column != "" || m.Scalar != "" || len(m.Any) > 0 || m.Register != "" {
		add("set one source: param or what the device reports")
	}
}

// putParam emits a param metric. A missing param is the target's
// configuration error (check-config reports it too), unless optional.
func (r *round) putParam(m *Metric) error {
	v, err := paramNumber(m, r.t.Params)
	switch {
	case errors.Is(err, errNoParam) && m.Optional:
		return nil
	case err != nil:
		mBadValues.Inc()
		return fmt.Errorf("%s: %w", m.Name, err)
	}
	return r.put(m, numRaw(v), nil)
}

var errNoParam = fmt.Errorf("%w: param missing", ErrConfig)

// paramNumber reads the metric's param as a finite number.
func paramNumber(m *Metric, params map[string]string) (float64, error) {
	s := strings.TrimSpace(params[m.Param])
	if s == "" {
		return 0, fmt.Errorf("%w: param %s is needed (a number)", errNoParam, m.Param)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v != v || v > 1e15 || v < -1e15 {
		return 0, fmt.Errorf("%w: param %s %q is not a number", ErrConfig, m.Param, clip(s))
	}
	return v, nil
}

// checkParams reports, for check-config, the params a target lacks or gets
// wrong: those of non-optional param metrics, and register orders.
func (p *Profile) checkParams(params map[string]string) error {
	var errs []error
	for i := range p.Metrics {
		m := &p.Metrics[i]
		if m.Param == "" {
			continue
		}
		if _, err := paramNumber(m, params); err != nil && !(m.Optional && errors.Is(err, errNoParam)) {
			errs = append(errs, err)
		}
	}
	if p.Modbus != nil {
		_, err := resolveRegisters(p.Modbus, params)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// withDefaults returns the target's params with the profile's defaults
// filled in; the target's map is not changed.
func (p *Profile) withDefaults(params map[string]string) map[string]string {
	if len(p.Params) == 0 {
		return params
	}
	out := maps.Clone(p.Params)
	for k, v := range params {
		if v != "" || out[k] == "" {
			out[k] = v
		}
	}
	return out
}

// checkProfileParams checks the names of the profile's param defaults.
func (p *Profile) checkProfileParams() error {
	var errs []error
	for _, k := range slices.Sorted(maps.Keys(p.Params)) {
		if !validID(k) || k == "profile" {
			errs = append(errs, p.errAt("params."+k, "%q is not a param a profile may default", k))
		}
	}
	return errors.Join(errs...)
}
