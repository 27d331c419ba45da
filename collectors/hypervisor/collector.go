package hypervisor

import (
	"context"
	"io"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// Own metrics, summed over all platforms.
var (
	mOpens         = metrics.NewCounter(`swanwatch_hypervisor_driver_opens_total`)
	mEvents        = metrics.NewCounter(`swanwatch_hypervisor_events_total`)
	mEventsDropped = metrics.NewCounter(`swanwatch_hypervisor_events_dropped_total`)
)

// Collector is the hypervisor kind's collectors.Collector.
type Collector struct {
	cfg       Config
	log       *slog.Logger
	events    collectors.EventSink
	platforms map[string]driver.Opener

	mu     sync.Mutex
	slots  map[string]*slot // by target key
	closed bool
	bg     sync.WaitGroup // drivers being closed after their target left
}

// slot is one target's driver; its mutex serialises the target's rounds.
type slot struct {
	mu          sync.Mutex
	drv         driver.Driver
	fingerprint [32]byte
}

// Option changes a Collector at construction.
type Option func(*Collector)

// WithPlatform adds or replaces a platform's driver (tests; the table above
// is the product's).
func WithPlatform(name string, open driver.Opener) Option {
	return func(c *Collector) { c.platforms[name] = open }
}

// New returns a Collector; env.Events receives the platforms' events (nil:
// they are dropped and counted).
func New(cfg Config, env collectors.Env, opts ...Option) *Collector {
	log := env.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Collector{cfg: cfg, log: log, events: env.Events, platforms: maps.Clone(Platforms), slots: map[string]*slot{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// NewKind builds the hypervisor kind from its section of the configuration,
// as the server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return collectors.Kind{}, err
	}
	return collectors.Kind{Collector: New(c, env), Schedule: c.Schedule}, nil
}

// ValidateTarget reports the problems of a hypervisor target's params that
// can be seen without the platform (check-config).
func ValidateTarget(t collectors.Target) error {
	_, err := parseTarget(t, Platforms)
	return err
}

// Collect reads one round of target t through its driver, opening one when
// there is none or the target changed.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	l, err := parseTarget(t, c.platforms)
	if err != nil {
		return err
	}
	s := c.slot(t.Key())
	if s == nil {
		return context.Canceled // closed
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drv != nil && s.fingerprint != l.fingerprint {
		c.closeDriver(t, s, "target changed")
	}
	if s.drv == nil {
		drv, err := c.platforms[l.platform](ctx, driver.Login{Target: t, Username: l.user, Password: l.password,
			Logger: c.log.With("target", t.Name)})
		if err != nil {
			return operatorError(ctx, err)
		}
		mOpens.Inc()
		s.drv, s.fingerprint = drv, l.fingerprint
	}
	events, err := s.drv.Collect(ctx, guardLabels(t, emit))
	c.deliver(ctx, t, events) // a failed round may still tell of the outage (libvirt's host_failed)
	if err != nil {
		if _, mends := s.drv.(driver.Resilient); !mends {
			// A fresh session next round: the driver's may be what is broken.
			c.closeDriver(t, s, "round failed")
		}
		return operatorError(ctx, err)
	}
	return nil
}

func (c *Collector) slot(key string) *slot {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	s := c.slots[key]
	if s == nil {
		s = &slot{}
		c.slots[key] = s
	}
	return s
}

func (c *Collector) closeDriver(t collectors.Target, s *slot, why string) {
	if s.drv == nil {
		return
	}
	if err := s.drv.Close(); err != nil {
		c.log.Debug("closing a hypervisor driver", "target", t.Name, "why", why, "err", err)
	}
	s.drv = nil
}

// guardLabels drops a series label that the target already carries (a
// vCenter target with a `system` label would otherwise lose every
// hypervisor_vm_info to the runner's clash check): the target's label wins.
func guardLabels(t collectors.Target, emit collectors.Emit) collectors.Emit {
	if len(t.Labels) == 0 {
		return emit
	}
	return func(metric string, v float64, labels ...string) {
		for i := 0; i+1 < len(labels); i += 2 {
			if _, clash := t.Labels[labels[i]]; clash {
				kept := make([]string, 0, len(labels))
				for j := 0; j+1 < len(labels); j += 2 {
					if _, c := t.Labels[labels[j]]; !c {
						kept = append(kept, labels[j], labels[j+1])
					}
				}
				emit(metric, v, kept...)
				return
			}
		}
		emit(metric, v, labels...)
	}
}

// deliver labels the driver's events with the target and hands them to the
// event store. The driver has moved on, so undelivered events are counted
// and logged, not retried.
func (c *Collector) deliver(ctx context.Context, t collectors.Target, events []collectors.Event) {
	if len(events) == 0 {
		return
	}
	if len(events) > c.cfg.MaxEventsPerRound {
		mEventsDropped.Add(len(events) - c.cfg.MaxEventsPerRound)
		c.log.Warn("hypervisor events beyond the per-round bound dropped", "target", t.Name,
			"events", len(events), "bound", c.cfg.MaxEventsPerRound)
		events = events[:c.cfg.MaxEventsPerRound]
	}
	out := make([]collectors.Event, len(events))
	for i, e := range events {
		out[i] = Label(t, e)
	}
	if c.events == nil {
		mEventsDropped.Add(len(out))
		return
	}
	if err := c.events.AppendEvents(ctx, out); err != nil {
		mEventsDropped.Add(len(out))
		c.log.Warn("hypervisor events not delivered", "target", t.Name, "events", len(out), "err", err)
		return
	}
	mEvents.Add(len(out))
}

// Label returns a driver's event as the event store keeps it: the target's
// inventory labels, the driver's labels, and source, instance and kind.
// It is exported so that event rules are tested against these very events.
func Label(t collectors.Target, e collectors.Event) collectors.Event {
	labels := make(map[string]string, len(t.Labels)+len(e.Labels)+3)
	maps.Copy(labels, t.Labels)
	maps.Copy(labels, e.Labels)
	labels["source"] = "hypervisor"
	labels["instance"] = t.Name
	labels["kind"] = Kind
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	return collectors.Event{Time: e.Time, Labels: labels, Text: e.Text}
}

// SetTargets closes the drivers of targets that left the inventory. Targets
// of other kinds are ignored.
func (c *Collector) SetTargets(targets []collectors.Target) {
	keep := make(map[string]bool, len(targets))
	for _, t := range targets {
		if t.Kind == Kind {
			keep[t.Key()] = true
		}
	}
	c.mu.Lock()
	var gone []*slot
	for k, s := range c.slots {
		if !keep[k] {
			gone = append(gone, s)
			delete(c.slots, k)
		}
	}
	c.mu.Unlock()
	for _, s := range gone {
		c.bg.Go(func() { c.closeSlot(s) }) // a round in progress holds the slot; do not wait for it here
	}
}

func (c *Collector) closeSlot(s *slot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drv != nil {
		_ = s.drv.Close()
		s.drv = nil
	}
}

// Close closes every driver (logging out of each platform).
func (c *Collector) Close() error {
	c.mu.Lock()
	c.closed = true
	slots := c.slots
	c.slots = map[string]*slot{}
	c.mu.Unlock()
	for _, s := range slots {
		c.closeSlot(s)
	}
	c.bg.Wait()
	return nil
}

var _ io.Closer = (*Collector)(nil)
