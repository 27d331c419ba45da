// Package bmc owns the servers' hardware collector (kind "bmc", R-A9
// "硬件故障早发现"): per physical server and round it reads the BMC's
// Redfish service —
//
//   - Systems: power state, health and rollup, processors, memory with the
//     DIMMs' lifetime ECC counts (MemoryMetrics), storage and drives
//     (FailurePredicted, PredictedMediaLifeLeftPercent);
//   - Chassis: the new ThermalSubsystem (fans, ThermalMetrics and the
//     sensors behind it) and PowerSubsystem (power supplies and their
//     metrics), or the legacy Thermal and Power many BMCs still serve only,
//     or EnvironmentMetrics when neither is there;
//   - the event logs (LogServices of systems and managers): only entries not
//     seen before become events (source="bmc"); the first round after a
//     start only remembers where each log ends.
//
// A component's health change is an event too, with the Conditions the BMC
// gives for it in the text. The series are the contract of docs/cloud.md.
//
// The Redfish client is this package's own, on net/http and encoding/json:
// github.com/stmcginnis/gofish is not served by this machine's module
// proxy, and the collector needs only GETs, a session login and paging. It
// logs in through the SessionService (X-Auth-Token kept between rounds,
// again on a 401) and falls back to Basic auth; $expand is used only where
// the service root advertises it, and a member an expansion left out is
// read on its own. Requests per BMC are bounded by parallelism, replies by
// max_body_bytes and every request by request_timeout and the round's
// deadline, so one hung BMC costs only its own round.
package bmc

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind of BMC targets.
const Kind = "bmc"

// Collector polls BMCs. It is safe for concurrent rounds on different
// targets; rounds on one target are serialised (its session and log
// positions).
type Collector struct {
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	events collectors.EventSink
	tr     transports

	mu        sync.Mutex
	states    map[string]*targetState
	lastPrune time.Time
}

// Option changes a Collector at construction.
type Option func(*Collector)

// WithClock replaces time.Now, for tests and the demo's fast clock.
func WithClock(now func() time.Time) Option { return func(c *Collector) { c.now = now } }

// WithEvents sends event-log entries and health changes to sink; without it
// they are dropped (and counted).
func WithEvents(sink collectors.EventSink) Option { return func(c *Collector) { c.events = sink } }

// New returns a Collector for an already defaulted and validated cfg.
func New(cfg Config, logger *slog.Logger, opts ...Option) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Collector{cfg: cfg, log: logger, now: time.Now, states: map[string]*targetState{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close logs out of every BMC session (a BMC has few session slots) and
// drops idle connections.
func (c *Collector) Close() error {
	c.mu.Lock()
	states := c.states
	c.states = map[string]*targetState{}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, st := range states {
		wg.Go(func() {
			st.mu.Lock()
			defer st.mu.Unlock()
			if st.cl != nil {
				st.cl.logout(ctx)
			}
		})
	}
	wg.Wait()
	c.tr.closeIdle()
	return nil
}

// targetState is what one BMC's rounds keep between them.
type targetState struct {
	mu         sync.Mutex
	seen       time.Time
	cl         *client
	key        [32]byte
	root       *serviceRoot
	expand     string               // $expand query to use, "" when unsupported or seen not to work
	logs       map[string]*logState // by Entries URI
	health     map[string]string    // component/id → last Health, for change events
	primed     bool                 // health seen once since start
	partial    string               // what the last round could not read, as logged
	authFailed time.Time
	authErr    error
}

// state returns the target's state, pruning BMCs gone for a while.
func (c *Collector) state(key string, now time.Time) *targetState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gone := 10*c.cfg.Interval + time.Hour; now.Sub(c.lastPrune) > gone {
		for k, st := range c.states {
			if st.mu.TryLock() {
				if now.Sub(st.seen) > gone {
					delete(c.states, k)
				}
				st.mu.Unlock()
			}
		}
		c.lastPrune = now
	}
	st := c.states[key]
	if st == nil {
		st = &targetState{logs: map[string]*logState{}, health: map[string]string{}}
		c.states[key] = st
	}
	return st
}

// Collect polls one BMC once.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	tp, err := parseTarget(t)
	if err != nil {
		return err
	}
	now := c.now()
	st := c.state(t.Key(), now)
	st.mu.Lock()
	defer st.mu.Unlock()
	st.seen = now
	ctx, cancel := withReserve(ctx)
	defer cancel()
	if err := c.prepare(ctx, st, tp, now); err != nil {
		return err
	}
	r := newRound(c, st, t, now, emit)
	err = r.run(ctx)
	switch {
	case errors.Is(err, ErrAuth):
		st.authFailed, st.authErr = now, err
	case err == nil:
		st.authErr = nil
	}
	return err
}

// prepare gives st a client for tp, logging out of a session opened with
// other credentials, and holds back a BMC that refused the same ones
// recently.
func (c *Collector) prepare(ctx context.Context, st *targetState, tp targetParams, now time.Time) error {
	key := tp.key()
	if st.cl != nil && st.key == key {
		if st.authErr != nil && now.Sub(st.authFailed) < c.cfg.AuthBackoff {
			mAuthHeldBack.Inc()
			return st.authErr
		}
		return nil
	}
	if st.cl != nil {
		st.cl.logout(ctx)
	}
	rt, err := c.tr.get(tp.skipVerify, tp.caFile)
	if err != nil {
		return err
	}
	st.cl, st.key, st.root, st.expand, st.authErr = newClient(tp, rt, c.cfg), key, nil, "", nil
	return nil
}

// withReserve ends the round's work a little before its deadline, so that
// a round whose last requests ran out of time still returns what it read.
func withReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Second, time.Until(dl)/10)
	return context.WithDeadline(ctx, dl.Add(-reserve))
}
