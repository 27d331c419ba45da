package eventrules

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// HistoryReader reads back the stored events that match matchers (the
// label-matcher language) between from and to, oldest first. The event store
// answers it after a start.
type HistoryReader func(ctx context.Context, matchers string, from, to time.Time) ([]collectors.Event, error)

// ReplayHistory feeds the last window of the events that each flap and burst
// rule counts back into its counters after a start, so a port flapping, or a
// source bursting, across a restart is still counted. Each rule reads back
// its own events, so two rules whose matchers overlap never see an event
// twice. Nothing is raised or resolved by the replay itself: the next live
// event decides.
func (e *Engine) ReplayHistory(ctx context.Context, read HistoryReader, now time.Time) error {
	for _, q := range e.windowRules() {
		evs, err := read(ctx, q.match.String(), now.Add(-q.window), now)
		if err != nil {
			return fmt.Errorf("read back the events of %s over the last %s: %w", q.alert, q.window, err)
		}
		e.replay(q.rule, evs)
	}
	return nil
}

// windowRule is one flap or burst rule: which events to read back for it,
// and how far back.
type windowRule struct {
	rule   int
	alert  string
	match  alerting.Matchers
	window time.Duration
}

func (e *Engine) windowRules() []windowRule {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []windowRule
	for i, r := range e.rules {
		switch {
		case r.Flap != nil:
			out = append(out, windowRule{rule: i, alert: r.Alert, match: r.Match, window: r.Flap.Window})
		case r.Burst != nil:
			out = append(out, windowRule{rule: i, alert: r.Alert, match: r.Match, window: r.Burst.Within})
		}
	}
	return out
}

// replay counts past events (oldest first) for rule i only.
func (e *Engine) replay(i int, events []collectors.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := &e.rules[i]
	for _, ev := range events {
		if !r.Match.Matches(ev.Labels) || (r.Burst != nil && r.Text != nil && !r.Text.MatchString(ev.Text)) {
			continue // as apply counts them
		}
		k := activeKey{i, keyOf(r, ev.Labels)}
		switch {
		case r.Flap != nil:
			r.Flap.change(e.flaps.get(k, e.busy), ev.Labels[r.Flap.State], e.at(ev))
		case r.Burst != nil:
			e.bursts.get(k, e.busy).count(e.at(ev), r.Burst.Count, r.Burst.Within)
		}
	}
}
