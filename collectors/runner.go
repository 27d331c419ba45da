package collectors

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is one collector kind as the Runner drives it.
type Kind struct {
	Collector Collector
	Schedule  Schedule // already defaulted and validated by the caller
}

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Sink (required) receives every round. It must not keep the samples slice after Append
	// returns (the Runner reuses it); the Labels slices are immutable and may be kept.
	Sink   Sink
	Logger *slog.Logger
	Kinds  map[string]Kind
	// Now stamps rounds and statuses; time.Now when nil. Scheduling always uses the
	// monotonic clock.
	Now func() time.Time
	// OnStateChange is called from the target's goroutine after a round changed the
	// target's state (unknown→up, up→down, ...). It must not block for long.
	OnStateChange func(prev State, st TargetStatus)
}

// Runner drives every target of every kind: one goroutine per target, all owned
// by Run.
type Runner struct {
	opts  RunnerOptions
	log   *slog.Logger
	kinds map[string]*kindState

	mu      sync.Mutex
	loops   map[string]*loop
	runCtx  context.Context // non-nil while Run is running
	started bool
	wg      sync.WaitGroup

	sinkFailing atomic.Bool
	sinkFails   atomic.Int64
}

// kindState is what all targets of one kind share.
type kindState struct {
	name  string
	c     Collector
	sched Schedule
	sem   chan struct{} // per-kind concurrency bound
	m     *kindMetrics
}

// NewRunner returns a Runner with no targets.
func NewRunner(opts RunnerOptions) *Runner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	r := &Runner{opts: opts, log: opts.Logger, kinds: map[string]*kindState{}, loops: map[string]*loop{}}
	for name, k := range opts.Kinds {
		sched := k.Schedule.WithDefaults(Schedule{Concurrency: 1})
		if err := sched.Validate(); err != nil || k.Collector == nil {
			// Config validation catches this first; here it only must not crash.
			r.log.Error("collector kind disabled: bad schedule or no collector", "kind", name, "err", err)
			continue
		}
		r.kinds[name] = &kindState{name: name, c: k.Collector, sched: sched,
			sem: make(chan struct{}, sched.Concurrency), m: newKindMetrics(name)}
	}
	return r
}

// SetTargets replaces the target list. New targets start at their hashed phase,
// removed ones stop and get staleness markers, changed ones (address, labels,
// params, interval, timeout) restart, unchanged ones keep their schedule.
func (r *Runner) SetTargets(targets []Target) {
	want := r.index(targets)
	r.mu.Lock()
	defer r.mu.Unlock()
	for key, l := range r.loops {
		if _, ok := want[key]; !ok {
			r.stopLocked(l, true)
			delete(r.loops, key)
		}
	}
	for key, t := range want {
		old := r.loops[key]
		if old != nil && sameTarget(old.target, t) {
			continue
		}
		if old != nil {
			r.stopLocked(old, false)
		}
		l := newLoop(r, r.kinds[t.Kind], t, old)
		r.loops[key] = l
		r.startLocked(l)
	}
}

// index keeps the targets the Runner can run, by key; the others are logged and
// counted, and cost the rest nothing.
func (r *Runner) index(targets []Target) map[string]Target {
	want := make(map[string]Target, len(targets))
	for _, t := range targets {
		switch _, known := r.kinds[t.Kind]; {
		case !known:
			r.log.Warn("target of unknown collector kind ignored", "kind", t.Kind, "target", t.Name)
			rejectedTargets("unknown_kind").Inc()
		case t.Name == "":
			r.log.Warn("target without a name ignored", "kind", t.Kind, "address", t.Address)
			rejectedTargets("no_name").Inc()
		case want[t.Key()].Name != "":
			r.log.Warn("duplicate target ignored", "kind", t.Kind, "target", t.Name)
			rejectedTargets("duplicate").Inc()
		default:
			want[t.Key()] = t
		}
	}
	return want
}

func sameTarget(a, b Target) bool {
	return a.Address == b.Address && a.Interval == b.Interval && a.Timeout == b.Timeout &&
		maps.Equal(a.Labels, b.Labels) && maps.Equal(a.Params, b.Params)
}

// startLocked starts l's goroutine if Run is running; otherwise Run starts it.
func (r *Runner) startLocked(l *loop) {
	if r.runCtx == nil {
		return
	}
	ctx, cancel := context.WithCancel(r.runCtx)
	l.cancel = cancel
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		l.run(ctx)
	}()
}

// stopLocked stops l's goroutine; removed targets write staleness markers.
func (r *Runner) stopLocked(l *loop, removed bool) {
	l.removed.Store(removed)
	if l.cancel != nil {
		l.cancel()
	}
}

// Run starts every target and blocks until ctx is done and every goroutine it
// started has returned. A Runner runs once.
func (r *Runner) Run(ctx context.Context) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.mu.Lock()
	if r.started {
		r.mu.Unlock()
		return errors.New("collector runner already started")
	}
	r.started, r.runCtx = true, runCtx
	for _, l := range r.loops {
		r.startLocked(l)
	}
	r.mu.Unlock()
	<-ctx.Done()
	r.mu.Lock()
	r.runCtx = nil // SetTargets from now on starts nothing
	r.mu.Unlock()
	cancel()
	r.wg.Wait()
	return nil
}

// Targets returns the status of every target, sorted by kind and name.
func (r *Runner) Targets() []TargetStatus {
	r.mu.Lock()
	out := make([]TargetStatus, 0, len(r.loops))
	for _, l := range r.loops {
		out = append(out, l.snapshot())
	}
	r.mu.Unlock()
	slices.SortFunc(out, func(a, b TargetStatus) int {
		return cmp.Or(cmp.Compare(a.Target.Kind, b.Target.Kind), cmp.Compare(a.Target.Name, b.Target.Name))
	})
	return out
}

// Status returns the status of the target with this key (Target.Key).
func (r *Runner) Status(key string) (TargetStatus, bool) {
	r.mu.Lock()
	l := r.loops[key]
	r.mu.Unlock()
	if l == nil {
		return TargetStatus{}, false
	}
	return l.snapshot(), true
}

// Env is what a kind's constructor may use besides its own section of
// collectors: in swanwatch.yaml.
type Env struct {
	Logger *slog.Logger // already carries kind=<name>
	// Events receives what collectors notice between polls (an SNMP port
	// that went down), the same sink as the trap receiver's.
	Events EventSink
	// Pictures is where the cameras' thumbnails, evidence and references live.
	Pictures string
}
