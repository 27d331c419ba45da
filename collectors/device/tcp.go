package device

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"
)

// collectTCP connects once: the device listens (up 1) and how long the
// connect took. No answer or a refusal fails the round (up 0).
func (r *round) collectTCP(ctx context.Context) error {
	addr, err := hostPort(r.t.Address, r.p.defaultPort())
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(ctx, r.c.cfg.RequestTimeout)
	defer cancel()
	start := time.Now()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("tcp %s: %w", addr, netError(dctx, err))
	}
	took := time.Since(start)
	conn.Close()
	return r.putProbes(map[string]float64{"up": 1, "connect_seconds": took.Seconds()})
}

// defaultPort is the port of a tcp or sip_options target whose address has
// none: the profile's, else 5060 for SIP; a tcp profile without one needs
// the port in the address.
func (p *Profile) defaultPort() string {
	switch {
	case p.TCP != nil && p.TCP.Port > 0:
		return strconv.Itoa(p.TCP.Port)
	case p.SIP != nil && p.SIP.Port > 0:
		return strconv.Itoa(p.SIP.Port)
	case p.Driver == driverSIP:
		return defaultSIPPort
	}
	return ""
}

// putProbes emits the metrics of a reachability driver.
func (r *round) putProbes(values map[string]float64) error {
	var errs []error
	for i := range r.p.Metrics {
		m := &r.p.Metrics[i]
		errs = append(errs, r.put(m, numRaw(values[m.Probe]), nil))
	}
	return joinErrs(errs)
}
