package netprobe

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// echoResult is one family's ICMP round.
type echoResult struct {
	dest  dest
	stats Stats
	took  time.Duration
}

// collectICMP runs the echo rounds of every family of the target at once and
// emits them when all are done (emit is called from this goroutine only).
func (c *Collector) collectICMP(ctx context.Context, s spec, emit collectors.Emit) error {
	results, err := fanOut(s.dests, func(d dest) (echoResult, error) {
		p, err := c.pinger(d.family)
		if err != nil {
			return echoResult{}, err
		}
		start := time.Now()
		st, err := p.run(ctx, d.addr, c.cfg)
		return echoResult{dest: d, stats: st, took: time.Since(start)}, err
	})
	if err != nil {
		return err
	}
	for _, r := range results {
		emitEcho(emit, r)
	}
	return nil
}

func emitEcho(emit collectors.Emit, r echoResult) {
	l := labels(ProbeICMP, r.dest.family)
	st := r.stats
	emit("probe_success", boolValue(st.Received > 0), l...)
	emit("probe_packets_sent", float64(st.Sent), l...)
	emit("probe_packets_received", float64(st.Received), l...)
	emit("probe_loss_ratio", st.Loss(), l...)
	emit("probe_duration_seconds", r.took.Seconds(), l...)
	if st.Received == 0 {
		return
	}
	emit("probe_rtt_min_seconds", st.Min.Seconds(), l...)
	emit("probe_rtt_avg_seconds", st.Avg.Seconds(), l...)
	emit("probe_rtt_max_seconds", st.Max.Seconds(), l...)
	if st.Received >= 2 {
		emit("probe_jitter_seconds", st.Jitter, l...)
	}
}

// tcpResult is one family's TCP connect.
type tcpResult struct {
	dest dest
	ok   bool
	took time.Duration
}

// collectTCP connects to the port on every address of the target at once. A
// refused or timed-out connect is a result (probe_success 0), not an error.
func (c *Collector) collectTCP(ctx context.Context, s spec, emit collectors.Emit) error {
	results, err := fanOut(s.dests, func(d dest) (tcpResult, error) {
		return c.connect(ctx, d, s.port)
	})
	if err != nil {
		return err
	}
	for _, r := range results {
		l := labels(ProbeTCP, r.dest.family)
		emit("probe_success", boolValue(r.ok), l...)
		emit("probe_duration_seconds", r.took.Seconds(), l...)
	}
	return nil
}

func (c *Collector) connect(ctx context.Context, d dest, port uint16) (tcpResult, error) {
	pctx, cancel := context.WithTimeout(ctx, c.cfg.ProbeTimeout)
	defer cancel()
	addr := netip.AddrPortFrom(d.addr, port).String()
	start := time.Now()
	conn, err := (&net.Dialer{}).DialContext(pctx, "tcp", addr)
	took := time.Since(start)
	if err != nil && roundOver(ctx) != nil {
		return tcpResult{}, fmt.Errorf("tcp connect to %s: %w", addr, roundOver(ctx))
	}
	if err != nil {
		c.log.Debug("tcp probe failed", "addr", addr, "err", err)
		return tcpResult{dest: d, took: took}, nil
	}
	conn.Close()
	return tcpResult{dest: d, ok: true, took: took}, nil
}

// roundOver reports whether the round's ctx has ended. A dial or read bounded
// by the ctx deadline can return a few microseconds before the ctx's own timer
// marks it done, so the deadline is compared with the clock as well.
func roundOver(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}
