// Package rules owns SwanWatch's rules engine: Prometheus's rules.Manager
// evaluating recording and alerting rules over the embedded TSDB, with the
// shipped rule packs (packs/*.yml, each rule citing the requirement it
// proves) loaded alongside the user's rule files, which work unchanged from
// Prometheus. Alerts are only counted here; a later stage turns them into
// incidents.
package rules

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
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
	// dedupes by fingerprint). Nil: alerts are only counted.
	OnAlerts func(ctx context.Context, alerts []alerting.Alert)
}

// Engine runs the rule groups of the packs and the user's files.
type Engine struct {
	opts   Options
	log    *slog.Logger
	loader loader
	mgr    *promrules.Manager

	mu      sync.Mutex
	files   []string // resolved: packs first, then user files
	running bool
	stopped bool
}

// New checks the options and every rule file; a bad file is an error here,
// before anything runs.
func New(opts Options) (*Engine, error) {
	if opts.Appendable == nil || opts.Queryable == nil {
		return nil, errors.New("rules engine needs an appendable and a queryable storage")
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ext, err := url.Parse(opts.ExternalURL)
	if err != nil {
		return nil, fmt.Errorf("parse external url: %w", err)
	}
	e := &Engine{opts: opts, log: opts.Logger}
	e.loader = newLoader(opts.Logger)
	e.mgr = promrules.NewManager(e.managerOptions(ext))
	if e.files, err = e.prepare(opts.Files); err != nil {
		return nil, err
	}
	return e, nil
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
	// Grace, tolerance and resend delay are Prometheus's defaults.
	return &promrules.ManagerOptions{
		ExternalURL:     ext,
		QueryFunc:       promrules.EngineQueryFunc(eng, e.opts.Queryable),
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

// prepare resolves globs, puts the packs first and checks every file.
func (e *Engine) prepare(patterns []string) ([]string, error) {
	user, err := expand(patterns)
	if err != nil {
		return nil, err
	}
	files := append(Packs(), user...)
	if err := errors.Join(check(e.loader, files)...); err != nil {
		return nil, err
	}
	return files, nil
}

// Run evaluates the rules until ctx ends, then stops every group. It runs
// once per Engine: Prometheus's manager cannot be restarted.
func (e *Engine) Run(ctx context.Context) error {
	if err := e.start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.mgr.Run()
	}()
	<-ctx.Done()
	e.mu.Lock()
	e.running, e.stopped = false, true
	e.mu.Unlock()
	e.mgr.Stop()
	<-done
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

// Reload replaces the user's rule files. A bad file keeps the running rules
// and returns every problem found; the result is counted in own metrics.
func (e *Engine) Reload(files []string) error {
	err := e.reload(files)
	result := "success"
	if err != nil {
		result = "failure"
		e.log.Warn("rule reload failed, previous rules kept", "err", err)
	}
	metrics.GetOrCreateCounter(`swanwatch_rules_reloads_total{result="` + result + `"}`).Inc()
	return err
}

func (e *Engine) reload(patterns []string) error {
	files, err := e.prepare(patterns)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.running {
		if err := e.update(files); err != nil {
			return err
		}
	}
	e.files = files
	return nil
}

// Groups returns the loaded rule groups (empty before Run), for a rules page.
func (e *Engine) Groups() []*promrules.Group { return e.mgr.RuleGroups() }

// notify counts alerts by state (a bounded label) and hands them to OnAlerts.
func (e *Engine) notify(ctx context.Context, _ string, alerts ...*promrules.Alert) {
	out := make([]alerting.Alert, 0, len(alerts))
	for _, a := range alerts {
		state := "firing"
		if !a.ResolvedAt.IsZero() {
			state = "resolved"
		}
		metrics.GetOrCreateCounter(`swanwatch_rules_alert_notifications_total{state="` + state + `"}`).Inc()
		e.log.Log(ctx, slog.LevelDebug, "alert", "state", state, "labels", a.Labels.String())
		out = append(out, toAlert(a, e.opts.ExternalURL))
	}
	if e.opts.OnAlerts != nil && len(out) > 0 {
		e.opts.OnAlerts(ctx, out)
	}
}

// toAlert converts Prometheus's alert to ours; the fingerprint is the label
// set's hash, as Alertmanager's is, so the same alert keeps its incident.
func toAlert(a *promrules.Alert, externalURL string) alerting.Alert {
	return alerting.Alert{
		Fingerprint:  fmt.Sprintf("%016x", a.Labels.Hash()),
		Labels:       a.Labels.Map(),
		Annotations:  a.Annotations.Map(),
		Firing:       a.ResolvedAt.IsZero(),
		StartsAt:     a.FiredAt,
		EndsAt:       a.ResolvedAt,
		GeneratorURL: externalURL,
	}
}

// parserFor keeps one PromQL dialect for loading and evaluating.
func parserFor() parser.Parser { return parser.NewParser(parser.Options{}) }
