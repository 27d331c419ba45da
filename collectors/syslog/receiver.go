// Package syslog is the syslog receiver: RFC 3164 and RFC 5424 lines over UDP,
// TCP (octet-counted and LF-framed, told apart per frame) and TLS, each line
// one collectors.Event for the event store, labelled as docs/logs.md says
// ("A syslog line as an event"): the sender mapped to its inventory device as
// the trap receiver does, facility, severities, app, and what a parser
// profile (Deps.Classifier: logparse) recognises.
//
// What a sender can cost is bounded: a token bucket per address (a UDP line
// over it is dropped; a TCP/TLS connection is paced, so its sender's queue
// holds the excess), a bound on connections, an idle timeout, a bound on the
// frame. Bad input is counted by reason and costs its own line, at most its
// connection: every connection has its own goroutine and parser, and the
// delivery to the sink is one goroutine behind a bounded queue.
//
// An event has the time the line was received: RFC 3164 stamps have no year
// and no zone, and devices' clocks drift; the stored text keeps the device's
// own stamp where it is part of the message.
package syslog

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/internal/srclimit"
)

// Receiver listens for syslog. New binds the sockets; Run serves them.
type Receiver struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	udp     *net.UDPConn
	tcp     net.Listener
	tls     net.Listener
	limit   *srclimit.Limiter
	queue   chan collectors.Event
	slots   chan struct{} // one per open TCP/TLS connection
	running atomic.Bool
}

// drainTimeout bounds the delivery of queued lines at shutdown.
const drainTimeout = 2 * time.Second

// Run receives until ctx is done, then delivers what is queued (for at most
// drainTimeout) and returns nil; it returns an error when a socket fails.
func (r *Receiver) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("syslog: Run called twice")
	}
	deliverCtx, cancelDeliver := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelDeliver()
	var delivery sync.WaitGroup
	delivery.Go(func() { r.deliver(deliverCtx) })

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(runCtx, func() { _ = r.Close() })
	defer stop()
	r.log.Info("syslog receiver listening", "udp", r.UDPAddr(), "tcp", r.TCPAddr(), "tls", r.TLSAddr())
	err := r.serve(runCtx, cancel)

	close(r.queue)
	drain := time.AfterFunc(drainTimeout, cancelDeliver)
	defer drain.Stop()
	delivery.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// serve runs the UDP readers and the accept loops until ctx ends or one of
// them fails (then fail cancels the others), and waits for every connection.
func (r *Receiver) serve(ctx context.Context, fail context.CancelFunc) error {
	var wg sync.WaitGroup
	var first atomic.Pointer[error]
	run := func(f func() error) {
		wg.Go(func() {
			if err := f(); err != nil && ctx.Err() == nil {
				first.CompareAndSwap(nil, &err)
				fail()
			}
		})
	}
	if r.udp != nil {
		for range min(runtime.GOMAXPROCS(0), 4) {
			run(r.serveUDP)
		}
	}
	for _, l := range []net.Listener{r.tcp, r.tls} {
		if l != nil {
			run(func() error { return r.accept(ctx, l, &wg) })
		}
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return *e
	}
	return nil
}

// take asks the source's bucket for a token (0) or the wait for one.
func (r *Receiver) take(src netip.Addr, now time.Time) time.Duration {
	wait, evicted := r.limit.Take(src, now)
	if evicted {
		sourcesEvicted.Inc()
	}
	return wait
}

// line parses a frame and builds its event; ok is false for a refused line
// (counted here).
func (r *Receiver) line(p *parser, b []byte, src netip.Addr, now time.Time) (ev collectors.Event, known, ok bool) {
	h, reason := p.parse(b)
	if reason != "" {
		rejected[reason].Inc()
		r.log.Debug("syslog line refused", "source", src, "reason", reason)
		return ev, false, false
	}
	if h.badHeader {
		rejected[rejBadHeader].Inc()
	}
	text, gb, invalid := h.message()
	if gb {
		recoded.Inc()
	}
	if invalid {
		rejected[rejInvalidUTF8].Inc()
	}
	ev, known = r.event(&h, text, src, now)
	return ev, known, true
}

// countReceived counts an accepted line for its device, or among the unknown.
func countReceived(ev collectors.Event, known bool) {
	if known {
		received.of(ev.Labels["instance"]).Inc()
		return
	}
	unknownLines.Inc()
}
