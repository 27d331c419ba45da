package nvr

import (
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestContract runs the collector contract suite: the working recorders are
// fakes of both dialects with the real snmpd as their SNMP agent; the silent
// one accepts connections and never answers.
func TestContract(t *testing.T) {
	peer := testpeer.SNMPD(t)
	community := secretFile(t, testpeer.SNMPDCommunity)
	hik, dahua := startNVR(t, nvrfake.Hikvision), startNVR(t, nvrfake.Dahua)
	recordAll(hik.NVR, time.Now().Add(-30*24*time.Hour))
	recordAll(dahua.NVR, time.Now().Add(-30*24*time.Hour))
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t, nil) },
		Target: func(t *testing.T) collectors.Target {
			n++
			srv := []*nvrfake.Server{hik, dahua}[n%2]
			return nvrTarget(t, fmt.Sprintf("nvr-%02d", n), srv, ParamSNMP, peer.Addr, ParamCommunityFile, community)
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
			tgt := nvrTarget(t, "nvr-silent", hik)
			tgt.Address = "http://" + l.Addr().String()
			return tgt
		},
	})
}
