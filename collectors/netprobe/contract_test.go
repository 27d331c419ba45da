package netprobe

import (
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer/tunhost"
)

// TestContract runs the collector contract suite. The working target is a
// dual-stack ICMP target on a tunhost without loss (a short round, so that the
// suite's Runner round fits its 0.8 s timeout); the silent one an HTTP server
// that accepts and never answers, with the probe timeout beyond the suite's
// deadline, so the ctx ends first and the round fails.
func TestContract(t *testing.T) {
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New: func() collectors.Collector {
			c, err := New(Config{Packets: 5, Spacing: 50 * time.Millisecond, ReplyWait: 300 * time.Millisecond,
				ProbeTimeout: 5 * time.Second}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return c
		},
		Target: func(t *testing.T) collectors.Target {
			h := tunhost.Start(t, tunhost.Options{V4Delay: 5 * time.Millisecond, V4Jitter: time.Millisecond,
				V6Delay: 4 * time.Millisecond, V6Jitter: time.Millisecond, Seed: 3})
			return dualTarget("contract-link", h)
		},
		Silent: func(t *testing.T) collectors.Target {
			tgt := target("contract-portal", map[string]string{"probe": ProbeHTTP})
			tgt.Address = silentServer(t)
			return tgt
		},
	})
}
