package alerting

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// NotifyConfig is the part of the configuration the notifier follows; the
// app builds it from swanwatch.yaml and swaps it on reload with Update.
type NotifyConfig struct {
	Route        *Route              // compiled; nil: incidents are recorded, nobody is told
	Receivers    map[string][]string // receiver name → its outbox channel names ("duty/wecom")
	Topology     *TopologyInhibitor  // nil: no topology inhibition
	InhibitRules []InhibitRule
	Maintenance  []MaintenanceWindow       // compiled
	Policies     map[string]*oncall.Policy // validated; routes name them in Escalation
	Directory    *oncall.Directory         // resolves the policies' rosters and people
	Watches      oncall.Watches            // validated heightened-watch periods
}

// Queue is what the notifier needs of the durable outbox
// (*outbox.Outbox): a notification stored for a channel before it returns.
type Queue interface {
	Enqueue(ctx context.Context, channel string, n Notification) (added bool, err error)
}

// NotifierOptions wire a Notifier to the stores.
type NotifierOptions struct {
	Incidents *Incidents
	Outbox    Queue
	// Silences returns the silences active at now; nil: none.
	Silences    func(ctx context.Context, now time.Time) ([]Silence, error)
	AckLinks    *AckLinks // signs the 确认 link in messages; nil: no link
	ExternalURL string    // base of incident links, e.g. https://swanwatch.smx.gov.cn
	Logger      *slog.Logger
	Now         func() time.Time
	Interval    time.Duration // how often due work is looked for; default 1s
}

// Notifier turns incidents into notifications: it marks what topology,
// inhibit rules, silences and maintenance hold back, groups the rest along the
// routing tree, puts due notices and escalation pages in the outbox, and
// records on each incident what it did. State that must survive a restart
// (what was announced, how far an incident escalated) lives in the incident
// store, so a restart neither loses nor repeats a notice; the grouping clocks
// live in memory and restart with the process.
type Notifier struct {
	opts NotifierOptions
	log  *slog.Logger
	kick chan struct{}

	mu  sync.Mutex
	cfg NotifyConfig

	// Owned by the loop goroutine.
	groups map[GroupKey]*groupClock
	muted  map[int64]string // incident → why it was last noted as muted
	seeded bool
	wakeAt time.Time // earliest moment something becomes due; zero: none known
}

// groupClock is what the notifier remembers of a group between ticks.
type groupClock struct {
	seen   time.Time // when the group first had news, for group_wait
	sentAt time.Time // last notice, zero: none since start
	seenAt time.Time // last tick the group existed, to forget old ones
}

var (
	notifyTicks   = metrics.NewCounter("swanwatch_notifier_ticks_total")
	notifyErrors  = metrics.NewCounter("swanwatch_notifier_errors_total")
	notifyNotices = metrics.NewCounter("swanwatch_notifier_notices_total")
	notifyPages   = metrics.NewCounter("swanwatch_notifier_pages_total")
	notifyTickDur = metrics.NewHistogram("swanwatch_notifier_tick_duration_seconds")
)

// NewNotifier builds a notifier with its first configuration.
func NewNotifier(opts NotifierOptions, cfg NotifyConfig) *Notifier {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	return &Notifier{opts: opts, log: opts.Logger, cfg: cfg, kick: make(chan struct{}, 1),
		groups: map[GroupKey]*groupClock{}, muted: map[int64]string{}}
}

// Update swaps the configuration; it takes effect at the next tick.
func (n *Notifier) Update(cfg NotifyConfig) {
	n.mu.Lock()
	n.cfg = cfg
	n.mu.Unlock()
	n.Kick()
}

func (n *Notifier) config() NotifyConfig {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.cfg
}

// Kick asks for a tick now: an incident just opened or closed, and a fault
// seen by a trap must not wait for the next second.
func (n *Notifier) Kick() {
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// Run ticks until ctx ends: every Interval, on Kick, and at the moment a
// group_wait, group_interval or escalation delay runs out, so a notice is
// not held up to a whole Interval past its time.
func (n *Notifier) Run(ctx context.Context) error {
	t := time.NewTimer(n.opts.Interval)
	defer t.Stop()
	for {
		if err := n.Tick(ctx); err != nil && ctx.Err() == nil {
			notifyErrors.Inc()
			n.log.Error("notifier tick", "err", err)
		}
		t.Reset(n.sleep())
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-n.kick:
		}
	}
}

// sleep is how long to wait for the next tick.
func (n *Notifier) sleep() time.Duration {
	d := n.opts.Interval
	if !n.wakeAt.IsZero() {
		d = min(d, max(n.wakeAt.Sub(n.opts.Now())+time.Millisecond, time.Millisecond))
	}
	return d
}

// wake notes that something becomes due at t.
func (n *Notifier) wake(t time.Time) {
	if n.wakeAt.IsZero() || t.Before(n.wakeAt) {
		n.wakeAt = t
	}
}
