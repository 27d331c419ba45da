package camera

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestContract runs the collector contract suite against GStreamer's /quick mount (an IDR every
// 200 ms: the suite's Runner rounds last 0.8 s). The suite compares the series of rounds, so it runs
// without a decoder: a diagnosis needs more than the 0.8 s rounds leave (TestVQD* cover it).
func TestContract(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	var n atomic.Int64
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New: func() collectors.Collector {
			cfg := testConfig(func(c *Config) { c.FFmpegPath = NoDecoder })
			return New(cfg, nil, nil)
		},
		Target: func(t *testing.T) collectors.Target {
			return camTargetFor(fmt.Sprintf("quick-%d", n.Add(1)), peer.URL("/quick"), nil)
		},
		Silent: func(t *testing.T) collectors.Target {
			return camTargetFor("silent", silentRTSP(t), nil)
		},
	})
}
