package collectors

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"
)

// tick serves one tick: it waits for a slot of the kind's concurrency bound until
// the next tick is due and skips (counts) the tick if none frees up, so a slow
// kind sheds rounds instead of queueing them.
func (l *loop) tick(ctx context.Context, timer *time.Timer, tick time.Time) {
	if !l.acquire(ctx, timer, tick.Add(l.sched.Interval)) {
		return
	}
	defer func() { <-l.k.sem }()
	l.round(ctx)
}

func (l *loop) acquire(ctx context.Context, timer *time.Timer, deadline time.Time) bool {
	select {
	case l.k.sem <- struct{}{}:
		return true
	default:
	}
	timer.Reset(time.Until(deadline))
	select {
	case l.k.sem <- struct{}{}:
		return true
	case <-timer.C:
		l.k.m.skipped.Inc()
		return false
	case <-ctx.Done():
		return false
	}
}

// round runs one Collect under the round timeout and hands the result to the sink.
// A round cut short because the target was removed or the Runner stops is
// dropped: it says nothing about the target.
func (l *loop) round(ctx context.Context) {
	rctx, cancel := context.WithTimeout(ctx, l.sched.Timeout)
	defer cancel()
	ts, start := l.r.opts.Now(), time.Now()
	l.ser.begin()
	err := l.collect(rctx)
	l.ser.end()
	dur := time.Since(start)
	if ctx.Err() != nil {
		return
	}
	err = l.verdict(rctx, err)
	l.count(err, dur)
	up := 1.0
	if err != nil {
		up = 0
	}
	samples := l.ser.finish(err == nil, up, dur.Seconds())
	accepted, drops, firstDrop := l.ser.stats()
	l.k.m.samples.Add(accepted)
	l.warnDrops(drops, firstDrop)
	l.r.append(ctx, l.k, ts, samples, l.sched.Timeout)
	l.record(ts, dur, err, accepted)
}

// verdict is the round's error: a round that returned nil after its deadline is
// not trusted, and a timeout says which limit was hit.
func (l *loop) verdict(rctx context.Context, err error) error {
	if err == nil && rctx.Err() != nil {
		err = rctx.Err()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		err = fmt.Errorf("round timed out after %s: %w", l.sched.Timeout, err)
	}
	return err
}

func (l *loop) count(err error, dur time.Duration) {
	l.k.m.rounds.Inc()
	l.k.m.duration.Update(dur.Seconds())
	if err != nil {
		l.k.m.failed.Inc()
	}
}

// collect calls the collector; a panic becomes the round's error, with its stack
// logged once here.
func (l *loop) collect(ctx context.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			l.k.m.panics.Inc()
			l.log.Error("collector panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = fmt.Errorf("collector panicked: %v", p)
		}
	}()
	return l.k.c.Collect(ctx, l.target, l.ser.emit)
}

func (l *loop) warnDrops(drops int, first string) {
	if drops == 0 || l.warnedDrop {
		return
	}
	l.warnedDrop = true
	l.log.Warn("collector emitted invalid samples; dropped (logged once per target)",
		"dropped", drops, "first", first)
}

// record updates the target's status and reports a state change.
func (l *loop) record(ts time.Time, dur time.Duration, err error, samples int) {
	state, msg := StateUp, ""
	if err != nil {
		state, msg = StateDown, err.Error()
	}
	l.mu.Lock()
	prev := l.status.State
	if state != prev {
		l.status.State, l.status.Since = state, ts
	}
	l.status.LastRound, l.status.LastDuration = ts, dur
	l.status.LastError, l.status.Samples = msg, samples
	st := l.status
	l.mu.Unlock()
	if state == prev {
		return
	}
	l.k.m.targets[prev].Dec()
	l.k.m.targets[state].Inc()
	l.logChange(prev, st)
	if l.r.opts.OnStateChange != nil {
		l.r.opts.OnStateChange(prev, st)
	}
}

// logChange logs state changes only: a target that stays down does not repeat
// itself every round.
func (l *loop) logChange(prev State, st TargetStatus) {
	if st.State == StateDown {
		l.log.Warn("target down", "previous", string(prev), "err", st.LastError)
		return
	}
	l.log.Info("target up", "previous", string(prev))
}

// writeStale appends staleness markers for every series the target last wrote.
func (l *loop) writeStale(ctx context.Context) {
	samples := l.ser.staleAll()
	if len(samples) == 0 {
		return
	}
	l.r.append(context.WithoutCancel(ctx), l.k, l.r.opts.Now(), samples, l.sched.Timeout)
}

// append hands samples to the sink. A failing sink is logged once per burst of
// failures (and once when it recovers) and counted on every failure.
func (r *Runner) append(ctx context.Context, k *kindState, ts time.Time, samples []Sample, timeout time.Duration) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	err := r.opts.Sink.Append(ctx, ts, samples)
	if err == nil {
		if r.sinkFailing.CompareAndSwap(true, false) {
			r.log.Info("sample sink recovered", "failed_appends", r.sinkFails.Swap(0))
		}
		return
	}
	k.m.sinkErrors.Inc()
	r.sinkFails.Add(1)
	if r.sinkFailing.CompareAndSwap(false, true) {
		r.log.Error("append samples to sink failed; further failures are counted, not logged", "err", err)
	}
}
