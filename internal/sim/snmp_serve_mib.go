package sim

import (
	"errors"
	"fmt"
	"net"

	"github.com/gosnmp/gosnmp"
)

// serveMIB answers SNMP datagrams on ep from mib until the socket closes: a
// standalone agent (the park's switches, the machine rooms' UPS and PDUs),
// with the WAN agents' checks (snmp_agent.go: version, community, size) but
// none of the WAN's boots or reachability. now gives the instant each
// answer is computed at.
func serveMIB(ep *udpEndpoint, mib *deviceMIB, now func() float64) {
	c := ep.socket()
	buf := make([]byte, maxRequest+1)
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		out, err := answerMIB(mib, buf[:n], now())
		if err != nil {
			continue // dropped and counted, as an agent drops silently
		}
		_, _ = c.WriteToUDPAddrPort(out, from)
	}
}

// answerMIB answers one request at t.
func answerMIB(mib *deviceMIB, req []byte, t float64) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			dropDecode.Inc()
			out, err = nil, fmt.Errorf("decode: panic: %v: %w", r, errDrop)
		}
	}()
	if len(req) > maxRequest {
		dropOversize.Inc()
		return nil, fmt.Errorf("request of %d bytes: %w", len(req), errDrop)
	}
	pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(req)
	if err != nil {
		dropDecode.Inc()
		return nil, fmt.Errorf("decode: %w: %w", err, errDrop)
	}
	if err := accept(pkt); err != nil {
		return nil, err
	}
	mib.mu.Lock()
	defer mib.mu.Unlock()
	mib.ctx = mibCtx{t: t}
	return mib.respond(pkt)
}
