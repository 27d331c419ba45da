package demo

import (
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
)

// The demo's receivers (traps, syslog) listen on ports chosen before the
// server starts, because the simulator must be told where to send. A port
// picked by binding to :0 and closing again is an ephemeral port: another
// program binding to :0 during the seconds before the server starts may
// get it (seen in CI: the syslog receiver's bind failed). So the pick is a
// free port below Linux's ephemeral range (32768–60999), which a bind to :0
// never hands out.
const (
	portLow  = 20000
	portHigh = 32000
)

// freeAddr picks a free loopback port of network ("udp" or "tcp") below
// the ephemeral range.
func freeAddr(network string) (string, error) {
	for range 200 {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(portLow+rand.IntN(portHigh-portLow)))
		if free(network, addr) {
			return addr, nil
		}
	}
	return "", fmt.Errorf("pick a %s port for the demo's receivers: none free between %d and %d", network, portLow, portHigh)
}

func free(network, addr string) bool {
	if network == "udp" {
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			return false
		}
		return c.Close() == nil
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	return l.Close() == nil
}
