package eventrules

import (
	"context"
	"maps"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// ResolveGoneTargets resolves the alerts of targets that left the inventory.
// A target's up/down rules (SnmpTargetUnreachable, AgentOffline) wait for
// the round that succeeds again; a target removed while down never has one,
// and its incident would stay open for good (the PromQL rule they replace
// resolved when the up series went stale). An alert belongs to such a rule
// when the rule matches a collector's down event with the alert's labels;
// present tells whether kind/instance is still a target.
func (e *Engine) ResolveGoneTargets(ctx context.Context, present func(kind, instance string) bool) {
	now := e.opts.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []alerting.Alert
	for k, a := range e.active {
		labels := a.alert.Labels
		if !stateRule(&e.rules[k.rule], labels) || present(labels["kind"], labels["instance"]) {
			continue
		}
		if res, ok := e.resolve(k, now); ok {
			out = append(out, res)
		}
	}
	e.deliver(ctx, out)
}

// stateRule reports whether r is raised by a collector's down event for the
// target an alert with these labels is about.
func stateRule(r *Rule, labels map[string]string) bool {
	ev := maps.Clone(labels)
	ev["source"], ev["state"] = "collector", "down"
	return r.Flap == nil && r.Burst == nil && r.Match.Matches(ev)
}
