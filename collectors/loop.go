package collectors

import (
	"context"
	"hash/fnv"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// loop is the goroutine of one target: it waits for its phase, runs a round per
// tick and skips the ticks it cannot serve.
type loop struct {
	r      *Runner
	k      *kindState
	target Target
	sched  Schedule
	log    *slog.Logger
	ser    *seriesSet
	prev   *loop // the loop this one replaces; it must finish first
	cancel context.CancelFunc
	done   chan struct{}

	removed    atomic.Bool
	warnedDrop bool // a contract-breaking collector is logged once per target

	mu     sync.Mutex
	status TargetStatus
}

func newLoop(r *Runner, k *kindState, t Target, old *loop) *loop {
	l := &loop{r: r, k: k, target: t, sched: targetSchedule(k.sched, t), done: make(chan struct{}),
		log: r.log.With("kind", t.Kind, "target", t.Name)}
	tl := targetLabels(t, l.log)
	l.status = TargetStatus{Target: t, State: StateUnknown}
	if old != nil && old.cancel != nil { // started: hand over when it has stopped
		l.prev = old
		l.status = old.snapshot()
		l.status.Target = t
	}
	l.ser = newSeriesSet(tl, func(reason string) { k.m.drops[reason].Inc() })
	return l
}

// targetSchedule applies the target's own interval and timeout to its kind's.
func targetSchedule(s Schedule, t Target) Schedule {
	if t.Interval > 0 {
		s.Interval = t.Interval
		s.Timeout = min(s.Timeout, t.Interval*8/10)
	}
	if t.Timeout > 0 {
		s.Timeout = t.Timeout
	}
	s.Timeout = min(s.Timeout, s.Interval)
	return s
}

// targetLabels returns the sorted labels every sample of t carries: kind,
// instance and the inventory labels. Inventory labels that are invalid or reuse a
// reserved name are logged and left out; the inventory validates them first.
func targetLabels(t Target, log *slog.Logger) []Label {
	ls := []Label{{Name: LabelKind, Value: t.Kind}, {Name: LabelInstance, Value: t.Name}}
	for _, name := range slices.Sorted(maps.Keys(t.Labels)) {
		v := t.Labels[name]
		if !ValidLabelName(name) || ReservedLabelName(name) {
			log.Warn("inventory label ignored: invalid or reserved name", "label", name)
			continue
		}
		if v != "" {
			ls = append(ls, Label{Name: name, Value: v})
		}
	}
	slices.SortFunc(ls, cmpLabel)
	return ls
}

func (l *loop) snapshot() TargetStatus {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

func (l *loop) run(ctx context.Context) {
	defer close(l.done)
	if !l.takeOver(ctx) {
		return
	}
	l.k.m.targets[l.snapshot().State].Inc()
	defer func() { l.k.m.targets[l.snapshot().State].Dec() }()
	now := time.Now()
	tick := now.Add(firstDelay(l.target.Key(), l.sched.Interval, now))
	timer := time.NewTimer(time.Until(tick))
	defer timer.Stop()
	for l.wait(ctx, timer, tick) {
		l.tick(ctx, timer, tick)
		tick = l.nextTick(tick, time.Now())
	}
	if l.removed.Load() {
		l.writeStale(ctx)
	}
}

// takeOver waits for the loop this one replaces, then continues its series (so
// staleness works across the restart) unless the target labels changed, in which
// case every old series is marked stale now.
func (l *loop) takeOver(ctx context.Context) bool {
	if l.prev == nil {
		return true
	}
	select {
	case <-l.prev.done:
	case <-ctx.Done():
		return false
	}
	st := l.prev.snapshot()
	l.mu.Lock()
	l.status.State, l.status.Since, l.status.LastRound = st.State, st.Since, st.LastRound
	l.status.LastDuration, l.status.LastError, l.status.Samples = st.LastDuration, st.LastError, st.Samples
	l.mu.Unlock()
	if slices.Equal(l.prev.ser.tlabels, l.ser.tlabels) {
		l.ser = l.prev.ser
	} else {
		l.prev.writeStale(ctx)
	}
	l.prev = nil
	return true
}

// firstDelay puts a target at a fixed phase of its interval: hash(kind/name) mod
// interval, counted from the wall-clock epoch. The phase is the same after a
// restart, so samples stay evenly spaced, and 3,000 targets spread evenly.
func firstDelay(key string, interval time.Duration, now time.Time) time.Duration {
	h := fnv.New64a()
	h.Write([]byte(key))
	phase := time.Duration(h.Sum64() % uint64(interval))
	return (phase - time.Duration(now.UnixNano())%interval + interval) % interval
}

// wait sleeps until tick; false when the loop must stop.
func (l *loop) wait(ctx context.Context, timer *time.Timer, tick time.Time) bool {
	timer.Reset(time.Until(tick))
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}

// nextTick returns the first tick after the one just served that is not already
// past: a slow round skips ticks (counted), it never queues them.
func (l *loop) nextTick(tick, now time.Time) time.Time {
	next := tick.Add(l.sched.Interval)
	if next.Before(now) {
		n := now.Sub(next)/l.sched.Interval + 1
		next = next.Add(n * l.sched.Interval)
		l.k.m.skipped.Add(int(n))
	}
	return next
}
