package eventrules

import (
	"context"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Run resolves alerts whose rule has resolve_after once they have been quiet
// that long, until ctx is done. It checks every Options.Tick, so an alert
// resolves at most one tick late; EndsAt is the exact expiry time.
func (e *Engine) Run(ctx context.Context) error {
	t := time.NewTicker(e.opts.Tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			e.expire(ctx)
		}
	}
}

// expire resolves every quiet alert and delivers them in one call.
func (e *Engine) expire(ctx context.Context) {
	now := e.opts.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []alerting.Alert
	for k, a := range e.active {
		d := e.rules[k.rule].ResolveAfter
		if d == 0 || now.Sub(a.lastSeen) < d {
			continue
		}
		if res, ok := e.resolve(k, a.lastSeen.Add(d)); ok {
			out = append(out, res)
		}
	}
	e.flaps.prune(now, func(i int) time.Duration { return e.rules[i].Flap.Window }, e.busy)
	e.bursts.prune(now, func(i int) time.Duration { return e.rules[i].Burst.Within }, e.busy)
	e.deliver(ctx, out)
}

// Active returns a copy of the firing event alerts, for the status page and
// for the app to re-announce them after a restart of the incident pipeline.
func (e *Engine) Active() []alerting.Alert {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]alerting.Alert, 0, len(e.active))
	for _, a := range e.active {
		out = append(out, a.alert)
	}
	return out
}
