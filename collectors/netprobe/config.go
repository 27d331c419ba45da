package netprobe

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// ICMP socket modes (Config.ICMPMode).
const (
	ModeAuto         = "auto"         // raw first, then the unprivileged ping socket
	ModeRaw          = "raw"          // raw ICMP sockets: root or CAP_NET_RAW
	ModeUnprivileged = "unprivileged" // "ping" datagram sockets: net.ipv4.ping_group_range
)

// Config is the `collectors.netprobe` section of swanwatch.yaml.
type Config struct {
	collectors.Schedule `yaml:",inline"`

	// Packets is the number of echo requests per family per round (R-B1: loss and
	// jitter need many packets; blackbox_exporter's single packet measures neither).
	Packets int `yaml:"packets"`
	// Spacing between two echo requests of one round.
	Spacing time.Duration `yaml:"spacing"`
	// ReplyWait is how long replies are awaited after the last request; later
	// replies count as lost.
	ReplyWait time.Duration `yaml:"reply_wait"`
	// ProbeTimeout bounds one TCP connect or HTTP exchange; a probe that takes
	// longer failed (probe_success 0), it does not fail the round.
	ProbeTimeout time.Duration `yaml:"probe_timeout"`
	// MaxBodyBytes bounds how much of an HTTP body is read for `match`.
	MaxBodyBytes int64 `yaml:"max_body_bytes"`
	// ICMPMode chooses the ICMP socket: auto, raw or unprivileged.
	ICMPMode string `yaml:"icmp_mode"`
}

// maxPackets keeps a round's sequence numbers in 16 bits with room to spare
// and a round's memory small.
const maxPackets = 1000

// WithDefaults returns c with every unset field filled in. A round of 20 packets
// at 100 ms plus a 1 s reply wait takes 2.9 s and is mostly waiting, hence the
// high concurrency: 1,800 links at 30 s need ~175 rounds in flight.
func (c Config) WithDefaults() Config {
	c.Schedule = c.Schedule.WithDefaults(collectors.Schedule{Interval: 30 * time.Second, Concurrency: 256})
	if c.Packets == 0 {
		c.Packets = 20
	}
	if c.Spacing == 0 {
		c.Spacing = 100 * time.Millisecond
	}
	if c.ReplyWait == 0 {
		c.ReplyWait = time.Second
	}
	if c.ProbeTimeout == 0 {
		c.ProbeTimeout = min(5*time.Second, c.Timeout)
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = 1 << 20
	}
	if c.ICMPMode == "" {
		c.ICMPMode = ModeAuto
	}
	return c
}

// EchoRoundLength is how long one ICMP round lasts at most.
func (c Config) EchoRoundLength() time.Duration {
	return time.Duration(c.Packets-1)*c.Spacing + c.ReplyWait
}

// Validate reports every problem of a defaulted Config.
func (c Config) Validate() error {
	errs := []error{c.Schedule.Validate()}
	if c.Packets < 1 || c.Packets > maxPackets {
		errs = append(errs, fmt.Errorf("packets %d must be between 1 and %d", c.Packets, maxPackets))
	}
	if c.Spacing < 10*time.Millisecond {
		errs = append(errs, fmt.Errorf("spacing %s is below 10ms: a probe must not flood a WAN link", c.Spacing))
	}
	if c.ReplyWait <= 0 {
		errs = append(errs, fmt.Errorf("reply_wait %s must be positive", c.ReplyWait))
	}
	if l := c.EchoRoundLength(); l > c.Timeout {
		errs = append(errs, fmt.Errorf("an ICMP round lasts up to %s ((packets-1)×spacing + reply_wait), longer than the timeout %s: lower packets or spacing, or raise the timeout", l, c.Timeout))
	}
	if c.ProbeTimeout <= 0 || c.ProbeTimeout > c.Timeout {
		errs = append(errs, fmt.Errorf("probe_timeout %s must be positive and not longer than the timeout %s", c.ProbeTimeout, c.Timeout))
	}
	if c.MaxBodyBytes < 1024 {
		errs = append(errs, fmt.Errorf("max_body_bytes %d is below 1024", c.MaxBodyBytes))
	}
	switch c.ICMPMode {
	case ModeAuto, ModeRaw, ModeUnprivileged:
	default:
		errs = append(errs, fmt.Errorf("icmp_mode %q must be %s, %s or %s", c.ICMPMode, ModeAuto, ModeRaw, ModeUnprivileged))
	}
	return errors.Join(errs...)
}
