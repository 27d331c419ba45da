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
// first, and keys with no change for a window forgotten on every tick
// (window.go, shared with burst rules).
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

// change records ev's state on a key's window and reports whether it
// changed, and whether the changes within the window now reach the rule's
// count. Two events in a row with the same state are one change.
func (f *Flap) change(w *window, state string, at time.Time) (changed, flapping bool) {
	if state == w.last {
		return false, false
	}
	w.last = state
	return true, w.count(at, f.Changes, f.Window)
}

// flap applies a flap rule to one matching event. A change refreshes an
// active alert's stable time; enough changes raise it.
func (e *Engine) flap(i int, ev collectors.Event, out []alerting.Alert) []alerting.Alert {
	r := &e.rules[i]
	k := activeKey{i, keyOf(r, ev.Labels)}
	changed, flapping := r.Flap.change(e.flaps.get(k, e.busy), ev.Labels[r.Flap.State], e.at(ev))
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
