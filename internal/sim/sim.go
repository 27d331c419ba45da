// Package sim owns the simulated estate that `swanwatch demo` and cmd/swansim run:
// devices that speak their real protocols on loopback with believable, moving
// figures and faults on a schedule, so that a machine with no devices shows a
// live city. Each device kind lives in its own files (vm_*.go: the cloud VMs'
// monitoring agents speaking node_exporter's exposition; wan_*.go and snmp_*.go:
// the e-government WAN's SNMP agents; park_*.go: the Swan Lake scenic area's
// cameras and park devices); a new kind is new files plus its routes and
// inventory rows.
//
// All 3,000 agents share one HTTP listener (GET /vm/{name}/metrics) instead of
// 3,000 sockets: it costs one file descriptor and one accept loop, and the
// collector cannot tell the difference except that "connection refused" is
// imitated (see Mode). Everything shown is a pure function of (Seed, VM, time),
// apart from what a test or the demo forced through /control.
package sim

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"
)

// Options configure a Sim. Zero values take the documented defaults.
type Options struct {
	VMs    int    // simulated cloud VMs with agents; default 3000
	Seed   int64  // same seed, same estate and same figures at the same instant
	Listen string // default 127.0.0.1:0
	Logger *slog.Logger
	Now    func() time.Time // default time.Now; tests drive the clock
	// FaultEvery, when > 0, takes one host or county machine room down at the
	// start of every period for min(period/2, 5 min), on top of the natural
	// schedule, so the demo shows an alert fire and clear on a timetable.
	FaultEvery time.Duration
	// OfflineShare is the mean share of agents offline from their own short
	// outages (reboots, stopped agents and group outages come on top); default
	// 0.01. Negative disables them.
	OfflineShare float64
	// HangMax bounds how long a ModeHang request is held (default 2 min), so
	// that a client without a deadline does not pin a goroutine forever.
	HangMax time.Duration
	// WANScale, when > 0, adds the e-government WAN: SNMP agents of ~2,500
	// network devices and ~1,800 WAN links at 1 (the reference estate), villages
	// scaling with it (0.1 is a demo's ~400 devices); at most 4. FaultEvery also
	// takes a WAN link down, bursts errors or reboots a device in turn.
	WANScale float64
	// SNMPHost, when set, is the one address all agents bind; by default each
	// device binds its own loopback address (127.32.0.1 onwards, Linux), so that
	// traps and per-source limits can tell devices apart. SNMPBasePort, when > 0,
	// puts device i on port SNMPBasePort+i; else each takes a free port.
	SNMPHost     string
	SNMPBasePort int
	// TrapTarget (host:port, empty = off) receives the SNMPv2c linkDown/linkUp
	// traps that a link forced through /control or ForceLink makes its ends
	// send, from their own agent addresses, with TrapCommunity (default public).
	TrapTarget    string
	TrapCommunity string
	// Park, when set, adds the Swan Lake scenic area (park_*.go): RTSP cameras,
	// recorders, gates, barriers, screens, parking, WiFi and broadcast.
	Park *ParkOptions
	// Cloud, when set, adds the city cloud's vCenter (cloud*.go) holding the
	// estate's hosts and VMs.
	Cloud *CloudOptions
	// Logs, when set, adds the city's syslog senders (syslog*.go): border
	// firewalls (with their SNMP agents), core switches and Linux servers.
	Logs *LogOptions
}

// maxVMs keeps a typo from allocating a city a hundred times too large.
const maxVMs = 200000

