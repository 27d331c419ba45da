package sim

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"sync"
	"time"
)

// Listening: one UDP socket per device on SNMPHost (default 127.0.0.1), on port
// SNMPBasePort+i when a base is given, else on a free port each. A socket per
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
	host string
	base int
	now  func() float64
	log  *slog.Logger

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
		now: func() float64 { return float64(now().UnixNano()) / 1e9 }}
	if w.host == "" {
		w.host = "127.0.0.1"
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
		addr := net.JoinHostPort(w.host, strconv.Itoa(port))
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
	w.log.Info("simulated network devices listening", "devices", len(conns), "host", w.host,
		"first_port", conns[0].LocalAddr().(*net.UDPAddr).Port)
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
	return net.JoinHostPort(w.host, strconv.Itoa(w.base+i))
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
		out, err := w.net.handle(d, m, buf[:n], w.now())
		if err != nil {
			continue // dropped and counted in handle, as an agent drops silently
		}
		_, _ = c.WriteToUDPAddrPort(out, from) // a manager gone away is its own problem
	}
}
