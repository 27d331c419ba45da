package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/oklog/run"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/internal/api"
	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/cloudapi"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/eventrules"
	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/ledger"
	"github.com/swanwatch/swanwatch/rules/recommend"
	"github.com/swanwatch/swanwatch/rules/report/issue"
	"github.com/swanwatch/swanwatch/rules/secops"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Options start one SwanWatch server.
type Options struct {
	ConfigFile string         // reloaded on SIGHUP and POST /-/reload; empty: Config is fixed
	Config     *config.Config // the loaded configuration
	Logger     *slog.Logger
	Reload     <-chan struct{} // SIGHUP
	// Ready, when set, is called once the HTTP server listens, with its base URL.
	Ready func(url string)
	// Extra actors (the demo's simulator) run and stop with the server.
	Extra []Actor
}

// Actor is one member of the run group.
type Actor struct {
	Run  func() error
	Stop func(error)
}

// system holds the opened parts of a running server.
type system struct {
	opts      Options
	cfg       atomic.Pointer[config.Config] // the running configuration: swapped whole on reload
	logger    *slog.Logger
	store     *storage.Storage
	state     *statestore.DB
	auth      *auth.Service
	audit     *audit.Log
	events    *logstore.Store
	runner    *collectors.Runner
	agent     *agent.Collector
	kinds     map[string]collectors.Kind
	rules     *rules.Engine
	traps     *snmptrap.Receiver
	incidents *alerting.Incidents
	evrules   *eventrules.Engine
	devices   snmptrap.Devices // the trap device index, fed by every inventory change
	reload    *reloader
	notify    notifying
	query     *api.Query
	wall      wall
	ledger    *sla.Ledger
	accounts  *sla.Accounting
	closer    *sla.Closer
	reports   *issue.Service
	jobs      *jobs.Service        // backups and other scheduled jobs (R-A9, R-C1)
	ha        *ha.Tracker          // the HA proof: one incident per host failure (R-A9)
	recs      *recommend.Store     // idle and low-use findings followed until done (R-A2)
	cloud     *cloudapi.API        // the "一朵云" data interface (R-A6)
	resLedger *ledger.Ledger       // the resource ledger joined with what runs (R-A3); nil: not configured
	secops    *secops.Service      // vulnerabilities and regulators' notices (R-A12)
	admins    *secops.AccountWatch // SwanWatch's own new administrators, from the audit trail
	syslog    *syslog.Receiver     // the network's and servers' logs (R-A7); nil: no syslog section
}

// config is the running configuration: an immutable snapshot, replaced in
// one step by a reload. Readers never hold it across a wait, so a reload
// applies to every part from their next read on.
func (s *system) config() *config.Config { return s.cfg.Load() }

