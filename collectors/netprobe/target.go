package netprobe

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/swanwatch/swanwatch/collectors"
)

// Probe types (Target.Params["probe"], and the `probe` label).
const (
	ProbeICMP = "icmp"
	ProbeTCP  = "tcp"
	ProbeHTTP = "http"
)

// Families (the `family` label).
const (
	FamilyV4 = "ipv4"
	FamilyV6 = "ipv6"
)

// dest is one address probed in a round.
type dest struct {
	family string
	addr   netip.Addr
}

// spec is a target's parameters, parsed and checked.
type spec struct {
	probe    string
	dests    []dest // icmp, tcp
	port     uint16 // tcp
	url      string // http
	family   string // http: forced family, or that of an IP-literal host; "" otherwise
	match    string
	re       *regexp.Regexp
	expect   statusSet
	insecure bool
}

// parseTarget reads a target's Params. Addresses are IP literals: the inventory
// holds the addresses of a link's ends, and resolving names would make DNS a
// failure mode of every latency figure.
func parseTarget(t collectors.Target) (spec, error) {
	s := spec{probe: t.Params["probe"]}
	switch s.probe {
	case ProbeICMP:
		return s, s.parseDests(t)
	case ProbeTCP:
		if err := s.parseDests(t); err != nil {
			return s, err
		}
		p, err := strconv.ParseUint(t.Params["port"], 10, 16)
		if err != nil || p == 0 {
			return s, fmt.Errorf("tcp probe: port %q is not a port number 1-65535", t.Params["port"])
		}
		s.port = uint16(p)
		return s, nil
	case ProbeHTTP:
		return s, s.parseHTTP(t)
	}
	return s, fmt.Errorf("probe %q must be %s, %s or %s", s.probe, ProbeICMP, ProbeTCP, ProbeHTTP)
}

// parseDests takes params ipv4 and ipv6 (either or both), else Address.
func (s *spec) parseDests(t collectors.Target) error {
	var errs []error
	for _, f := range []string{FamilyV4, FamilyV6} {
		v, ok := t.Params[f]
		if !ok {
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil || familyOf(a) != f {
			errs = append(errs, fmt.Errorf("%s %q is not an %s address", f, v, f))
			continue
		}
		s.dests = append(s.dests, dest{family: f, addr: a})
	}
	if len(s.dests) == 0 && len(errs) == 0 {
		a, err := netip.ParseAddr(t.Address)
		if err != nil {
			return fmt.Errorf("%s probe needs param ipv4 and/or ipv6, or an IP address as address (got %q)", s.probe, t.Address)
		}
		s.dests = append(s.dests, dest{family: familyOf(a), addr: a.Unmap()})
	}
	return errors.Join(errs...)
}

func familyOf(a netip.Addr) string {
	if a.Is4() || a.Is4In6() {
		return FamilyV4
	}
	return FamilyV6
}

func (s *spec) parseHTTP(t collectors.Target) error {
	u, err := url.Parse(t.Address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("http probe: address %q is not an http(s) URL", t.Address)
	}
	s.url = u.String()
	if a, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil {
		s.family = familyOf(a)
	}
	var errs []error
	if f, ok := t.Params["family"]; ok {
		if f != FamilyV4 && f != FamilyV6 {
			errs = append(errs, fmt.Errorf("http probe: family %q must be %s or %s", f, FamilyV4, FamilyV6))
		}
		if s.family != "" && s.family != f {
			errs = append(errs, fmt.Errorf("http probe: family %s contradicts the %s address in %q", f, s.family, t.Address))
		}
		s.family = f
	}
	s.match = t.Params["match"]
	if re, ok := t.Params["match_regexp"]; ok {
		if s.re, err = regexp.Compile(re); err != nil {
			errs = append(errs, fmt.Errorf("http probe: match_regexp: %w", err))
		}
	}
	if s.expect, err = parseStatusSet(t.Params["expect_status"]); err != nil {
		errs = append(errs, fmt.Errorf("http probe: %w", err))
	}
	if v, ok := t.Params["insecure_skip_verify"]; ok {
		if s.insecure, err = strconv.ParseBool(v); err != nil {
			errs = append(errs, fmt.Errorf("http probe: insecure_skip_verify %q is not true or false", v))
		}
	}
	return errors.Join(errs...)
}

// statusSet is a list of accepted status codes; a class like 2xx is stored as
// its hundred (2) with exact codes as themselves (200).
type statusSet []int

// parseStatusSet reads "2xx", "200,301", "2xx,304"; empty means 2xx.
func parseStatusSet(s string) (statusSet, error) {
	if strings.TrimSpace(s) == "" {
		return statusSet{2}, nil
	}
	var out statusSet
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(strings.ToLower(f))
		if len(f) == 3 && f[1:] == "xx" && f[0] >= '1' && f[0] <= '5' {
			out = append(out, int(f[0]-'0'))
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 100 || n > 599 {
			return nil, fmt.Errorf("expect_status %q: %q is neither a status code 100-599 nor a class like 2xx", s, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// has reports whether code is accepted.
func (ss statusSet) has(code int) bool {
	for _, c := range ss {
		if c == code || c < 10 && code/100 == c {
			return true
		}
	}
	return false
}
