// Package eval computes the video wall's panels: every panel of every scene
// on one schedule shared by all screens, from PromQL queries, the incident
// store, the duty rosters and the inventory, published scene by scene to the
// hub (bigscreen.Hub.Publish). It is the only part of the wall that links
// Prometheus (promql); the hub and the page do not.
package eval

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// IncidentLister is what the evaluator reads of the incident store
// (*alerting.Incidents).
type IncidentLister interface {
	List(ctx context.Context, f alerting.IncidentFilter) ([]alerting.Incident, error)
}

// Options configures New. Query, Incidents, Duty and Inventory
// are needed only when a scene has a panel that reads them.
type Options struct {
	Scenes []scene.Def
	// Query runs an instant PromQL query at a time (the query API's engine
	// over the TSDB or a remote Prometheus).
	Query     func(ctx context.Context, expr string, at time.Time) (promql.Vector, error)
	Incidents IncidentLister
	// Duty returns who is on duty at t (phones in clear: the evaluator masks
	// them) and the 重保期 banner when a heightened watch is active.
	Duty      func(t time.Time) ([]scene.DutyPerson, string)
	Inventory func() []inventory.Target
	// Cameras returns every camera's tile (the camera collector's last
	// frames and faults) for the camera wall, in any order.
	Cameras func(ctx context.Context) ([]scene.CameraTile, error)
	// Publish receives a scene's panels after each round in which any of
	// them was evaluated: every panel of the scene, the map and its values
	// never changed afterwards. It is called from Run's goroutine only.
	Publish func(def *scene.Def, panels map[string]json.RawMessage, at time.Time)
	Logger  *slog.Logger
	Now     func() time.Time // default time.Now
}

// Evaluator computes every panel of every scene on one schedule shared by
// all screens: each panel at its refresh, all panels due together in one
// round, so a hundred screens cost what one does.
type Evaluator struct {
	opts   Options
	log    *slog.Logger
	scenes []*evalScene
	offset time.Duration // this instance's jitter of the aligned ticks
	sem    chan struct{} // bounds the panels evaluated at once

	topoLimit int // nodes a topology shows before it folds (topoMaxNodes)
}

type evalScene struct {
	def    scene.Def
	panels []*evalPanel
}

// evalPanel is one panel's schedule and last good data.
type evalPanel struct {
	def     *scene.Panel
	next    time.Time
	data    json.RawMessage
	failing bool // the last evaluation failed; logged once per failure run
}

// evalParallel bounds the panels evaluated at once in a round.
const evalParallel = 4

// maxJitter bounds the per-instance offset of the aligned ticks: enough that
// two instances do not query at the same millisecond, small against 1s.
const maxJitter = 250 * time.Millisecond

// New validates the scenes (a copy; defaults filled in) and what their
// panels need.
func New(opts Options) (*Evaluator, error) {
	if opts.Publish == nil {
		return nil, errors.New("evaluator: Publish is required")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if len(opts.Scenes) == 0 {
		return nil, errors.New("evaluator: no scenes")
	}
	defs := cloneScenes(opts.Scenes)
	if err := scene.Validate(defs, CheckQuery); err != nil {
		return nil, fmt.Errorf("evaluator: %w", err)
	}
	if err := checkFeeds(defs, opts); err != nil {
		return nil, fmt.Errorf("evaluator: %w", err)
	}
	e := &Evaluator{opts: opts, log: opts.Logger, sem: make(chan struct{}, evalParallel),
		offset: rand.N(maxJitter), topoLimit: topoMaxNodes}
	for i := range defs {
		s := &evalScene{def: defs[i]}
		for j := range s.def.Panels {
			p := &s.def.Panels[j]
			s.panels = append(s.panels, &evalPanel{def: p, data: emptyPanel(p)})
		}
		e.scenes = append(e.scenes, s)
	}
	return e, nil
}

func cloneScenes(in []scene.Def) []scene.Def {
	out := make([]scene.Def, len(in))
	for i, s := range in {
		out[i] = s
		out[i].Panels = append([]scene.Panel(nil), s.Panels...)
	}
	return out
}

// checkFeeds reports a panel whose query or source has nothing to read from.
func checkFeeds(defs []scene.Def, o Options) error {
	var errs []error
	for _, s := range defs {
		for _, p := range s.Panels {
			missing := ""
			switch {
			case p.Query != "" && o.Query == nil:
				missing = "Query"
			case (p.Source == scene.SourceIncidents || p.Source == scene.SourceIncidentStats) && o.Incidents == nil:
				missing = "Incidents"
			case p.Source == scene.SourceDuty && o.Duty == nil:
				missing = "Duty"
			case p.Source == scene.SourceTopology && (o.Inventory == nil || o.Query == nil):
				missing = "Inventory and Query"
			case p.Source == scene.SourceCameras && o.Cameras == nil:
				missing = "Cameras"
			}
			if missing != "" {
				errs = append(errs, fmt.Errorf("scene %q panel %q needs %s", s.ID, p.ID, missing))
			}
		}
	}
	return errors.Join(errs...)
}

// Run evaluates until ctx is done: a first round of every panel at once, then
// each panel at its refresh. A round that overruns skips the ticks it missed.
func (e *Evaluator) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		e.round(ctx, e.opts.Now())
		timer.Reset(max(e.nextDue().Sub(e.opts.Now()), 0))
	}
}