func (o Options) withDefaults() Options {
	if o.VMs == 0 {
		o.VMs = 3000
	}
	if o.Listen == "" {
		o.Listen = "127.0.0.1:0"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.OfflineShare == 0 {
		o.OfflineShare = 0.01
	}
	if o.HangMax == 0 {
		o.HangMax = 2 * time.Minute
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if o.VMs < 1 || o.VMs > maxVMs {
		errs = append(errs, fmt.Errorf("vms %d is outside 1..%d", o.VMs, maxVMs))
	}
	if o.OfflineShare > 0.5 {
		errs = append(errs, fmt.Errorf("offline share %g is above 0.5", o.OfflineShare))
	}
	if o.FaultEvery < 0 || o.HangMax < 0 {
		errs = append(errs, errors.New("fault_every and hang_max must not be negative"))
	}
	return errors.Join(errs...)
}

// Sim is a running simulated estate.
type Sim struct {
	opts  Options
	log   *slog.Logger
	est   *estate
	srv   *http.Server
	ready chan struct{}
	stop  chan struct{} // closed when Run ends: wakes held requests

	mu       sync.Mutex
	ln       net.Listener
	base     string // http://host:port
	invCache []byte
	stopOnce sync.Once

	wan   *wanServer // nil without Options.WANScale
	park  *park      // nil without Options.Park
	cloud *cloudSim  // nil without Options.Cloud
	logs  *cityLogs  // nil without Options.Logs
}

// New builds the estate; nothing listens until Start or Run.
func New(opts Options) (*Sim, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("sim options: %w", err)
	}
	s := &Sim{opts: opts, log: opts.Logger, ready: make(chan struct{}), stop: make(chan struct{})}
	s.est = buildEstate(opts.VMs, opts.Seed)
	for _, v := range s.est.vms {
		v.body = newBodyTemplate(v)
	}
	s.est.offlineBase = offlineBase(s.est, opts.OfflineShare)
	var err error
	if opts.WANScale != 0 {
		if s.wan, err = newWANServer(opts); err != nil {
			return nil, err
		}
	}
	h := s.routes()
	if opts.Park != nil {
		if s.park, err = newPark(opts); err != nil {
			return nil, err
		}
		h = s.park.wrap(h)
	}
	if opts.Cloud != nil {
		if s.cloud, err = newCloud(*opts.Cloud, s.est); err != nil {
			return nil, fmt.Errorf("sim cloud: %w", err)
		}
	}
	if opts.Logs != nil {
		if s.logs, err = newCityLogs(*opts.Logs, opts, s.wan, s.park != nil); err != nil {
			return nil, err
		}
	}
	s.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	return s, nil
}

// offlineBase is the per-slot outage chance that gives a mean offline share of
// share across the estate's district and flakiness factors.
func offlineBase(e *estate, share float64) float64 {
	if share <= 0 {
		return 0
	}
	sum := 0.0
	for _, v := range e.vms {
		sum += v.offlineFactor
	}
	return share / (ownMin + ownSpan/2) * slotOwn / (sum / float64(len(e.vms)))
}

// Start binds the listener; Addr is valid afterwards. Run calls it if needed.
func (s *Sim) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return nil
	}
	if s.wan != nil {
		if err := s.wan.listen(); err != nil {
			return err
		}
	}
	if s.park != nil {
		if err := s.park.listen(); err != nil {
			if s.wan != nil {
				s.wan.unlisten()
			}
			return err
		}
	}
	if s.cloud != nil {
		if err := s.cloud.listen(s.now); err != nil {
			return fmt.Errorf("sim cloud: %w", err)
		}
	}
	if s.logs != nil {
		if err := s.logs.listen(); err != nil {
			return fmt.Errorf("sim logs: %w", err)
		}
	}
	ln, err := net.Listen("tcp", s.opts.Listen)
	if err != nil {
		if s.wan != nil {
			s.wan.unlisten()
		}
		if s.park != nil {
			s.park.unlisten()
		}
		return fmt.Errorf("listen %s: %w", s.opts.Listen, err)
	}
	s.ln, s.base = ln, "http://"+ln.Addr().String()
	close(s.ready)
	s.log.Info("simulated estate listening", "addr", ln.Addr().String(), "vms", len(s.est.vms))
	return nil
}

// Ready is closed once the listener is up.
func (s *Sim) Ready() <-chan struct{} { return s.ready }

// Addr returns host:port of the listener, "" before Start.
func (s *Sim) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Run serves until ctx is done, then releases held requests and shuts down.
func (s *Sim) Run(ctx context.Context) error {
	if err := s.Start(); err != nil {
		return err
	}
	if s.wan != nil {
		defer s.wan.serve()() // closes the sockets and waits for their goroutines
	}
	if s.park != nil {
		defer s.park.serve()() // likewise
	}
	if s.cloud != nil {
		cctx, stop := context.WithCancel(ctx)
		done := make(chan struct{})
		s.cloud.serve(s.now)
		go func() { defer close(done); s.cloud.run(cctx, s.est, s.log.Info) }()
		defer func() { stop(); <-done }()
	}
	if s.logs != nil {
		defer s.logs.serve(ctx)() // stops the senders and waits
	}
	errc := make(chan error, 1)
	go func() { errc <- s.srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.stopOnce.Do(func() { close(s.stop) })
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.stopOnce.Do(func() { close(s.stop) })
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(sctx)
	if err != nil {
		err = errors.Join(err, s.srv.Close())
	}
	<-errc
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

func (s *Sim) now() float64 { return float64(s.opts.Now().UnixNano()) / 1e9 }
