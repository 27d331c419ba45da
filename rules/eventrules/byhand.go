package eventrules

import "github.com/swanwatch/swanwatch/rules/alerting"

// ByHand reports whether a is an alert of an event rule that only another
// event closes (resolve_on, or nothing): when that event never comes — a
// device that died before sending its linkUp — a person marks the incident
// resolved by hand (标记已恢复). Rules that resolve themselves after a quiet
// time (resolve_after, flaps, bursts) are never closed by hand.
func (e *Engine) ByHand(a alerting.Alert) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	i, ok := e.ruleOf(a)
	if !ok {
		return false
	}
	r := &e.rules[i]
	return r.ResolveAfter == 0 && r.Flap == nil && r.Burst == nil
}

// Forget lets go of an alert marked resolved by hand, without announcing a
// resolution (the incident store records who closed it): the next matching
// event raises a new alert. It reports false for an alert ByHand refuses.
func (e *Engine) Forget(a alerting.Alert) bool {
	if !e.ByHand(a) {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	i, _ := e.ruleOf(a)
	delete(e.active, activeKey{i, keyOf(&e.rules[i], a.Labels)})
	e.gauge()
	return true
}
