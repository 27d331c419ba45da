package vsphere

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Target params the vSphere driver reads (docs/cloud.md, Inventory).
const (
	ParamTLSSkipVerify   = "tls_skip_verify"
	ParamCAFile          = "ca_file"
	ParamSystemFrom      = "system_from"
	ParamDeptFrom        = "dept_from"
	ParamMaxQueryMetrics = "max_query_metrics"
	// ParamHistoricalEvery is how often datastore (historical, 300 s) perf is
	// read; between reads the last values are emitted again.
	ParamHistoricalEvery = "historical_every"
)

// Defaults of the params.
const (
	DefaultSystemFrom      = "tag:业务系统"
	DefaultDeptFrom        = "tag:部门"
	DefaultMaxQueryMetrics = 256
	DefaultHistoricalEvery = 5 * time.Minute
)

// sourceKind is where a VM's system or department comes from.
type sourceKind int

const (
	fromTag       sourceKind = iota + 1 // a vSphere tag of a category
	fromAttribute                       // a custom attribute (customValue)
	fromFolder                          // the VM's folder name
)

// labelSource is a parsed system_from / dept_from.
type labelSource struct {
	kind sourceKind
	name string // category or attribute name
}

// ParseLabelSource reads `tag:<category>`, `attribute:<name>` or `folder`.
func ParseLabelSource(s string) (labelSource, error) {
	s = strings.TrimSpace(s)
	if s == "folder" {
		return labelSource{kind: fromFolder}, nil
	}
	k, name, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	bad := fmt.Errorf("%q must be tag:<分类>, attribute:<属性名> or folder", clip(s, 80))
	if !ok || name == "" || len(name) > 256 || strings.ContainsAny(name, "\x00\n\r") {
		return labelSource{}, bad
	}
	switch k {
	case "tag":
		return labelSource{kind: fromTag, name: name}, nil
	case "attribute":
		return labelSource{kind: fromAttribute, name: name}, nil
	}
	return labelSource{}, bad
}

// params is a target's address and Params, parsed.
type params struct {
	url             *url.URL
	skipVerify      bool
	caFile          string
	system, dept    labelSource
	maxQueryMetrics int
	historicalEvery time.Duration
}

// parseParams reports every problem of the address and the params. A user or
// password written into the address is refused without echoing it.
func parseParams(address string, p map[string]string) (params, error) {
	out := params{maxQueryMetrics: DefaultMaxQueryMetrics, historicalEvery: DefaultHistoricalEvery, caFile: p[ParamCAFile]}
	var errs []error
	u, err := url.Parse(address)
	switch {
	case err != nil:
		errs = append(errs, fmt.Errorf("%w: address is not a URL", ErrAddress))
	case u.User != nil:
		errs = append(errs, fmt.Errorf("%w: the address carries a user or password (not shown); use username and password_file", ErrAddress))
	case u.Scheme != "https" && u.Scheme != "http", u.Hostname() == "":
		errs = append(errs, fmt.Errorf("%w: address %q must be https://vcenter/sdk", ErrAddress, clip(address, 120)))
	default:
		if u.Path == "" || u.Path == "/" {
			u.Path = "/sdk"
		}
		out.url = u
	}
	switch v := p[ParamTLSSkipVerify]; v {
	case "", "false":
	case "true":
		out.skipVerify = true
	default:
		errs = append(errs, fmt.Errorf("tls_skip_verify %q must be true or false", clip(v, 40)))
	}
	out.system, err = sourceParam(p, ParamSystemFrom, DefaultSystemFrom)
	errs = append(errs, err)
	out.dept, err = sourceParam(p, ParamDeptFrom, DefaultDeptFrom)
	errs = append(errs, err)
	if v := p[ParamMaxQueryMetrics]; v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			errs = append(errs, fmt.Errorf("max_query_metrics %q must be 1..100000 (vCenter's vpxd.stats.maxQueryMetrics, 256 by default; -1 there means no limit)", clip(v, 40)))
		}
		out.maxQueryMetrics = n
	}
	if v := p[ParamHistoricalEvery]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > time.Hour {
			errs = append(errs, fmt.Errorf("historical_every %q must be a duration 1m..1h", clip(v, 40)))
		}
		out.historicalEvery = d
	}
	if err := errors.Join(errs...); err != nil {
		return out, fmt.Errorf("%w: %w", ErrParams, err)
	}
	return out, nil
}

func sourceParam(p map[string]string, key, def string) (labelSource, error) {
	v, ok := p[key]
	if !ok || v == "" {
		v = def
	}
	s, err := ParseLabelSource(v)
	if err != nil {
		return s, fmt.Errorf("%s: %w", key, err)
	}
	return s, nil
}