// Run starts the server and blocks until ctx ends or a part fails. Stores are
// closed (WAL flushed) before it returns.
func Run(ctx context.Context, opts Options) error {
	s := &system{opts: opts, logger: opts.Logger}
	s.cfg.Store(opts.Config)
	defer s.close()
	if err := s.open(); err != nil {
		return err
	}
	var g run.Group
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	g.Add(func() error { <-ctx.Done(); return nil }, func(error) { cancel() })
	s.addActors(ctx, &g)
	err := g.Run()
	s.logger.Info("swanwatch stopped", "reason", err)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func (s *system) open() error {
	var err error
	cfg := s.config()
	if s.store, err = storage.Open(storageOptions(cfg, s.logger)); err != nil {
		return fmt.Errorf("open metrics storage in %s: %w", cfg.Storage.Path, err)
	}
	if s.state, err = statestore.Open(cfg.Storage.StateFile(), s.logger.With("part", "state")); err != nil {
		return fmt.Errorf("open state store: %w", err)
	}
	if err := s.openAudit(); err != nil {
		return err
	}
	if err := s.openAuth(); err != nil {
		return err
	}
	if s.events, err = logstore.Open(logstoreOptions(cfg, s.logger)); err != nil {
		return fmt.Errorf("open event store: %w", err)
	}
	return s.openPipeline()
}

func (s *system) openPipeline() error {
	s.incidents = alerting.NewIncidents(s.state, nil)
	if err := s.openNotifier(); err != nil {
		return fmt.Errorf("set up notifications: %w", err)
	}
	pack, err := eventPack()
	if err != nil {
		return err
	}
	s.evrules = eventrules.New(pack, s.onAlerts, eventrules.Options{Log: s.logger.With("part", "eventrules")})
	s.ha = ha.New(s.state, s.onAlerts, ha.Options{Log: s.logger.With("part", "ha")})
	if err := s.restoreEventAlerts(); err != nil {
		return fmt.Errorf("take back the open event alerts: %w", err)
	}
	replayCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := s.evrules.ReplayHistory(replayCtx, s.readHistory, time.Now()); err != nil {
		return fmt.Errorf("take back the events the flap and burst rules count: %w", err)
	}
	if s.kinds, err = kinds(s.config(), collectors.Env{Logger: s.logger, Events: s.eventSink(),
		Pictures: s.config().Storage.PicturesDir()}); err != nil {
		return err
	}
	s.agent, _ = s.kinds["agent"].Collector.(*agent.Collector) // its metric metadata for the query API
	s.runner = collectors.NewRunner(collectors.RunnerOptions{Sink: s.store, Logger: s.logger, Kinds: s.kinds,
		OnStateChange: s.onStateChange})
	cfg := s.config()
	s.rules, err = rules.New(rules.Options{Appendable: s.store.AppendableV2(), Queryable: s.store.Queryable(),
		Logger: s.logger, Interval: cfg.Rules.EvaluationInterval, Files: cfg.Rules.Files,
		ExternalURL: cfg.Server.ExternalURL, OnAlerts: s.onAlerts})
	if err != nil {
		return fmt.Errorf("load rules: %w", err)
	}
	s.query = api.NewQuery(api.QueryOptions{Queryable: s.store.Queryable(), Logger: s.logger,
		Metadata: api.MultiMetadata{metadataSource{s.agent}, api.DefaultMetadata()}})
	s.openLedger()
	if err := s.openCloud(); err != nil {
		return err
	}
	if err := s.openSecurity(); err != nil {
		return err
	}
	s.openReports()
	if err := s.openWall(); err != nil {
		return fmt.Errorf("set up the video wall: %w", err)
	}
	if s.traps, err = s.newTrapReceiver(); err != nil {
		return fmt.Errorf("start the trap receiver on %s: %w", s.config().Traps.Listen, err)
	}
	if s.syslog, err = s.newSyslogReceiver(); err != nil {
		return fmt.Errorf("start the syslog receiver: %w", err)
	}
	s.reload = newReloader(s)
	return nil
}

func (s *system) close() {
	for name, k := range s.kinds { // sockets and idle connections of the collectors
		if c, ok := k.Collector.(io.Closer); ok {
			if err := c.Close(); err != nil {
				s.logger.Warn("close collector", "kind", name, "err", err)
			}
		}
	}
	for _, c := range []io.Closer{closerOf(s.events), closerOf(s.state), closerOf(s.store)} {
		if c == nil {
			continue
		}
		if err := c.Close(); err != nil {
			s.logger.Error("close store", "err", err)
		}
	}
}

// closerOf returns nil for a nil pointer so close() skips parts that never opened.
func closerOf[T any, P interface {
	*T
	io.Closer
}](p P) io.Closer {
	if p == nil {
		return nil
	}
	return p
}

// inventoryChanged hands a new estate to the Runner and logs the bad rows once.
func (s *system) inventoryChanged(targets []inventory.Target, problems []inventory.Problem) {
	for _, p := range problems {
		s.logger.Warn("inventory problem", "problem", p.String())
	}
	s.devices.Update(targets)
	s.wall.targets.Store(&targets)
	s.inventoryTopology(targets)
	ct := toCollectorTargets(targets)
	for _, k := range s.kinds {
		if ts, ok := k.Collector.(targetSetter); ok {
			ts.SetTargets(ct) // forget the port states of devices that left
		}
	}
	s.runner.SetTargets(ct)
	s.resolveGoneTargets(ct)
	s.logger.Info("inventory loaded", "targets", len(targets), "problems", len(problems))
}
