package sim

import (
	"fmt"
	"net"
	"sync"
)

// udpEndpoint is a park device's UDP socket (an SNMP agent, a SIP
// terminal): bound on demand to a free port of the park's host, closed with
// the park.
type udpEndpoint struct {
	mu   sync.Mutex
	conn *net.UDPConn
}

// listen binds the endpoint once; what names the device in the error.
func (e *udpEndpoint) listen(host, what string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		return nil
	}
	c, err := net.ListenPacket("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	e.conn = c.(*net.UDPConn)
	return nil
}

func (e *udpEndpoint) close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn != nil {
		_ = e.conn.Close()
	}
}

// addr is the bound address, "" before listen.
func (e *udpEndpoint) addr() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn == nil {
		return ""
	}
	return e.conn.LocalAddr().String()
}

// socket is the bound socket, nil before listen.
func (e *udpEndpoint) socket() *net.UDPConn {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.conn
}
