package hypervisor

import (
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/simulator"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// TestContract runs the collector contract suite against govmomi's
// simulated vCenter; the silent peer accepts connections and never answers.
func TestContract(t *testing.T) {
	addr, m := startVC(t, simulator.VPX())
	powerOffVMs(m)
	pw := passwordFile(t, testPassword)
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return New(Config{}.WithDefaults(), collectors.Env{}) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return vcTarget(t, fmt.Sprintf("vcenter-%02d", n), addr, pw)
		},
		Silent: func(t *testing.T) collectors.Target {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var conns []net.Conn
			done := make(chan struct{})
			go func() {
				defer close(done)
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					conns = append(conns, c) // held open, never answered
				}
			}()
			t.Cleanup(func() {
				l.Close()
				<-done
				for _, c := range conns {
					c.Close()
				}
			})
			return vcTarget(t, "vcenter-silent", "https://"+l.Addr().String()+"/sdk", pw)
		},
	})
}
