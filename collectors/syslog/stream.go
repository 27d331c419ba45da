package syslog

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// accept serves connections until the listener is closed; a connection over
// MaxConnections is closed at once and counted.
func (r *Receiver) accept(ctx context.Context, l net.Listener, wg *sync.WaitGroup) error {
	for {
		c, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, errTooManyFiles) {
				r.log.Warn("syslog accept failed, retrying", "err", err)
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return fmt.Errorf("syslog: accept on %s: %w", l.Addr(), err)
		}
		select {
		case r.slots <- struct{}{}:
		default:
			rejected[rejMaxConns].Inc()
			_ = c.Close()
			continue
		}
		openConns.Inc()
		connections.Inc()
		wg.Go(func() { r.serveConn(ctx, c) })
	}
}

// serveConn reads frames from one TCP or TLS connection until it ends, is
// idle for IdleTimeout, loses its framing, or ctx ends.
func (r *Receiver) serveConn(ctx context.Context, c net.Conn) {
	defer func() { _ = c.Close(); <-r.slots; connections.Dec() }()
	stop := context.AfterFunc(ctx, func() { _ = c.Close() })
	defer stop()
	if tc, ok := c.(*tls.Conn); ok && !r.handshake(ctx, tc) {
		return
	}
	src := addrOf(c.RemoteAddr())
	fr, p := newFramer(c, r.cfg.MaxMessageSize), newParser()
	var deadlineSet time.Time
	for {
		if now := time.Now(); now.Sub(deadlineSet) > time.Second { // a deadline per frame would cost a timer reset each
			_ = c.SetReadDeadline(now.Add(r.cfg.IdleTimeout))
			deadlineSet = now
		}
		frame, oversized, err := fr.next()
		if err != nil {
			r.connEnded(src, err)
			return
		}
		if oversized {
			rejected[rejOversized].Inc()
			continue
		}
		if !r.pace(ctx, src) {
			return
		}
		ev, known, ok := r.line(p, frame, src, time.Now())
		if !ok {
			continue
		}
		select {
		case r.queue <- ev: // waits when full: TCP pushes back to the sender
			countReceived(ev, known)
		case <-ctx.Done():
			dropped[dropQueueFull].Inc()
			return
		}
	}
}

// handshake completes a TLS handshake within handshakeTimeout.
func (r *Receiver) handshake(ctx context.Context, tc *tls.Conn) bool {
	hctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		rejected[rejTLSHandshake].Inc()
		r.log.Debug("syslog tls handshake failed", "source", tc.RemoteAddr(), "err", err)
		return false
	}
	return true
}

// pace waits until the source has a token; false when ctx ended first.
func (r *Receiver) pace(ctx context.Context, src netip.Addr) bool {
	for paced := false; ; paced = true {
		wait := r.take(src, time.Now())
		if wait == 0 {
			if paced {
				pacedLines.Inc()
			}
			return true
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
}

// connEnded counts and logs why a connection ended.
func (r *Receiver) connEnded(src netip.Addr, err error) {
	if errors.Is(err, errFraming) {
		rejected[rejBadOctetCount].Inc()
		r.log.Info("syslog connection closed: broken octet count", "source", src)
		return
	}
	r.log.Debug("syslog connection ended", "source", src, "err", err)
}

func addrOf(a net.Addr) netip.Addr {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.AddrPort().Addr().Unmap()
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap.Addr().Unmap()
}
