package syslog

import (
	"errors"
	"fmt"
	"net"
	"time"
)

// maxDatagram is the largest UDP payload; each reader reuses one buffer.
const maxDatagram = 65535

// serveUDP reads datagrams, one line each, until the socket is closed.
func (r *Receiver) serveUDP() error {
	buf := make([]byte, maxDatagram)
	p := newParser()
	for {
		n, from, err := r.udp.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return fmt.Errorf("syslog: read udp %s: %w", r.UDPAddr(), err)
		}
		src, now := from.Addr().Unmap(), time.Now()
		if n > r.cfg.MaxMessageSize {
			rejected[rejOversized].Inc()
			continue
		}
		if wait := r.take(src, now); wait > 0 {
			dropped[dropRateLimit].Inc()
			continue
		}
		ev, known, ok := r.line(p, trimTrailer(buf[:n]), src, now)
		if !ok {
			continue
		}
		select {
		case r.queue <- ev:
			countReceived(ev, known)
		default:
			dropped[dropQueueFull].Inc()
		}
	}
}
