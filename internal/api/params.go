package api

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

const (
	// maxBodyBytes bounds a POST form. Grafana sends long queries by POST,
	// but no PromQL a person writes comes near 1 MiB.
	maxBodyBytes = 1 << 20
	// maxPoints is Prometheus's limit on points per series of a range query:
	// 60 s resolution for a week, or 1 h for a year.
	maxPoints = 11000
)

// minTime and maxTime are Prometheus's defaults for open time ranges; clients
// (client_golang among them) send them formatted, so they must parse back.
var (
	minTime          = time.Unix(math.MinInt64/1000+62135596801, 0).UTC()
	maxTime          = time.Unix(math.MaxInt64/1000-62135596801, 999999999).UTC()
	minTimeFormatted = minTime.Format(time.RFC3339Nano)
	maxTimeFormatted = maxTime.Format(time.RFC3339Nano)
)

// parseTime accepts a unix timestamp in seconds (fractions to the
// millisecond) or RFC 3339, the two forms the Prometheus API takes.
func parseTime(s string) (time.Time, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return unixFloat(s, f)
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	// time.Parse handles four-digit years only; the range bounds have more.
	switch s {
	case minTimeFormatted:
		return minTime, nil
	case maxTimeFormatted:
		return maxTime, nil
	}
	return time.Time{}, fmt.Errorf("cannot parse %q to a valid timestamp", s)
}

// unixFloat converts seconds to a time, refusing what int64 cannot hold
// (Prometheus itself would silently wrap NaN and 1e300 around).
func unixFloat(s string, f float64) (time.Time, error) {
	if math.IsNaN(f) || f < float64(minTime.Unix()) || f > float64(maxTime.Unix()) {
		return time.Time{}, fmt.Errorf("cannot parse %q to a valid timestamp: out of range", s)
	}
	sec, frac := math.Modf(f)
	frac = math.Round(frac*1000) / 1000
	return time.Unix(int64(sec), int64(frac*float64(time.Second))).UTC(), nil
}

// parseTimeParam reads an optional time parameter.
func parseTimeParam(r *http.Request, name string, def time.Time) (time.Time, error) {
	v := r.FormValue(name)
	if v == "" {
		return def, nil
	}
	return parseTime(v)
}

// parseDuration accepts seconds as a float or a Prometheus duration ("5m").
func parseDuration(s string) (time.Duration, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		ns := f * float64(time.Second)
		// float64(MaxInt64) is 2^63, one past what int64 holds; NaN fails every comparison.
		if math.IsNaN(ns) || ns >= float64(math.MaxInt64) || ns < float64(math.MinInt64) {
			return 0, fmt.Errorf("cannot parse %q to a valid duration: it overflows int64", s)
		}
		return time.Duration(ns), nil
	}
	if d, err := model.ParseDuration(s); err == nil {
		return time.Duration(d), nil
	}
	return 0, fmt.Errorf("cannot parse %q to a valid duration", s)
}

// parseLimit returns 0 for "no limit".
func parseLimit(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("limit must be a number: %w", err)
	}
	if n < 0 {
		return 0, errors.New("limit must be non-negative")
	}
	return n, nil
}

// hintLimit asks storage for one more than the limit so that truncation can
// be reported as a warning.
func hintLimit(limit int) int {
	if limit > 0 && limit < math.MaxInt {
		return limit + 1
	}
	return limit
}

// parseMatchers parses match[] selectors. A selector that matches the empty
// string everywhere would select every series in the TSDB, so it is refused.
func parseMatchers(p parser.Parser, sel []string) ([][]*labels.Matcher, error) {
	sets, err := p.ParseMetricSelectors(sel)
	if err != nil {
		return nil, err
	}
	for _, set := range sets {
		if !selective(set) {
			return nil, errors.New("match[] must contain at least one non-empty matcher")
		}
	}
	return sets, nil
}

func selective(set []*labels.Matcher) bool {
	for _, m := range set {
		if m != nil && !m.Matches("") {
			return true
		}
	}
	return false
}

// rangeParams are the validated start, end and step of a range query.
type rangeParams struct {
	start, end time.Time
	step       time.Duration
}

// parseRange validates start/end/step and refuses absurd resolutions.
func parseRange(r *http.Request) (rangeParams, *apiError) {
	var p rangeParams
	var err error
	if p.start, err = parseTime(r.FormValue("start")); err != nil {
		return p, invalidParam("start", err)
	}
	if p.end, err = parseTime(r.FormValue("end")); err != nil {
		return p, invalidParam("end", err)
	}
	if p.end.Before(p.start) {
		return p, invalidParam("end", errors.New("end timestamp must not be before start time"))
	}
	if p.step, err = parseDuration(r.FormValue("step")); err != nil {
		return p, invalidParam("step", err)
	}
	if p.step <= 0 {
		return p, invalidParam("step", errors.New("zero or negative query resolution step widths are not accepted, try a positive integer"))
	}
	if p.end.Sub(p.start)/p.step > maxPoints {
		return p, badData(errors.New("exceeded maximum resolution of 11,000 points per timeseries, try decreasing the query resolution (?step=XX)"))
	}
	return p, nil
}

// parseTimeout reads the optional per-request timeout; 0 means none given.
func parseTimeout(r *http.Request) (time.Duration, *apiError) {
	v := r.FormValue("timeout")
	if v == "" {
		return 0, nil
	}
	d, err := parseDuration(v)
	if err != nil {
		return 0, invalidParam("timeout", err)
	}
	if d <= 0 {
		return 0, invalidParam("timeout", fmt.Errorf("timeout must be positive, got %s", d))
	}
	return d, nil
}
