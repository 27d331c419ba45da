// Package netprobe owns the network quality probes of the WAN (R-B1, R-B5) and
// of service checks (R-C5): multi-packet ICMP echo, TCP connect and HTTP(S).
// One target is one probed thing; Target.Params["probe"] picks the probe.
//
// ICMP: for each of the target's addresses (params ipv4 and ipv6, either or
// both; else Address), Config.Packets echo requests at Config.Spacing, both
// families in the same round and concurrently, so the IPv6-versus-IPv4
// comparison of R-B5 sees the same moment of the path. Per family it emits
// probe_packets_sent/received, probe_loss_ratio, probe_rtt_min/avg/max_seconds,
// probe_jitter_seconds (RFC 3550 interarrival jitter; see jitter for the formula
// and its edge cases), probe_success (1 when any reply came) and
// probe_duration_seconds, labelled family and probe. RTT series need one reply,
// jitter two; without them the series are absent for the round, never 0, so a
// dead link cannot look like a perfect one. Replies after the round's reply
// wait count as lost; a ctx that ends before the round did fails the round.
//
// Sockets: one ICMP socket per family for the whole Collector, demultiplexed by
// a per-round token in the payload (see pinger). Raw sockets need root or
// CAP_NET_RAW. The unprivileged alternative is Linux's "ping" datagram socket
// (icmp_mode unprivileged, or auto's fallback): allow the service's group with
// `sysctl -w net.ipv4.ping_group_range="GID GID"` (the range is per network
// namespace; Debian's default "1 0" allows nobody). The kernel then sets the
// echo ID itself, which is why replies are matched by payload, not ID.
// Receive times are taken when the reader goroutine gets the packet, so a
// loaded machine adds its scheduling delay (typically tens of µs) to each RTT.
//
// TCP (param port) connects to each address; HTTP(S) GETs Address with
// match/match_regexp on the first max_body_bytes of the body, expect_status
// (default 2xx) and, for https, probe_tls_cert_days_left (also with
// insecure_skip_verify, meant for test certificates). HTTP series carry the
// family label when the URL's host is an IP literal or param family (ipv4,
// ipv6) pins the dial; otherwise only probe. A TCP or HTTP probe that
// fails or exceeds probe_timeout emits probe_success 0; it fails the round only
// when ctx ends first.
package netprobe

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind of network probe targets.
const Kind = "netprobe"

// Collector runs probes. It is safe for concurrent rounds on different targets.
type Collector struct {
	cfg  Config
	log  *slog.Logger
	http httpClients

	mu      sync.Mutex
	pingers map[string]*pinger // by family, opened on first use
	closed  bool
}

// New returns a Collector for cfg, which it defaults and validates. ICMP
// sockets are opened by the first ICMP round, so a deployment with only HTTP
// checks needs no privilege.
func New(cfg Config, logger *slog.Logger) (*Collector, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("netprobe config: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Collector{cfg: cfg, log: logger, http: newHTTPClients(), pingers: map[string]*pinger{}}, nil
}

// Collect runs one probe round on t.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	s, err := parseTarget(t)
	if err != nil {
		metrics.GetOrCreateCounter(`swanwatch_netprobe_bad_targets_total`).Inc()
		return fmt.Errorf("target %s: %w", t.Name, err)
	}
	switch s.probe {
	case ProbeICMP:
		return c.collectICMP(ctx, s, emit)
	case ProbeTCP:
		return c.collectTCP(ctx, s, emit)
	default:
		return c.collectHTTP(ctx, s, emit)
	}
}

// Close closes the ICMP sockets and idle HTTP connections.
func (c *Collector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for f, p := range c.pingers {
		errs = append(errs, p.close())
		delete(c.pingers, f)
	}
	c.http.close()
	return errors.Join(errs...)
}

// pinger returns the family's socket, opening it on first use. A failed open
// is retried by the next round: a capability granted later takes effect.
func (c *Collector) pinger(family string) (*pinger, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, errors.New("collector closed")
	}
	if p := c.pingers[family]; p != nil {
		return p, nil
	}
	p, err := openPinger(family, c.cfg.ICMPMode, c.log)
	if err != nil {
		return nil, err
	}
	c.pingers[family] = p
	return p, nil
}

// fanOut runs probe once per destination concurrently and waits for all.
func fanOut[R any](ds []dest, probe func(dest) (R, error)) ([]R, error) {
	out := make([]R, len(ds))
	errs := make([]error, len(ds))
	var wg sync.WaitGroup
	for i, d := range ds {
		wg.Go(func() { out[i], errs[i] = probe(d) })
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// labels are the extra labels of every series of one family's result.
func labels(probe, family string) []string {
	if family == "" {
		return []string{"probe", probe}
	}
	return []string{"family", family, "probe", probe}
}

func boolValue(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