func (e *Evaluator) nextDue() time.Time {
	var first time.Time
	for _, s := range e.scenes {
		for _, p := range s.panels {
			if first.IsZero() || p.next.Before(first) {
				first = p.next
			}
		}
	}
	return first
}

// roundSlack gathers panels due a moment after the round's start into it,
// so that a timer firing early by a hair does not split a round in two.
const roundSlack = 20 * time.Millisecond

// round evaluates every panel due at now and publishes the scenes touched.
// All panels of a round are queried at the same instant, the round's time.
func (e *Evaluator) round(ctx context.Context, now time.Time) {
	start := time.Now()
	at := now.Truncate(time.Millisecond) // PromQL's resolution: queries and the published time agree
	touched := e.evaluateDue(newEvalRound(ctx, e, at), now)
	for i, s := range e.scenes {
		if touched[i] {
			e.publish(s, at)
		}
	}
	evalRounds.Inc()
	evalRoundDuration.UpdateDuration(start)
}

// evaluateDue evaluates the panels due at now, a few at a time, schedules
// their next tick and reports which scenes had any.
func (e *Evaluator) evaluateDue(r *evalRound, now time.Time) []bool {
	touched := make([]bool, len(e.scenes))
	var wg sync.WaitGroup
	for i, s := range e.scenes {
		for _, p := range s.panels {
			if p.next.After(now.Add(roundSlack)) {
				continue
			}
			touched[i] = true
			p.next = e.alignedAfter(now.Add(p.def.Refresh/2), p.def.Refresh)
			e.sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-e.sem }()
				e.evaluate(r, s, p)
			})
		}
	}
	wg.Wait()
	return touched
}

// alignedAfter is the first tick of refresh (aligned to the epoch, shifted by
// this instance's offset) after now: panels with refreshes that divide each
// other fall into the same rounds. The round asks for the tick after half a
// refresh from now, so that the first round, which runs at once, is not
// followed by another a moment later at the first tick.
func (e *Evaluator) alignedAfter(now time.Time, refresh time.Duration) time.Time {
	base := now.Add(-e.offset).Truncate(refresh)
	return base.Add(refresh + e.offset)
}

func (e *Evaluator) publish(s *evalScene, at time.Time) {
	panels := make(map[string]json.RawMessage, len(s.panels))
	for _, p := range s.panels {
		panels[p.def.ID] = p.data
	}
	e.opts.Publish(&s.def, panels, at)
	evalPublishes.Inc()
}

// evaluate computes one panel; on failure the panel keeps its last data and
// the failure is logged once (and counted every time) until it recovers.
func (e *Evaluator) evaluate(r *evalRound, s *evalScene, p *evalPanel) {
	evalPanels.Inc()
	v, kind, err := r.panel(p.def)
	var data []byte
	if err == nil {
		data, err = json.Marshal(v)
	}
	if r.ctx.Err() != nil {
		return // shutting down: not the panel's fault
	}
	if err != nil {
		evalError(kind)
		if !p.failing {
			e.log.Warn("big-screen panel failed; it keeps its last data", "scene", s.def.ID,
				"panel", p.def.ID, "kind", kind, "err", err)
		}
		p.failing = true
		return
	}
	if p.failing {
		e.log.Info("big-screen panel recovered", "scene", s.def.ID, "panel", p.def.ID)
	}
	p.failing, p.data = false, data
	e.retryEmpty(r, p)
}

// emptyRetry is how soon a panel that found no data asks again when its
// refresh is longer: a wall opened just after a start (or a series that
// appears late) fills in within seconds instead of after a whole minute.
const emptyRetry = 10 * time.Second

// retryEmpty brings forward the next evaluation of a panel with no data. It
// runs in the round's goroutine for p only; Run reads p.next after the round.
func (e *Evaluator) retryEmpty(r *evalRound, p *evalPanel) {
	if p.def.Refresh <= emptyRetry || !bytes.Equal(p.data, emptyPanel(p.def)) {
		return
	}
	if soon := e.alignedAfter(r.at.Add(emptyRetry/2), emptyRetry); soon.Before(p.next) {
		p.next = soon
	}
}
