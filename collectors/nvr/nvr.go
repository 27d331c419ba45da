// Package nvr owns the recording-completeness collector (kind "nvr", R-C3
// "存储检查确保录像完整"). Per network video recorder and round it reads:
//
//   - disk health, capacity and free space over HTTP — Hikvision ISAPI
//     ContentMgmt/Storage or Dahua storageDevice.cgi, by the target's profile
//     — and, when the target names one, from the recorder's SNMP agent
//     (HOST-RESOURCES-MIB hrStorageTable and hrDeviceStatus);
//   - for each channel, a recording search (not the schedule): is there
//     footage ending within recent_window, how old is the newest, and how many
//     days back the oldest reaches (probed hourly, cached in between);
//   - days until the array is full, from the free-space trend, absent for
//     recorders that overwrite (fill.go says how that is seen).
//
// HTTP goes through Digest auth (github.com/icholy/digest); secrets come from
// files and never reach a log, an error or a series. Every request is bounded
// by request_timeout and the round's deadline, so one slow recorder costs
// only its own round. The series are the contract of docs/swanlake.md.
package nvr

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind of recorder targets.
const Kind = "nvr"

// Collector polls recorders. It is safe for concurrent rounds on different
// targets; rounds on one target are serialised (its caches).
type Collector struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	plain    *http.Transport // shared keep-alive pools, by TLS mode
	insecure *http.Transport
	bg       sync.WaitGroup // finder objects destroyed after a round

	mu        sync.Mutex
	states    map[string]*targetState
	lastPrune time.Time
}

// Option changes a Collector at construction.
type Option func(*Collector)

// WithClock replaces time.Now, for tests and the demo's fast clock; the
// recorder's own clock must agree with it.
func WithClock(now func() time.Time) Option { return func(c *Collector) { c.now = now } }

// New returns a Collector for an already defaulted and validated cfg.
func New(cfg Config, logger *slog.Logger, opts ...Option) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Collector{cfg: cfg, log: logger, now: time.Now, plain: newTransport(false), insecure: newTransport(true),
		states: map[string]*targetState{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Close waits for finder clean-up after rounds and drops idle connections.
func (c *Collector) Close() error {
	c.bg.Wait()
	c.plain.CloseIdleConnections()
	c.insecure.CloseIdleConnections()
	return nil
}

// targetState is what one recorder's rounds keep between them.
type targetState struct {
	mu          sync.Mutex
	seen        time.Time
	cl          *client
	storagePath string // the ISAPI storage resource that answered
	channels    map[string]*channelState
	trend       trend
	authFailed  time.Time // when the recorder last refused cl's credentials
	authErr     error
}

// channelState is what is known of one channel's footage.
type channelState struct {
	newest      time.Time // end of the newest footage seen
	newestKnown bool
	newestAt    time.Time // last deep probe for the newest (0: never)
	oldest      time.Time // start of the oldest footage
	oldestAt    time.Time // last retention probe (0: never)
	oldestState retention
}

type retention uint8

const (
	retentionUnknown retention = iota
	retentionFound             // oldest is the oldest footage
	retentionCapped            // footage reaches past the probe's horizon
	retentionNone              // no footage in the horizon
)

// state returns the target's state, pruning recorders gone for a while.
func (c *Collector) state(key string, now time.Time) *targetState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gone := 3*c.cfg.RetentionInterval + time.Hour; now.Sub(c.lastPrune) > gone {
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
		st = &targetState{channels: map[string]*channelState{}}
		c.states[key] = st
	}
	return st
}

// Collect polls one recorder once.
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
	r := &round{c: c, st: st, tp: tp, now: now, emit: emit, errs: map[string]error{}}
	return r.run(ctx)
}

// withReserve ends the round's work a little before its deadline, so that a
// round whose last searches ran out of time still returns what it found (a
// Collect that returns after the deadline is not trusted).
func withReserve(ctx context.Context) (context.Context, context.CancelFunc) {
	dl, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	reserve := min(time.Second, time.Until(dl)/10)
	return context.WithDeadline(ctx, dl.Add(-reserve))
}
