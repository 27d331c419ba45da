package snmp

import (
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestContract runs the collector contract suite against one real snmpd; every
// working target is another device name on it. The silent peer is a UDP
// socket that reads and never answers.
func TestContract(t *testing.T) {
	peer := testpeer.SNMPD(t)
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return v2Target(t, fmt.Sprintf("sw-%02d", n), peer.Addr)
		},
		Silent: func(t *testing.T) collectors.Target {
			conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { conn.Close() })
			return v2Target(t, "silent-sw", conn.LocalAddr().String())
		},
	})
}
