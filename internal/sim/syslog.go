package sim

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// The city's logs (issue 13, R-A7/R-A12): the border firewalls, a few core
// switches and a handful of Linux servers send syslog to SwanWatch's
// receiver at a modest rate, each from its own inventory address, so that
// the receiver maps every line to its device as it maps traps. The lines
// are the vendors' published formats, the ones collectors/syslog/logparse
// classifies: session permits, NAT translations and the odd deny from the
// firewalls, logins and configuration changes from the switches, sshd and
// sudo from the servers. Faults for the demo's stories: DenyBurst (a scan
// from one address), BruteForce (sshd password guessing) and
// SilenceFirewall (a firewall's log flow stops).
//
// Transports, as the boxes do it: the Huawei USG, the H3C SecPath and the
// switches RFC 3164 over UDP; the Hillstone RFC 3164 over TCP with octet
// counting; the servers RFC 5424 (rsyslog's forwarding format) over TCP
// with octet counting, the park's server over UDP.
//
// Files: syslog.go (this: options, layout, run, faults), syslog_send.go
// (framing and sockets), syslog_lines.go (the vendors' lines),
// syslog_devices.go (who sends what), firewall.go (the firewalls' SNMP).

// LogOptions add the city's logs to the simulator.
type LogOptions struct {
	// UDP and TCP are the syslog receiver's addresses (host:port on an
	// IPv4 loopback address); a device whose transport has no address stays
	// quiet. SetSyslogTarget changes them while running.
	UDP, TCP string
	// Rate is each firewall's background lines per second (sessions, NAT,
	// the odd deny); default 2, at most 1000. Switches and servers send a
	// few lines an hour each, whatever the rate.
	Rate float64
	// SecretsDir is where the firewalls' SNMP community file is written,
	// for the inventory's community_file. Required.
	SecretsDir string
}

const (
	defaultLogRate = 2.0
	maxLogRate     = 1000
	// logTick is how often the senders look at what is due.
	logTick = 100 * time.Millisecond
	// maxPending bounds the lines faults may have queued per device.
	maxPending = 200000
	// bruteForceLines failures over bruteForceOver: ten in five minutes
	// (BruteForceLogin) is reached after a minute.
	bruteForceLines = 40
	bruteForceOver  = 4 * time.Minute
)

func (o LogOptions) withDefaults() LogOptions {
	if o.Rate == 0 {
		o.Rate = defaultLogRate
	}
	return o
}

func (o LogOptions) validate() error {
	var errs []error
	if o.Rate < 0 || o.Rate > maxLogRate {
		errs = append(errs, fmt.Errorf("log rate %g is outside 0..%d lines/s", o.Rate, maxLogRate))
	}
	if o.SecretsDir == "" {
		errs = append(errs, errors.New("logs: SecretsDir is required (the firewalls' SNMP community is written there)"))
	}
	if _, err := resolveLogTarget(o.UDP, o.TCP); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// cityLogs is every log sender and the firewalls' SNMP agents.
type cityLogs struct {
	opts     LogOptions
	devs     []*logDevice
	byName   map[string]*logDevice
	now      func() time.Time
	target   atomic.Pointer[logTarget]
	commFile string

	wg sync.WaitGroup // the agents and the sshd stand-ins
}

// newCityLogs lays out the senders: the firewalls, the WAN's Huawei and
// H3C core switches when the WAN runs on its own addresses, the servers.
func newCityLogs(o LogOptions, so Options, wan *wanServer, park bool) (*cityLogs, error) {
	o = o.withDefaults()
	if err := o.validate(); err != nil {
		return nil, fmt.Errorf("sim logs: %w", err)
	}
	if err := os.MkdirAll(o.SecretsDir, 0o700); err != nil {
		return nil, err
	}
	c := &cityLogs{opts: o, byName: map[string]*logDevice{}, now: so.Now,
		commFile: filepath.Join(o.SecretsDir, "snmp-community")}
	if c.now == nil {
		c.now = time.Now
	}
	if err := os.WriteFile(c.commFile, []byte(community+"\n"), 0o600); err != nil {
		return nil, err
	}
	t, _ := resolveLogTarget(o.UDP, o.TCP)
	c.target.Store(t)
	c.devs = layoutLogDevices(o.Rate, wan, park)
	for i, d := range c.devs {
		d.rng = rand.New(rand.NewPCG(uint64(so.Seed), uint64(i)+0x6c6f67))
		c.byName[d.name] = d
	}
	return c, nil
}

// listen binds each sender's sockets on its own address, the firewalls'
// SNMP agents and the servers' sshd stand-ins.
func (c *cityLogs) listen() error {
	start := c.now()
	for _, d := range c.devs {
		if err := d.listen(start); err != nil {
			c.close()
			return err
		}
	}
	return nil
}

// serve starts the agents and the senders' loop; the returned stop ends
// them and waits.
func (c *cityLogs) serve(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	now := func() float64 { return float64(c.now().UnixNano()) / 1e9 }
	for _, d := range c.devs {
		if d.fw != nil && d.fw.ep.socket() != nil {
			c.wg.Go(func() { serveMIB(&d.fw.ep, d.fw.mib, now) })
		}
		if d.sshd != nil {
			c.wg.Go(func() { serveBanner(d.sshd) })
		}
	}
	done := make(chan struct{})
	go func() { defer close(done); c.run(ctx) }()
	return func() {
		cancel()
		<-done    // the loop owns the senders' connections until it returns
		c.close() // ends the agents and the stand-ins
		c.wg.Wait()
	}
}

// run sends what is due every logTick until ctx ends.
func (c *cityLogs) run(ctx context.Context) {
	tk := time.NewTicker(logTick)
	defer tk.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			now := c.now()
			t := c.target.Load()
			for _, d := range c.devs {
				d.step(now, t)
			}
		}
	}
}

