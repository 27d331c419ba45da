package device

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmp"
)

// Kind is the collector kind of park devices.
const Kind = "device"

// stateTTL is how long the state of a target that no longer comes round is
// kept (its counters, remembered rows, HTTP auth): longer than a day, so
// that a device polled rarely keeps its counters.
const stateTTL = 25 * time.Hour

// Collector polls park devices by profile. It is safe for concurrent rounds
// on different targets; rounds on one target are serialised (its counters).
type Collector struct {
	cfg      Config
	log      *slog.Logger
	profiles map[string]*Profile
	snmpCfg  snmp.Config
	http     *httpClients
	plates   *PlateReceiver
	now      func() time.Time

	mu        sync.Mutex
	states    map[string]*targetState
	lastPrune time.Time
}

// Option changes a Collector at construction.
type Option func(*Collector)

// WithClock replaces time.Now (tests of daily counters and push silence).
func WithClock(now func() time.Time) Option { return func(c *Collector) { c.now = now } }

// New returns a Collector for an already defaulted and validated cfg; it
// loads the shipped profiles and cfg.Profiles and reads the push token.
func New(cfg Config, logger *slog.Logger, opts ...Option) (*Collector, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	profiles, err := LoadProfiles(cfg.Profiles)
	if err != nil {
		return nil, fmt.Errorf("load device profiles: %w", err)
	}
	c := &Collector{cfg: cfg, log: logger, profiles: profiles, states: map[string]*targetState{},
		http: newHTTPClients(cfg), now: time.Now}
	c.snmpCfg = snmp.Config{Schedule: cfg.Schedule, RequestTimeout: cfg.RequestTimeout}.WithDefaults()
	for _, o := range opts {
		o(c)
	}
	if c.plates, err = newPlateReceiver(cfg, logger, c.now); err != nil {
		return nil, err
	}
	return c, nil
}

// Plates returns the push receiver of the plate cameras: an http.Handler for
// the route table (POST, open route authenticated by the push token).
func (c *Collector) Plates() *PlateReceiver { return c.plates }

// Close releases idle HTTP connections to devices.
func (c *Collector) Close() error {
	c.http.close()
	return nil
}

// Collect reads one device once.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	p, err := c.profile(t)
	if err != nil {
		return err
	}
	t.Params = p.withDefaults(t.Params)
	now := c.now()
	st := c.state(t.Key(), now)
	st.mu.Lock()
	defer st.mu.Unlock()
	r := &round{c: c, t: t, p: p, st: st, emit: emit, now: now,
		env: tplEnv{params: t.Params, target: t.Name, now: now}}
	switch p.Driver {
	case driverHTTP:
		err = r.collectHTTP(ctx)
	case driverModbus:
		err = r.collectModbus(ctx)
	case driverSNMP:
		err = r.collectSNMP(ctx)
	case driverTCP:
		err = r.collectTCP(ctx)
	case driverSIP:
		err = r.collectSIP(ctx)
	case driverPush:
		err = r.collectPush()
	}
	if err != nil {
		mFailedRounds.Inc()
		return fmt.Errorf("%s (profile %s): %w", t.Name, p.Name, err)
	}
	return nil
}

// profile returns the target's profile.
func (c *Collector) profile(t collectors.Target) (*Profile, error) {
	name := t.Params["profile"]
	if name == "" {
		return nil, fmt.Errorf("%w: target %s has no profile param", ErrConfig, t.Name)
	}
	p, ok := c.profiles[name]
	if !ok {
		return nil, fmt.Errorf("%w: target %s: profile %q is not loaded", ErrConfig, t.Name, name)
	}
	return p, nil
}

// ValidateTarget reports the problems of a device target that can be known
// without the device (profile, address, params, secret files), for
// check-config.
func (c *Collector) ValidateTarget(t collectors.Target) error {
	p, err := c.profile(t)
	if err != nil {
		return err
	}
	t.Params = p.withDefaults(t.Params)
	errs := []error{p.checkParams(t.Params)}
	switch p.Driver {
	case driverHTTP:
		_, err := deviceURL(t.Address)
		errs = append(errs, err)
		_, err = readCredentials(t.Params, p.HTTP.Auth)
		errs = append(errs, err)
	case driverModbus:
		_, err := modbusParams(p.Modbus, t.Params)
		errs = append(errs, err)
		_, err = hostPort(t.Address, defaultModbusPort)
		errs = append(errs, err)
	case driverSNMP:
		errs = append(errs, snmp.ValidateTarget(t, c.snmpCfg))
	case driverTCP, driverSIP:
		_, err := hostPort(t.Address, p.defaultPort())
		errs = append(errs, err)
	case driverPush:
		_, err := pushParams(t, p.Push)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// targetState is what a target keeps between rounds.
type targetState struct {
	mu       sync.Mutex
	counters map[string]*counterState
	rows     map[string]*seenRow // snmp rows of keep_missing metrics
	auth     *authTransport      // http: digest state, keyed by the credentials
	seen     time.Time
}

// counter returns the state of one counter series.
func (s *targetState) counter(key string) *counterState {
	c := s.counters[key]
	if c == nil {
		c = &counterState{}
		s.counters[key] = c
	}
	return c
}

func (c *Collector) state(key string, now time.Time) *targetState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastPrune) > stateTTL/4 {
		for k, s := range c.states {
			if now.Sub(s.seen) > stateTTL {
				delete(c.states, k)
			}
		}
		c.lastPrune = now
	}
	s := c.states[key]
	if s == nil {
		s = &targetState{counters: map[string]*counterState{}, rows: map[string]*seenRow{}}
		c.states[key] = s
	}
	s.seen = now
	return s
}

// The route table mounts the receiver as a handler.
var _ http.Handler = (*PlateReceiver)(nil)
