// Package rules owns SwanWatch's rules engine: Prometheus's rules.Manager
// evaluating recording and alerting rules over the embedded TSDB, with the
// shipped rule packs (packs/*.yml, each rule citing the requirement it
// proves) loaded alongside the user's rule files, which work unchanged from
// Prometheus. It also owns what bad input does to the engine: a rule file in
// error is reported and skipped (or keeps its last good rules), an alerting
// rule that explodes into too many alerts is refused, and a slow consumer of
// alerts never stalls the evaluation. Alerts are handed to OnAlerts; a later
// stage turns them into incidents.
package rules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	promrules "github.com/prometheus/prometheus/rules"
	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// DefaultInterval is the evaluation interval of groups that set none.
const DefaultInterval = 30 * time.Second

// Options configures the engine.
type Options struct {
	// Appendable receives recorded series and ALERTS. It is the TSDB's
	// AppendableV2, which rules.Manager requires since Prometheus v0.316.
	Appendable  storage.AppendableV2
	Queryable   storage.Queryable // rules query it; alert state is restored from it
	Logger      *slog.Logger
	Interval    time.Duration // default 30s
	Files       []string      // user rule files or globs, Prometheus format
	ExternalURL string        // base of alert generator links
	// OnAlerts receives the firing and recently resolved alerts after each
	// evaluation (Prometheus re-sends them every minute; the incident store
	// dedupes by fingerprint). It is called from one goroutine of the
	// engine, never from a rule group's, and must return once ctx ends.
	// Nil: alerts are only counted.
	OnAlerts func(ctx context.Context, alerts []alerting.Alert)
	// AlertLimit caps the alerts one alerting rule may produce in one
	// evaluation, for groups that set no `limit` of their own; a rule over
	// it is refused (see cap.go). Default DefaultAlertLimit.
	AlertLimit int
	// NotifyQueue bounds the alerts waiting for OnAlerts; past it the oldest
	// batches are dropped (and re-sent by Prometheus a minute later).
	// Default DefaultNotifyQueue.
	NotifyQueue int
}

// Engine runs the rule groups of the packs and the user's files.
type Engine struct {
	opts    Options
	log     *slog.Logger
	loader  *loader
	mgr     *promrules.Manager
	capper  *capper
	handoff *handoff

	mu       sync.Mutex
	files    []string // what the manager runs: packs first, then user files
	problems []error  // of the last load, each naming its file
	running  bool
	stopped  bool
}

// New checks the options and loads every rule file. A rule file in error
// does not stop the engine: its problems are logged and kept for Problems,
// the file is skipped and every other file runs (a command center had better
// watch the city with the good rules than not at all; `swanwatch
// check-rules` stays strict). The error is only for unusable options.
func New(opts Options) (*Engine, error) {
	if opts.Appendable == nil || opts.Queryable == nil {
		return nil, errors.New("rules engine needs an appendable and a queryable storage")
	}
	ext, err := url.Parse(opts.ExternalURL)
	if err != nil {
		return nil, fmt.Errorf("parse external url: %w", err)
	}
	opts = withDefaults(opts)
	e := &Engine{opts: opts, log: opts.Logger, loader: newLoader(opts.Logger)}
	e.handoff = newHandoff(opts.OnAlerts, opts.NotifyQueue)
	e.mgr = promrules.NewManager(e.managerOptions(ext))
	res := e.prepare(opts.Files)
	e.logProblems(res)
	if err := e.apply(res); err != nil {
		return nil, err
	}
	return e, nil
}

func withDefaults(opts Options) Options {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.AlertLimit <= 0 {
		opts.AlertLimit = DefaultAlertLimit
	}
	if opts.NotifyQueue <= 0 {
		opts.NotifyQueue = DefaultNotifyQueue
	}
	return opts
}

func (e *Engine) managerOptions(ext *url.URL) *promrules.ManagerOptions {
	p := e.loader.parser
	eng := promql.NewEngine(promql.EngineOpts{
		Logger:               e.log,
		MaxSamples:           50_000_000,
		Timeout:              2 * time.Minute,
		LookbackDelta:        5 * time.Minute,
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
		Parser:               p,
	})
	e.capper = newCapper(promrules.EngineQueryFunc(eng, e.opts.Queryable), e.opts.Appendable, e.log)
	// Grace, tolerance and resend delay are Prometheus's defaults.
	return &promrules.ManagerOptions{
		ExternalURL:     ext,
		QueryFunc:       e.capper.query,
		NotifyFunc:      e.notify,
		AppendableV2:    e.opts.Appendable,
		Queryable:       e.opts.Queryable,
		Logger:          e.log,
		OutageTolerance: time.Hour,
		ForGracePeriod:  10 * time.Minute,
		ResendDelay:     time.Minute,
		GroupLoader:     e.loader,
		Parser:          p,
	}
}

// Run evaluates the rules until ctx ends, then stops every group. It runs
// once per Engine: Prometheus's manager cannot be restarted.
func (e *Engine) Run(ctx context.Context) error {
	if err := e.start(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Go(e.mgr.Run)
	wg.Go(func() { e.handoff.run(ctx) })
	<-ctx.Done()
	e.mu.Lock()
	e.running, e.stopped = false, true
	e.mu.Unlock()
	e.mgr.Stop()
	wg.Wait()
	return nil
}

func (e *Engine) start() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running || e.stopped {
		return errors.New("rules engine already ran")
	}
	if err := e.update(e.files); err != nil {
		return err
	}
	e.running = true
	return nil
}

// update hands files to the manager; callers hold e.mu.
func (e *Engine) update(files []string) error {
	err := e.mgr.Update(e.opts.Interval, files, labels.EmptyLabels(), e.opts.ExternalURL, nil)
	if err != nil {
		return fmt.Errorf("update rule groups: %w", err)
	}
	return nil
}

// Groups returns the loaded rule groups (empty before Run), for a rules page.
func (e *Engine) Groups() []*promrules.Group { return e.mgr.RuleGroups() }

// parserFor keeps one PromQL dialect for loading and evaluating.
func parserFor() parser.Parser { return parser.NewParser(parser.Options{}) }
