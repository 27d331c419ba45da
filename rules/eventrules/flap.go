package eventrules

import (
	"time"

	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Flap detection, as LibreNMS and Zabbix have it. A port that goes down and
// up within one notifier tick opens and closes an InterfaceDown incident
// before anyone is told, and one that does so every minute never pages at
// all. A rule with `flap:` counts the changes of a state label (trap:
// linkDown/linkUp) per key (instance, ifname) instead of matching single
// events: Changes changes within Window raise one alert, which pages once,
// stays while the port keeps changing and resolves once it has been stable
// for the rule's resolve_after. Two events in a row with the same state (the
// trap and the poll that saw the same change) are one change.
//
// Memory is bounded: per key the last state and the times of the last
// Changes changes; at most Options.MaxFlapKeys keys, the stalest forgotten
// first, and keys with no change for a window forgotten on every tick.
// After a restart the open flap alerts come back through Restore (stable time
// counting from the restart), and Replay feeds the recent events from the
// event store back, so a port flapping across the restart is still counted.

// Flap is a rule's flap detection.
type Flap struct {
	State   string        // the label whose value is the state, e.g. trap
	Changes int           // changes within Window that make a flap
	Window  time.Duration // e.g. 10m
}

// flapYAML is `flap:` as written.
type flapYAML struct {
	State   string `yaml:"state"`
	Changes int    `yaml:"changes"`
	Window  string `yaml:"window"`
}

// maxFlapChanges bounds the times kept per key.
const maxFlapChanges = 100

// compileFlap checks `flap:`; it needs resolve_after (how long stable means
// over) and no resolve_on (no single event ends a flap).
func compileFlap(y ruleYAML, fail failFunc) *Flap {
	v := y.Flap.V
	if v == nil {
		return nil
	}
	f := &Flap{State: v.State, Changes: v.Changes}
	if !model.UTF8Validation.IsValidLabelName(v.State) || v.State == "" {
		fail(y.Flap.Line, "flap: state %q: want the label that holds the state, e.g. trap", v.State)
	}
	if v.Changes < 2 || v.Changes > maxFlapChanges {
		fail(y.Flap.Line, "flap: changes %d: want 2 to %d", v.Changes, maxFlapChanges)
	}
	if d, err := model.ParseDuration(v.Window); err != nil || d <= 0 {
		fail(y.Flap.Line, "flap: window %q: want a positive duration such as 10m", v.Window)
	} else {
		f.Window = time.Duration(d)
	}
	if y.ResolveAfter.V == "" || y.ResolveOn.V != "" {
		fail(y.Flap.Line, "flap: needs resolve_after (how long the state must be stable) and no resolve_on")
	}
	return f
}

// flapState is one key's recent changes: a ring of the last Changes times.
type flapState struct {
	last  string
	times []time.Time
	next  int
	seen  time.Time // last change
}

// change records ev's state and reports whether it changed, and whether the
// changes within the window now reach the rule's count.
func (s *flapState) change(f *Flap, state string, at time.Time) (changed, flapping bool) {
	if state == s.last {
		return false, false
	}
	s.last, s.seen = state, at
	s.times[s.next] = at
	s.next = (s.next + 1) % len(s.times)
	oldest := s.times[s.next] // the ring is full once every slot holds a change
	return true, !oldest.IsZero() && at.Sub(oldest) < f.Window
}

// flap applies a flap rule to one matching event. A change refreshes an
// active alert's stable time; enough changes raise it.
func (e *Engine) flap(i int, ev collectors.Event, out []alerting.Alert) []alerting.Alert {
	r := &e.rules[i]
	k := activeKey{i, keyOf(r, ev.Labels)}
	st := e.flapOf(k, r.Flap)
	changed, flapping := st.change(r.Flap, ev.Labels[r.Flap.State], e.at(ev))
	if !changed {
		return out
	}
	if a := e.active[k]; a != nil {
		a.lastSeen = e.at(ev)
		return out
	}
	if flapping {
		if a, ok := e.fire(i, ev); ok {
			out = append(out, a)
		}
	}
	return out
}

// flapOf returns a key's state, making room when the table is full.
func (e *Engine) flapOf(k activeKey, f *Flap) *flapState {
	if st := e.flaps[k]; st != nil {
		return st
	}
	if len(e.flaps) >= e.opts.MaxFlapKeys {
		e.forgetStalest()
	}
	st := &flapState{times: make([]time.Time, f.Changes)}
	e.flaps[k] = st
	return st
}

// forgetStalest drops the key whose last change is oldest and that has no
// active alert. It scans the table, which only happens while it is full.
func (e *Engine) forgetStalest() {
	var oldest activeKey
	var at time.Time
	found := false
	for k, st := range e.flaps {
		if e.active[k] == nil && (!found || st.seen.Before(at)) {
			oldest, at, found = k, st.seen, true
		}
	}
	if found {
		delete(e.flaps, oldest)
		countDropped("max_flap_keys")
	}
}

// pruneFlaps forgets keys whose last change is older than their window and
// that have no active alert: their count is zero anyway.
func (e *Engine) pruneFlaps(now time.Time) {
	for k, st := range e.flaps {
		if e.active[k] == nil && now.Sub(st.seen) >= e.rules[k.rule].Flap.Window {
			delete(e.flaps, k)
		}
	}
}

// FlapQuery is what one flap rule counts: which events to read back for it,
// and how far back, after a restart.
type FlapQuery struct {
	rule     int
	Matchers alerting.Matchers
	Window   time.Duration
}

// FlapHistory returns one query per flap rule.
func (e *Engine) FlapHistory() []FlapQuery {
	var out []FlapQuery
	for i, r := range e.rules {
		if r.Flap != nil {
			out = append(out, FlapQuery{rule: i, Matchers: r.Match, Window: r.Flap.Window})
		}
	}
	return out
}

// Replay feeds past events (oldest first, e.g. the last window's link events
// from the event store after a restart) to the counters of q's rule only —
// each rule reads back its own events, so two rules whose matchers overlap
// never see an event twice. Nothing is raised or resolved.
func (e *Engine) Replay(q FlapQuery, events []collectors.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	r := &e.rules[q.rule]
	for _, ev := range events {
		if r.Match.Matches(ev.Labels) {
			e.flapOf(activeKey{q.rule, keyOf(r, ev.Labels)}, r.Flap).change(r.Flap, ev.Labels[r.Flap.State], e.at(ev))
		}
	}
}
