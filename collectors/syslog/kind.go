package syslog

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"syscall"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/internal/srclimit"
)

// Kind names the listener in configuration and logs.
const Kind = "syslog"

// Deps are what the application hands the receiver. Only Sink is required.
type Deps struct {
	// Resolve maps a sender address to the inventory device's name and labels
	// (snmptrap.Devices.Resolve, the index the trap receiver uses). Nil or
	// !ok: the event is labelled by address and known="false".
	Resolve func(addr netip.Addr) (device string, labels map[string]string, ok bool)
	// Sink receives the events; it must return quickly (collectors.EventSink).
	Sink collectors.EventSink
	// Classifier, when set, recognises vendors' lines (logparse).
	Classifier Classifier
	Logger     *slog.Logger
}

// New defaults and validates cfg, binds every configured listener and returns
// a Receiver ready to Run. Close releases the sockets if Run is never called.
func New(cfg Config, deps Deps) (*Receiver, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if deps.Sink == nil {
		return nil, errors.New("syslog: a sink is required")
	}
	if deps.Logger == nil {
		deps.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Receiver{cfg: cfg, deps: deps, log: deps.Logger,
		limit: srclimit.New(cfg.RatePerSource, cfg.Burst, cfg.MaxSources),
		queue: make(chan collectors.Event, cfg.QueueSize), slots: make(chan struct{}, cfg.MaxConnections)}
	if err := r.bind(); err != nil {
		_ = r.Close()
		return nil, err
	}
	return r, nil
}

// bind opens the configured sockets.
func (r *Receiver) bind() error {
	if r.cfg.UDP != "" {
		pc, err := net.ListenPacket("udp", r.cfg.UDP)
		if err != nil {
			return fmt.Errorf("syslog: listen udp %s: %w", r.cfg.UDP, err)
		}
		r.udp = pc.(*net.UDPConn)
		if err := r.udp.SetReadBuffer(readBuffer); err != nil {
			r.log.Warn("syslog receive buffer not enlarged", "bytes", readBuffer, "err", err)
		}
	}
	var err error
	if r.cfg.TCP != "" {
		if r.tcp, err = net.Listen("tcp", r.cfg.TCP); err != nil {
			return fmt.Errorf("syslog: listen tcp %s: %w", r.cfg.TCP, err)
		}
	}
	if r.cfg.TLS != "" {
		cfg, err := r.cfg.tlsConfig()
		if err != nil {
			return err
		}
		l, err := net.Listen("tcp", r.cfg.TLS)
		if err != nil {
			return fmt.Errorf("syslog: listen tls %s: %w", r.cfg.TLS, err)
		}
		r.tls = tls.NewListener(l, cfg)
	}
	return nil
}

// readBuffer is the UDP socket buffer asked for: a burst waits there while
// the loop parses instead of being lost uncounted. Linux caps it at
// net.core.rmem_max.
const readBuffer = 8 << 20

// handshakeTimeout bounds a TLS handshake, so a silent peer holds its
// connection slot only that long.
const handshakeTimeout = 10 * time.Second

// UDPAddr, TCPAddr and TLSAddr are the bound addresses ("" when off).
func (r *Receiver) UDPAddr() string {
	if r.udp == nil {
		return ""
	}
	return r.udp.LocalAddr().String()
}

func (r *Receiver) TCPAddr() string { return listenerAddr(r.tcp) }

func (r *Receiver) TLSAddr() string { return listenerAddr(r.tls) }

func listenerAddr(l net.Listener) string {
	if l == nil {
		return ""
	}
	return l.Addr().String()
}

// Close releases the sockets; Run returns once they are closed.
func (r *Receiver) Close() error {
	var errs []error
	if r.udp != nil {
		errs = append(errs, ignoreClosed(r.udp.Close()))
	}
	for _, l := range []net.Listener{r.tcp, r.tls} {
		if l != nil {
			errs = append(errs, ignoreClosed(l.Close()))
		}
	}
	return errors.Join(errs...)
}

func ignoreClosed(err error) error {
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// errTooManyFiles is what accept returns when the process is out of file
// descriptors: it passes, so the loop waits instead of ending.
var errTooManyFiles = syscall.EMFILE
