// Package tunhost owns the impaired remote host of the network-probe tests: a
// TUN device with one IPv4 and one IPv6 address routed into it, answering ICMP
// and ICMPv6 echo after a seeded random delay and dropping requests with a given
// probability, each family with its own figures. It records every delay it
// applied and every drop, so a test compares what a probe measured with what the
// emulator did. It is the Go equivalent of ../shared/peers/tunhost.py; this
// kernel has no netem, so impairment happens in user space.
//
// The package also creates network namespaces with a veth link (Netns), for
// probes of real TCP listeners and of hosts whose link goes down.
//
// Everything here needs root (CAP_NET_ADMIN); without it the test fails with a
// clear message, never skips.
package tunhost

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"
)

// Options are the impairments of one host. Delays are normal (mean, stddev),
// clamped at zero; losses are probabilities in [0, 1].
type Options struct {
	V4Delay, V4Jitter time.Duration
	V4Loss            float64
	V6Delay, V6Jitter time.Duration
	V6Loss            float64
	Seed              uint64
	// BlackHole drops every request (recorded as drops): a dead host whose
	// address is still routed. Host.SetBlackHole switches it at run time.
	BlackHole bool
}

// Event is what the host did with one echo request.
type Event struct {
	Echo
	At      time.Time     // when the request was read from the device
	Delay   time.Duration // applied before the reply was written; 0 when dropped
	Dropped bool
}

// Host is a running emulated host.
type Host struct {
	dev   string
	addrs addrs
	f     *os.File

	mu        sync.Mutex
	blackHole bool
	fam       map[string]*impairment
	record    []Event
	pending   sync.WaitGroup // replies waiting for their delay
	done      chan struct{}
}

// impairment draws one family's delays and drops from its own seeded source, so
// that concurrent v4 and v6 traffic do not change each other's draws.
type impairment struct {
	mean, stddev time.Duration
	loss         float64
	rnd          *rand.Rand
}

var devSeq struct {
	sync.Mutex
	n int
}

// Start creates the host and removes it when the test ends. It fails the test
// when not root or when the device cannot be set up.
func Start(t testing.TB, o Options) *Host {
	t.Helper()
	requireRoot(t, "a TUN device (/dev/net/tun) and ip addr/link")
	h, err := start(o)
	if err != nil {
		t.Fatalf("start tun host: %v", err)
	}
	t.Cleanup(h.close)
	return h
}

func start(o Options) (*Host, error) {
	a, err := pickAddrs()
	if err != nil {
		return nil, err
	}
	devSeq.Lock()
	devSeq.n++
	dev := fmt.Sprintf("swtun%d_%d", os.Getpid()%100000, devSeq.n)
	devSeq.Unlock()
	f, err := openTUN(dev)
	if err != nil {
		releaseAddrs(a)
		return nil, err
	}
	h := &Host{dev: dev, addrs: a, f: f, blackHole: o.BlackHole, done: make(chan struct{}), fam: map[string]*impairment{
		IPv4: {mean: o.V4Delay, stddev: o.V4Jitter, loss: o.V4Loss, rnd: rand.New(rand.NewPCG(o.Seed, 4))},
		IPv6: {mean: o.V6Delay, stddev: o.V6Jitter, loss: o.V6Loss, rnd: rand.New(rand.NewPCG(o.Seed, 6))},
	}}
	if err := configure(dev, a); err != nil {
		f.Close()
		releaseAddrs(a)
		return nil, fmt.Errorf("configure %s: %w", dev, err)
	}
	go h.serve()
	return h, nil
}

// Addr4 is the host's IPv4 address (routed into the TUN device).
func (h *Host) Addr4() netip.Addr { return h.addrs.remote4 }

// Addr6 is the host's IPv6 address.
func (h *Host) Addr6() netip.Addr { return h.addrs.remote6 }

// Local4 and Local6 are this machine's ends of the link (the probes' sources).
func (h *Host) Local4() netip.Addr { return h.addrs.local4 }

// Local6 is this machine's IPv6 end of the link.
func (h *Host) Local6() netip.Addr { return h.addrs.local6 }

// Device is the TUN device's name.
func (h *Host) Device() string { return h.dev }

// SetBlackHole makes the host drop every request from now on (or stop doing so).
func (h *Host) SetBlackHole(on bool) {
	h.mu.Lock()
	h.blackHole = on
	h.mu.Unlock()
}

// Record returns a copy of every event so far, in the order requests were read.
func (h *Host) Record() []Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Event(nil), h.record...)
}

// serve answers requests until the device is closed.
func (h *Host) serve() {
	defer close(h.done)
	buf := make([]byte, 65535)
	for {
		n, err := h.f.Read(buf)
		if err != nil {
			return
		}
		pkt := append([]byte(nil), buf[:n]...)
		e, err := makeReply(pkt)
		if err != nil {
			continue // not an echo request for us: MLD, router solicitations, ...
		}
		if d, ok := h.decide(e); ok {
			h.pending.Add(1)
			time.AfterFunc(d, func() { defer h.pending.Done(); _, _ = h.f.Write(pkt) })
		}
	}
}

// decide draws the fate of one request and records it.
func (h *Host) decide(e Echo) (time.Duration, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	imp := h.fam[e.Family]
	ev := Event{Echo: e, At: time.Now()}
	// Both draws happen on every request so a family's sequence of delays
	// depends only on its seed and request count, not on black-hole phases.
	lost := imp.rnd.Float64() < imp.loss
	d := max(0, time.Duration(imp.rnd.NormFloat64()*float64(imp.stddev))+imp.mean)
	if lost || h.blackHole {
		ev.Dropped = true
	} else {
		ev.Delay = d
	}
	h.record = append(h.record, ev)
	return ev.Delay, !ev.Dropped
}

// close removes the device (closing the fd deletes it with its addresses and
// routes) and waits for the serving goroutine and every delayed reply.
func (h *Host) close() {
	h.f.Close()
	<-h.done
	h.pending.Wait()
	releaseAddrs(h.addrs)
}

func requireRoot(t testing.TB, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatalf("tunhost needs root for %s: run the tests as root (CI does), euid is %d", what, os.Geteuid())
	}
}
