// Package snmp owns the SNMP poller of the e-government WAN (kind "snmp"): it
// polls one device per round with GETBULK walks of the IF-MIB columns it needs
// (64-bit counters, 32-bit with wrap handling), sysUpTime with restart
// detection, LLDP-MIB neighbours, and the entity figures (CPU, memory,
// temperature, optical power) that a YAML device profile names by numeric OID.
// It also turns an ifOperStatus change seen between two polls into a
// linkDown/linkUp event (linkevents.go), for links whose traps never came.
// SNMP v1, v2c and v3 (USM, SHA-2/AES) go through github.com/gosnmp/gosnmp,
// wrapped so that the round's deadline always wins.
//
// Trap reception is not here: collectors/snmp/trap* belongs to the listener.
package snmp

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind of SNMP targets.
const Kind = "snmp"

// System OIDs read at the start of every round (SNMPv2-MIB).
const (
	oidSysUpTime   = ".1.3.6.1.2.1.1.3.0"
	oidSysObjectID = ".1.3.6.1.2.1.1.2.0"
)

// Collector polls SNMP devices. It is safe for concurrent rounds on different
// targets; rounds on one target are serialised (its counter state).
type Collector struct {
	cfg      Config
	log      *slog.Logger
	profiles map[string]Profile
	matchers []matcher

	events collectors.EventSink // poll-detected link changes; nil: off

	mu        sync.Mutex
	states    map[string]*targetState
	lastPrune time.Time
}

// matcher maps a sysObjectID prefix to a profile.
type matcher struct{ prefix, profile string }

// New returns a Collector for an already defaulted and validated cfg; it loads
// the built-in profiles and cfg.Profiles.
func New(cfg Config, logger *slog.Logger, opts ...Option) (*Collector, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	profiles, err := LoadProfiles(cfg.Profiles)
	if err != nil {
		return nil, fmt.Errorf("load snmp profiles: %w", err)
	}
	c := &Collector{cfg: cfg, log: logger, profiles: profiles, states: map[string]*targetState{}}
	for _, o := range opts {
		o(c)
	}
	for _, p := range profiles {
		for _, m := range p.Match {
			c.matchers = append(c.matchers, matcher{m, p.Name})
		}
	}
	// Longest prefix first, ties by name, so that the choice never depends on
	// map order.
	slices.SortFunc(c.matchers, func(a, b matcher) int {
		if d := len(b.prefix) - len(a.prefix); d != 0 {
			return d
		}
		return strings.Compare(a.profile, b.profile)
	})
	return c, nil
}

// Collect polls one device once.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	_, err := c.collect(ctx, t, emit)
	return err
}

// roundStats are one round's figures, for the benchmark.
type roundStats struct{ pdus, oids int }

func (c *Collector) collect(ctx context.Context, t collectors.Target, emit collectors.Emit) (roundStats, error) {
	tp, err := parseTarget(t, c.cfg)
	if err != nil {
		return roundStats{}, fmt.Errorf("target %s params: %w", t.Name, err)
	}
	now := time.Now()
	st := c.state(t.Key(), now)
	st.mu.Lock()
	defer st.mu.Unlock()
	s, err := dial(ctx, tp, c.cfg, st.engine, now)
	if err != nil {
		return roundStats{}, err
	}
	defer s.close()
	r := &round{c: c, s: s, st: st, ctx: ctx, target: t, emit: emit, errs: map[string]error{}}
	err = r.run(tp, now)
	st.engine = engineCache{} // learnt afresh after a failed round or a restart
	if err == nil && !r.restarted {
		st.engine = s.learnt(tp, time.Now())
	}
	return roundStats{s.pdus, s.oids}, err
}

// round is one poll of one device.
type round struct {
	c      *Collector
	s      *session
	st     *targetState
	ctx    context.Context // the round's, for the event sink
	target collectors.Target
	emit   collectors.Emit
	stages []string
	errs   map[string]error // stage → first error of this round

	ifNames   map[string]string // ifIndex → ifName, for profiles and LLDP
	entNames  map[string]string // entPhysicalIndex → entPhysicalName, walked on demand
	entErr    error
	changes   []linkChange // poll-detected link changes of this round
	restarted bool         // sysUpTime went back: the device restarted
}

func (r *round) run(tp targetParams, now time.Time) error {
	sys, err := r.s.get([]string{oidSysUpTime, oidSysObjectID})
	if err != nil {
		return fmt.Errorf("poll %s: %w", tp.host, err)
	}
	ticks, ok := sys[0].Value.(uint32)
	if sys[0].Type != gosnmp.TimeTicks || !ok {
		mBadValues.Inc()
		return fmt.Errorf("poll %s: sysUpTime has type %s, not TimeTicks", tp.host, sys[0].Type)
	}
	prof, err := r.c.pickProfile(tp.profile, sys[1])
	if err != nil {
		return err
	}
	if r.st.observeUptime(ticks, now) {
		r.restarted = true
		mRestarts.Inc()
		r.c.log.Info("device restarted", "host", tp.host, "uptime_seconds", ticks/ticksPerSecond)
	}
	r.emit("snmp_sys_uptime_seconds", float64(ticks)/ticksPerSecond)
	r.emit("snmp_device_restarts_total", r.st.restarts)
	r.interfaces(now)
	// Delivered before the LLDP and entity walks, which may be slow: a link
	// change is news only while it is fresh.
	r.deliverLinkEvents(now)
	r.lldp()
	r.profile(prof)
	r.emitErrors()
	return nil
}

// interfaces runs the IF-MIB stage.
func (r *round) interfaces(now time.Time) {
	r.stage("if")
	rows, err := r.walkInterfaces()
	if err != nil {
		// Rows from a walk that broke off (loop, garbage, timeout) are not
		// trusted: none are emitted, and the error gauge says why.
		r.fail("if", err)
		rows = nil
	}
	elapsed := 0.0
	if !r.st.lastRound.IsZero() {
		elapsed = now.Sub(r.st.lastRound).Seconds()
	}
	r.st.lastRound = now
	r.emitInterfaces(rows, elapsed)
	if err == nil { // after a broken walk, a missing port is unknown, not gone
		r.trackOper(rows)
		r.rememberIfNames()
	}
}

// stage registers a stage so that snmp_errors{stage} is emitted (0 or 1)
// every round and the series set stays stable.
func (r *round) stage(name string) { r.stages = append(r.stages, name) }

// fail records the first error of a stage; the round goes on with the rest.
func (r *round) fail(stage string, err error) {
	if r.errs[stage] == nil {
		r.errs[stage] = err
	}
}

func (r *round) emitErrors() {
	for _, s := range r.stages {
		v := 0.0
		if err := r.errs[s]; err != nil {
			v = 1
			r.c.log.Debug("partial data", "stage", s, "err", err)
		}
		r.emit("snmp_errors", v, "stage", s)
	}
}

// pickProfile returns the named profile, else the one whose sysObjectID
// prefix is longest, else generic.
func (c *Collector) pickProfile(name string, sysObjectID gosnmp.SnmpPDU) (Profile, error) {
	if name != "" {
		p, ok := c.profiles[name]
		if !ok {
			return Profile{}, fmt.Errorf("profile %q is not loaded", name)
		}
		return p, nil
	}
	oid, _ := sysObjectID.Value.(string)
	oid = normOID(oid)
	for _, m := range c.matchers {
		if oid == m.prefix || strings.HasPrefix(oid, m.prefix+".") {
			return c.profiles[m.profile], nil
		}
	}
	return c.profiles[genericProfile], nil
}