// close releases every socket; safe to call twice.
func (c *cityLogs) close() {
	for _, d := range c.devs {
		d.close()
	}
}

// export adds the firewalls (kind device, their vendor's firewall profile,
// role=firewall) and the servers (kind device, TCP reachability of their
// sshd) to the inventory; the switches are the WAN's own targets.
func (c *cityLogs) export(out *Export) {
	for _, d := range c.devs {
		switch {
		case d.fw != nil:
			out.Targets = append(out.Targets, ExportTarget{Name: d.name, Kind: "device", Address: d.fw.ep.addr(),
				District: d.district, Level: d.level, Site: d.site, System: d.system, Dept: d.dept, Parent: d.parent,
				Labels: map[string]string{"role": "firewall", "vendor": d.fw.spec.vendor, "model": d.fw.spec.model},
				Params: map[string]string{"profile": d.fw.spec.profile, "version": "2c", "community_file": c.commFile}})
		case d.kind == kindServer:
			out.Targets = append(out.Targets, ExportTarget{Name: d.name, Kind: "device", Address: d.sshdAddr(),
				District: d.district, Level: d.level, Site: d.site, System: d.system, Dept: d.dept, Parent: d.parent,
				Labels: map[string]string{"role": d.role, "os": "linux"},
				Params: map[string]string{"profile": "tcp-reachability"}})
		}
	}
}

// SetSyslogTarget points every sender at the receiver's UDP and TCP
// addresses (loopback only; "" keeps that transport's senders quiet).
func (s *Sim) SetSyslogTarget(udp, tcp string) error {
	if s.logs == nil {
		return errNoLogs
	}
	t, err := resolveLogTarget(udp, tcp)
	if err != nil {
		return err
	}
	s.logs.target.Store(t)
	return nil
}

var errNoLogs = errors.New("the simulator sends no logs (Options.Logs)")

// LogSenders names the senders by kind (firewall, switch, server), in
// layout order, for the demo's stories.
func (s *Sim) LogSenders() map[string][]string {
	out := map[string][]string{}
	if s.logs == nil {
		return out
	}
	for _, d := range s.logs.devs {
		out[d.kind] = append(out[d.kind], d.name)
	}
	return out
}

// DenyBurst makes firewall deny n connections from src (an outside
// address scanning the city's published addresses port by port), spread
// evenly over over: 100 or more within a minute is FirewallDenyBurst (300
// over 90 s shows it for a while; 6,000 within a minute is also
// FirewallDenyRateHigh). Lines already queued for the firewall stay.
func (s *Sim) DenyBurst(firewall, src string, n int, over time.Duration) error {
	d, err := s.logDevice(firewall, kindFirewall)
	if err != nil {
		return err
	}
	ip := net.ParseIP(src)
	switch {
	case ip == nil:
		return fmt.Errorf("deny burst: source %q is no IP address", src)
	case n < 1 || n > maxPending:
		return fmt.Errorf("deny burst: %d lines is outside 1..%d", n, maxPending)
	case over < 0:
		return errors.New("deny burst: a negative duration")
	}
	start := s.logs.now()
	lines := make([]logLine, n)
	for i := range lines {
		at := start.Add(time.Duration(float64(over) * float64(i) / float64(n)))
		lines[i] = d.scanDeny(at, ip.String(), i)
	}
	return d.schedule(lines)
}

// BruteForce makes server's sshd log password guesses from src: 40 failed
// logins over four minutes (root, then common account names), ten of them
// within five minutes being BruteForceLogin.
func (s *Sim) BruteForce(server, src string) error {
	d, err := s.logDevice(server, kindServer)
	if err != nil {
		return err
	}
	ip := net.ParseIP(src)
	if ip == nil {
		return fmt.Errorf("brute force: source %q is no IP address", src)
	}
	start := s.logs.now()
	lines := make([]logLine, bruteForceLines)
	for i := range lines {
		at := start.Add(bruteForceOver * time.Duration(i) / bruteForceLines)
		lines[i] = d.sshGuess(at, ip.String(), i)
	}
	return d.schedule(lines)
}

// SilenceFirewall stops the named firewall's log lines (its logging was
// turned off or its path to the receiver broke); its SNMP agent still
// answers, so FirewallLogSilent is what shows. ResumeFirewall undoes it.
func (s *Sim) SilenceFirewall(name string) error { return s.silenceFirewall(name, true) }

// ResumeFirewall lets a silenced firewall's lines flow again.
func (s *Sim) ResumeFirewall(name string) error { return s.silenceFirewall(name, false) }

func (s *Sim) silenceFirewall(name string, on bool) error {
	d, err := s.logDevice(name, kindFirewall)
	if err != nil {
		return err
	}
	d.silent.Store(on)
	return nil
}

func (s *Sim) logDevice(name, kind string) (*logDevice, error) {
	if s.logs == nil {
		return nil, errNoLogs
	}
	d := s.logs.byName[name]
	if d == nil || d.kind != kind {
		return nil, fmt.Errorf("no simulated %s %q sends logs", kind, name)
	}
	return d, nil
}
