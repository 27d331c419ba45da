// Package snmptrap owns the SNMP trap receiver: a native v1/v2c/v3 UDP
// listener that admits traps by community or USM user, limits each source
// address with a token bucket, decodes with gosnmp, names the trap through
// profiles (embedded defaults plus configuration) and hands each trap to event
// rules (OnTrap) and to the event store (collectors.EventSink) as an event with
// Chinese text. InformRequests are answered (inform.go; for v3 as the
// authoritative engine) and stored once however often they are resent. It
// also owns the trap device index (Devices: source address → inventory
// device, interface → WAN link).
//
// It runs its own UDP loop over gosnmp's UnmarshalTrap instead of gosnmp's
// TrapListener: the listener allocates a buffer per packet, decodes before any
// check, logs through its own logger and cannot say why it dropped a packet.
// Our loop refuses floods and wrong credentials before the costly decode and
// counts every drop by reason.
package snmptrap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/collectors/internal/srclimit"
)

// Receiver listens for traps. New binds the socket; Run serves it.
type Receiver struct {
	opts     Options
	conn     *net.UDPConn
	dec      *decoder
	limit    *srclimit.Limiter
	profiles map[string]compiled
	queue    chan Trap
	informs  *informMemory
	log      *slog.Logger
	running  atomic.Bool
	now      func() time.Time
}

// New validates opts, binds the UDP socket and returns a Receiver ready to
// Run. Close releases the socket if Run is never called.
func New(opts Options) (*Receiver, error) {
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("snmptrap options: %w", err)
	}
	profiles, err := compileProfiles(o.Profiles)
	if err != nil {
		return nil, fmt.Errorf("snmptrap profiles: %w", err)
	}
	dec, err := newDecoder(o, time.Now())
	if err != nil {
		return nil, err
	}
	ap := netip.MustParseAddrPort(o.Listen) // validated
	conn, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return nil, fmt.Errorf("listen udp %s: %w", o.Listen, err)
	}
	if err := conn.SetReadBuffer(readBuffer); err != nil {
		o.Logger.Warn("snmp trap receive buffer not enlarged", "bytes", readBuffer, "err", err)
	}
	return &Receiver{opts: o, conn: conn, dec: dec, profiles: profiles,
		limit: srclimit.New(o.RatePerSource, o.Burst, o.MaxSources),
		queue: make(chan Trap, o.QueueSize), informs: newInformMemory(informMemorySize, informMemoryTTL),
		log: o.Logger, now: time.Now}, nil
}

// Addr is the bound address, e.g. 127.0.0.1:40123.
func (r *Receiver) Addr() string { return r.conn.LocalAddr().String() }

// Close releases the socket; Run returns once it is closed.
func (r *Receiver) Close() error { return r.conn.Close() }

// Run receives until ctx is done, then delivers what is queued (for at most
// drainTimeout) and returns nil; it returns an error only when the socket
// fails. The receive loop never waits for the sink: the delivery goroutine,
// owned and awaited here, does.
func (r *Receiver) Run(ctx context.Context) error {
	if !r.running.CompareAndSwap(false, true) {
		return errors.New("snmptrap: Run called twice")
	}
	deliverCtx, cancelDeliver := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelDeliver()
	var wg sync.WaitGroup
	wg.Go(func() { r.deliver(deliverCtx) })
	stop := context.AfterFunc(ctx, func() { r.conn.Close() })
	defer stop()
	r.log.Info("snmp trap receiver listening", "addr", r.Addr())
	err := r.receive()
	close(r.queue)
	drain := time.AfterFunc(drainTimeout, cancelDeliver)
	defer drain.Stop()
	wg.Wait()
	if ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// drainTimeout bounds the delivery of queued traps at shutdown.
const drainTimeout = 2 * time.Second

// readBuffer is the socket receive buffer asked for: a burst of several
// thousand traps (kernel truesize ~1 KiB each) waits there while the loop
// decodes, instead of being lost before it is counted. Linux caps it at
// net.core.rmem_max.
const readBuffer = 4 << 20

// An inform's retransmissions are recognised for informMemoryTTL (a device
// gives up long before: net-snmp after 6 s, vendors after a minute or two),
// among the last informMemorySize informs.
const (
	informMemorySize = 4096
	informMemoryTTL  = 5 * time.Minute
)

// maxPacket is the largest UDP payload; one buffer is reused for every read.
const maxPacket = 65535

// receive reads and admits packets until the socket is closed.
func (r *Receiver) receive() error {
	buf := make([]byte, maxPacket)
	for {
		n, from, err := r.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return err
			}
			return fmt.Errorf("read udp %s: %w", r.Addr(), err)
		}
		packetsTotal.Inc()
		r.handle(buf[:n], from)
	}
}

// handle rate-limits, decodes, answers and queues one packet. Nothing here
// waits: an answer is one non-blocking UDP write.
func (r *Receiver) handle(pkt []byte, from netip.AddrPort) {
	now, src := r.now(), from.Addr().Unmap()
	ok, evicted := r.limit.Allow(src, now)
	if evicted {
		sourcesEvicted.Inc()
	}
	if !ok {
		dropped[reasonRateLimited].Inc()
		return
	}
	t, reply, err := r.dec.decode(pkt, now)
	r.answer(reply, from, t.Inform)
	if err != nil {
		reason := reasonOf(err)
		dropped[reason].Inc()
		r.log.Debug("snmp trap dropped", "source", src, "reason", reason, "err", err)
		return
	}
	if t.Inform && r.informs.repeat(informKey{src, t.requestID}, now) {
		informRepeats.Inc() // answered again above, stored once
		return
	}
	t.Time, t.Source = now, src
	accepted[t.Version].Inc()
	select {
	case r.queue <- t:
	default:
		dropped[reasonQueueFull].Inc()
	}
}

// answer sends a Response or Report back to where the packet came from.
func (r *Receiver) answer(reply []byte, to netip.AddrPort, inform bool) {
	if reply == nil {
		return
	}
	if _, err := r.conn.WriteToUDPAddrPort(reply, to); err != nil {
		if inform {
			informAckErrors.Inc()
		}
		r.log.Debug("snmp answer not sent", "to", to, "err", err)
		return
	}
	if inform {
		informAcks.Inc()
	} else {
		reportsSent.Inc()
	}
}
