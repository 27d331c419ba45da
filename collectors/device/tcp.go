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
	port := ""
	if r.p.TCP != nil && r.p.TCP.Port > 0 {
		port = strconv.Itoa(r.p.TCP.Port)
	}
	addr, err := hostPort(r.t.Address, port)
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

// putProbes emits the metrics of a reachability driver.
func (r *round) putProbes(values map[string]float64) error {
	var errs []error
	for i := range r.p.Metrics {
		m := &r.p.Metrics[i]
		errs = append(errs, r.put(m, numRaw(values[m.Probe]), nil))
	}
	return joinErrs(errs)
}
