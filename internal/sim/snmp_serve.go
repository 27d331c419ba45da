package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Listening: one UDP socket per device, on its own loopback address (device i
// on 127.32.0.0+i+1, see deviceIP) unless SNMPHost puts them all on one host, on
// port SNMPBasePort+i when a base is given, else on a free port each. An address
// per device is what a trap receiver or a per-source rate limit needs to tell
// devices apart, as in the field; Linux answers on all of 127/8. A socket per
// device is what a poller sees in the field (one address per agent, its own
// timeouts, its own loss) and costs one descriptor and one goroutine parked in
// the netpoller: 2,500 devices are 2,500 descriptors and ~10 MB of stacks and
// buffers. Each socket's goroutine answers its requests in order, as a device's
// single SNMP task does, so no pool is needed and one slow walk delays only its
// own device.

// maxWANScale bounds the WAN to four times the reference estate (~10,000 sockets).
const maxWANScale = 4

// wanServer runs the WAN's agents.
type wanServer struct {
	net  *wanNet
	mibs []*deviceMIB
	host string // "" puts each device on its own address
	base int
	now  func() float64
	log  *slog.Logger

	trapTo        *net.UDPAddr // nil: traps off
	trapCommunity string
	trapID        atomic.Uint32

	mu    sync.Mutex
	conns []*net.UDPConn
	wg    sync.WaitGroup
}

func newWANServer(o Options) (*wanServer, error) {
	if o.WANScale < 0 || o.WANScale > maxWANScale {
		return nil, fmt.Errorf("sim options: wan scale %g is outside 0..%d", o.WANScale, maxWANScale)
	}
	if o.SNMPBasePort < 0 || o.SNMPBasePort > 65535 {
		return nil, fmt.Errorf("sim options: snmp base port %d is outside 0..65535", o.SNMPBasePort)
	}
	n, err := buildWAN(o.Seed, o.WANScale)
	if err != nil {
		return nil, fmt.Errorf("build wan: %w", err)
	}
	if o.SNMPBasePort > 0 && o.SNMPBasePort+len(n.devs) > 65536 {
		return nil, fmt.Errorf("sim options: %d devices do not fit above snmp base port %d", len(n.devs), o.SNMPBasePort)
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	n.faults.init(n, o.FaultEvery.Seconds(), float64(now().UnixNano())/1e9)
	w := &wanServer{net: n, host: o.SNMPHost, base: o.SNMPBasePort, log: o.Logger,
		now: func() float64 { return float64(now().UnixNano()) / 1e9 }, trapCommunity: o.TrapCommunity}
	if w.trapTo, err = resolveTrapTarget(o.TrapTarget); err != nil {
		return nil, err
	}
	if w.trapCommunity == "" {
		w.trapCommunity = defaultTrapCommty
	}
	if len(w.trapCommunity) > maxCommunity {
		return nil, fmt.Errorf("sim options: trap community longer than %d bytes", maxCommunity)
	}
	if w.log == nil {
		w.log = slog.New(slog.DiscardHandler)
	}
	for _, d := range n.devs {
		w.mibs = append(w.mibs, n.buildMIB(d))
	}
	return w, nil
}

// listen binds every device's socket; on failure it closes what it bound.
func (w *wanServer) listen() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conns != nil {
		return nil
	}
	conns := make([]*net.UDPConn, 0, len(w.net.devs))
	for i := range w.net.devs {
		port := 0
		if w.base > 0 {
			port = w.base + i
		}
		addr := net.JoinHostPort(w.hostOf(i), strconv.Itoa(port))
		c, err := net.ListenPacket("udp", addr)
		if err != nil {
			for _, c := range conns {
				_ = c.Close()
			}
			return fmt.Errorf("listen snmp %s: %w", addr, err)
		}
		conns = append(conns, c.(*net.UDPConn))
	}
	w.conns = conns
	w.log.Info("simulated network devices listening", "devices", len(conns),
		"first", conns[0].LocalAddr().String())
	return nil
}

// unlisten closes the sockets of a listen that Run will not serve.
func (w *wanServer) unlisten() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.conns {
		_ = c.Close()
	}
	w.conns = nil
}

// addr is device i's agent address ("" before listen when ports are free ones).
func (w *wanServer) addr(i int) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.conns != nil {
		return w.conns[i].LocalAddr().String()
	}
	return net.JoinHostPort(w.hostOf(i), strconv.Itoa(w.base+i))
}

// maxCommunity keeps a community within what one length byte encodes.
const maxCommunity = 64

// hostOf is the address device i binds.
func (w *wanServer) hostOf(i int) string {
	if w.host != "" {
		return w.host
	}
	return deviceIP(i)
}

// deviceIP is device i's own loopback address, 127.32.0.1 onwards: below the
// links' probe addresses (127.64/10) and room for 2^21 devices, far above the
// ~10,000 of maxWANScale.
func deviceIP(i int) string {
	n := uint32(i + 1)
	return fmt.Sprintf("127.%d.%d.%d", 32+n>>16, n>>8&255, n&255)
}

// serve answers on every socket until stop is called; stop waits for the
// goroutines.
func (w *wanServer) serve() (stop func()) {
	w.mu.Lock()
	conns := w.conns
	w.mu.Unlock()
	for i, c := range conns {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.loop(i, c)
		}()
	}
	return func() {
		for _, c := range conns {
			_ = c.Close()
		}
		w.wg.Wait()
	}
}

// loop reads and answers datagrams for device i until its socket closes.
func (w *wanServer) loop(i int, c *net.UDPConn) {
	buf := make([]byte, maxRequest+1) // one byte more tells an oversized datagram
	d, m := w.net.devs[i], w.mibs[i]
	for {
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue // ICMP errors from an earlier reply surface here; the socket is fine
		}
		if w.net.force.cutOff(i) {
			snmpCutOff.Inc() // behind a link forced down: silence, as an unreachable device
			continue
		}
		out, err := w.net.handle(d, m, buf[:n], w.now())
		if err != nil {
			continue // dropped and counted in handle, as an agent drops silently
		}
		_, _ = c.WriteToUDPAddrPort(out, from) // a manager gone away is its own problem
	}
}
