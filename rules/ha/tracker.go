package ha

import (
	"cmp"
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Options tune a Tracker; the zero value is usable.
type Options struct {
	Log *slog.Logger     // nil: discard
	Now func() time.Time // nil: time.Now; tests inject a clock
	// Window is how far from the host's failure a vm_down (or an event that
	// came before the host_failed) still belongs to it; 0: 2 minutes.
	Window time.Duration
	// Deadline is how long after the failure a VM may take to come back
	// before it is 未恢复; 0: 10 minutes.
	Deadline time.Duration
	Tick     time.Duration // how often Run checks deadlines and flushes; 0: 10s
	// Refresh is how often at most a batch of events saves an open failure
	// and re-fires its alert (a collector that hands VMs over one event at a
	// time must not cost one database write each); the next Tick flushes
	// what waited. Opening and closing go out at once. 0: 5s.
	Refresh   time.Duration
	Retention time.Duration // closed failures are pruned after; 0: 400 days
	MaxOpen   int           // bound on open failures; 0: 1000
	MaxVMs    int           // bound on the VMs of one failure; 0: 5000
	MaxEarly  int           // bound on events kept before their host_failed; 0: 10000
}

func (o Options) withDefaults() Options {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Window = cmp.Or(max(o.Window, 0), 2*time.Minute)
	o.Deadline = cmp.Or(max(o.Deadline, 0), 10*time.Minute)
	o.Tick = cmp.Or(max(o.Tick, 0), 10*time.Second)
	o.Refresh = cmp.Or(max(o.Refresh, 0), 5*time.Second)
	o.Retention = cmp.Or(max(o.Retention, 0), 400*24*time.Hour)
	o.MaxOpen = cmp.Or(max(o.MaxOpen, 0), 1000)
	o.MaxVMs = cmp.Or(max(o.MaxVMs, 0), 5000)
	o.MaxEarly = cmp.Or(max(o.MaxEarly, 0), 10000)
	return o
}

// Tracker follows host failures and their VMs. Feed it the hypervisor
// collector's events (Handle or AppendEvents); it raises, refreshes and
// resolves one HostFailure alert per failure through onAlerts, which is
// called under the tracker's lock (so fire and resolve arrive in order) and
// must not call back into the Tracker.
type Tracker struct {
	db       *sql.DB // nil: records are kept in memory only
	onAlerts func(context.Context, []alerting.Alert)
	opts     Options

	mu         sync.Mutex
	open       map[hostKey]*tracked
	early      []early               // VM events that came before their host_failed
	lastClosed map[hostKey]time.Time // a late duplicate host_failed must not reopen
	lastPrune  time.Time
	capHit     bool
}

// hostKey names a host: the platform target and the host's name on it.
type hostKey struct{ instance, host string }

// tracked is an open failure with what the tracker needs besides the record.
type tracked struct {
	f       Failure
	idx     map[string]int // VM name → index in f.VMs
	dirty   bool           // changed since last saved
	sentAnn string         // the description last delivered, to re-fire only on change
	lastOut time.Time      // when it was last saved and delivered, for Options.Refresh
}

// early is a VM event waiting for its host's failure.
type early struct {
	e       event
	arrived time.Time
}

var _ collectors.EventSink = (*Tracker)(nil)

// New builds a tracker over the state database. With db nil it keeps only
// the open failures in memory (no history for Month, nothing restored): for
// tests and fuzzing. Call Restore before feeding it events, and Run for the
// deadlines.
func New(db *statestore.DB, onAlerts func(context.Context, []alerting.Alert), opts Options) *Tracker {
	t := &Tracker{onAlerts: onAlerts, opts: opts.withDefaults(), open: map[hostKey]*tracked{},
		lastClosed: map[hostKey]time.Time{}}
	if db != nil {
		t.db = db.SQL()
	}
	return t
}

// AppendEvents implements collectors.EventSink; it never fails.
func (t *Tracker) AppendEvents(ctx context.Context, events []collectors.Event) error {
	t.Handle(ctx, events)
	return nil
}

// Handle takes a batch of events (any source; only source="hypervisor" is
// read), saves the failures they changed and delivers the alerts in one call.
// It writes to the state database only when a failure changed, at most once
// per failure and Options.Refresh.
func (t *Tracker) Handle(ctx context.Context, events []collectors.Event) {
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, ev := range events {
		e, reason, ok := parse(ev, now)
		if !ok {
			if reason != "" {
				countIgnored(reason)
			}
			continue
		}
		metrics.GetOrCreateCounter(`swanwatch_ha_events_total{event="` + e.kind + `"}`).Inc()
		t.apply(e, now)
	}
	t.settle(ctx, now, false)
}

func countIgnored(reason string) {
	metrics.GetOrCreateCounter(`swanwatch_ha_events_ignored_total{reason="` + reason + `"}`).Inc()
}

// apply is one event's effect on the open failures.
func (t *Tracker) apply(e event, now time.Time) {
	switch e.kind {
	case evHostFailed, evHostIsolated:
		t.hostFailed(e, now)
	case evHostRecovered:
		t.hostRecovered(e)
	case evVMDown:
		t.vmDown(e, now)
	case evVMRestarted, evFailoverFailed:
		t.vmHA(e, now)
	case evVMMigrated:
		t.vmMigrated(e)
	case evVMStarted:
		t.vmStarted(e)
	}
}

// Active returns the firing HostFailure alerts, for the status page.
func (t *Tracker) Active() []alerting.Alert {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]alerting.Alert, 0, len(t.open))
	for _, tr := range t.open {
		out = append(out, alertOf(&tr.f))
	}
	return out
}

func (t *Tracker) gauge() {
	metrics.GetOrCreateGauge(`swanwatch_ha_open_failures`, nil).Set(float64(len(t.open)))
}
