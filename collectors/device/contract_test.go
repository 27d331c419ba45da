package device

import (
	"fmt"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestContract runs the collector contract suite against pymodbus, a real
// Modbus server: every working target is another gate board on it. The
// silent peer accepts TCP connections and never answers.
func TestContract(t *testing.T) {
	peer := testpeer.Modbus(t, gateState(0, 0, 10, 20))
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t) },
		Target: func(t *testing.T) collectors.Target {
			n++
			name := fmt.Sprintf("gate-%02d", n)
			return target(name, "modbus-gate-board", peer.Addr, "gate", name)
		},
		Silent: func(t *testing.T) collectors.Target {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			var mu sync.Mutex
			var conns []net.Conn
			done := make(chan struct{})
			t.Cleanup(func() {
				l.Close()
				<-done
				mu.Lock()
				defer mu.Unlock()
				for _, c := range conns {
					c.Close()
				}
			})
			go func() {
				defer close(done)
				for {
					c, err := l.Accept()
					if err != nil {
						return
					}
					mu.Lock()
					conns = append(conns, c)
					mu.Unlock()
				}
			}()
			return target("gate-silent", "modbus-gate-board", l.Addr().String(), "gate", "silent")
		},
	})
}
