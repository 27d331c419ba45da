package inventory

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Per-target SNMP request settings (params of a target of kind snmp). A
// village router behind a 2 Mbit/s line answers slower than a core switch,
// and a fragile old agent wants fewer retries: these override the snmp
// collector's request_timeout and retries for one device.
const (
	ParamSNMPTimeout = "snmp_timeout" // one try of one request, e.g. 5s
	ParamSNMPRetries = "snmp_retries" // tries after the first, 0..5
)

// Bounds of the per-target SNMP request settings.
const (
	MinSNMPTimeout = 100 * time.Millisecond
	MaxSNMPTimeout = time.Minute
	MaxSNMPRetries = 5
)

// SNMPRequestParams reads snmp_timeout and snmp_retries from a target's
// params; zero timeout and retries -1 mean "not set, use the collector's".
// The error names the param, its value and the accepted range.
func SNMPRequestParams(params map[string]string) (timeout time.Duration, retries int, err error) {
	retries = -1
	var errs []error
	if v, ok := params[ParamSNMPTimeout]; ok {
		d, perr := time.ParseDuration(v)
		if perr != nil || d < MinSNMPTimeout || d > MaxSNMPTimeout {
			errs = append(errs, fmt.Errorf("%s %q must be a duration from %s to %s, e.g. 5s",
				ParamSNMPTimeout, v, MinSNMPTimeout, MaxSNMPTimeout))
		} else {
			timeout = d
		}
	}
	if v, ok := params[ParamSNMPRetries]; ok {
		n, perr := strconv.Atoi(v)
		if perr != nil || n < 0 || n > MaxSNMPRetries {
			errs = append(errs, fmt.Errorf("%s %q must be a whole number from 0 (no retry) to %d",
				ParamSNMPRetries, v, MaxSNMPRetries))
		} else {
			retries = n
		}
	}
	return timeout, retries, errors.Join(errs...)
}

// checkSNMPParams reports bad per-target SNMP settings as problems of the
// row, at import, instead of a failing poll later.
func checkSNMPParams(t Target, add func(string, string, ...any)) {
	if t.Kind != "snmp" {
		return
	}
	if _, _, err := SNMPRequestParams(t.Params); err != nil {
		add("params", "%v", err)
	}
}
