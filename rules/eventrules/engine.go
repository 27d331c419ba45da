package eventrules

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// contextLabels are copied from the event onto the alert, so routing,
// inhibition and the big screen see where it happened (inventory labels), and
// which WAN link and redundancy group an interface event is about.
var contextLabels = []string{"district", "level", "site", "system", "dept", "kind", "device", "instance", "link", "group"}

// Options tune an Engine; the zero value is usable.
type Options struct {
	Log       *slog.Logger     // nil: discard
	Now       func() time.Time // nil: time.Now; tests inject a clock
	MaxActive int              // bound on active alerts; 0: 10000
	Tick      time.Duration    // how often Run checks resolve_after; 0: 10s
	// MaxFlapKeys bounds the ports (keys) whose changes flap rules count;
	// 0: 20000. The stalest is forgotten first.
	MaxFlapKeys int
	// MaxBurstKeys bounds the keys (source addresses, target and source)
	// whose events burst rules count; 0: 20000. The stalest is forgotten
	// first, and counted.
	MaxBurstKeys int
}

// Engine matches events against rules and keeps the alerts they raised.
// onAlerts is called synchronously, under the engine's lock so fire and
// resolve reach it in order; it must not call back into the Engine.
type Engine struct {
	rules    []Rule
	onAlerts func(context.Context, []alerting.Alert)
	opts     Options

	mu     sync.Mutex
	active map[activeKey]*active
	flaps  windowTable // flap rules' keys (flap.go)
	bursts windowTable // burst rules' keys (burst.go)
	capHit bool        // a drop was logged; log again only after the bound recovered
}

type activeKey struct {
	rule int
	key  string
}

type active struct {
	alert    alerting.Alert
	lastSeen time.Time // last raising event, for resolve_after
}

var _ collectors.EventSink = (*Engine)(nil)

// New builds an engine over compiled rules (Pack, LoadFile).
func New(rules []Rule, onAlerts func(context.Context, []alerting.Alert), opts Options) *Engine {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxActive <= 0 {
		opts.MaxActive = 10000
	}
	if opts.Tick <= 0 {
		opts.Tick = 10 * time.Second
	}
	opts.MaxFlapKeys = cmp.Or(max(opts.MaxFlapKeys, 0), 20000)
	opts.MaxBurstKeys = cmp.Or(max(opts.MaxBurstKeys, 0), 20000)
	return &Engine{rules: rules, onAlerts: onAlerts, opts: opts, active: map[activeKey]*active{},
		flaps: newWindowTable(opts.MaxFlapKeys, "max_flap_keys"), bursts: newWindowTable(opts.MaxBurstKeys, "max_burst_keys")}
}

// busy reports whether k has an active alert: its window must stay, or the
// alert would lose what keeps it up.
func (e *Engine) busy(k activeKey) bool { return e.active[k] != nil }

// AppendEvents implements collectors.EventSink; it never fails.
func (e *Engine) AppendEvents(ctx context.Context, events []collectors.Event) error {
	e.Handle(ctx, events)
	return nil
}

// Handle matches events in order and delivers the alerts they raise or
// resolve in one call to onAlerts.
func (e *Engine) Handle(ctx context.Context, events []collectors.Event) {
	metrics.GetOrCreateCounter(`swanwatch_eventrules_events_total`).Add(len(events))
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []alerting.Alert
	for _, ev := range events {
		for i := range e.rules {
			out = e.apply(i, ev, out)
		}
	}
	e.deliver(ctx, out)
}

// apply runs one rule on one event: resolve first, so an event matching
// both sides of a rule leaves the alert firing with a fresh start.
func (e *Engine) apply(i int, ev collectors.Event, out []alerting.Alert) []alerting.Alert {
	r := &e.rules[i]
	if r.Flap != nil {
		if r.Match.Matches(ev.Labels) {
			out = e.flap(i, ev, out)
		}
		return out
	}
	if r.Burst != nil {
		if r.Match.Matches(ev.Labels) && (r.Text == nil || r.Text.MatchString(ev.Text)) {
			out = e.burst(i, ev, out)
		}
		return out
	}
	if r.ResolveOn != nil && r.ResolveOn.Matches(ev.Labels) {
		if a, ok := e.resolve(activeKey{i, keyOf(r, ev.Labels)}, e.at(ev)); ok {
			out = append(out, a)
		}
	}
	if r.Match.Matches(ev.Labels) && (r.Text == nil || r.Text.MatchString(ev.Text)) {
		if a, ok := e.fire(i, ev); ok {
			out = append(out, a)
		}
	}
	return out
}

// fire raises the alert, or refreshes its quiet timer if it is already
// active (a repeated trap is not a new alert). ok reports a new alert.
func (e *Engine) fire(i int, ev collectors.Event) (alerting.Alert, bool) {
	r := &e.rules[i]
	k := activeKey{i, keyOf(r, ev.Labels)}
	if a := e.active[k]; a != nil {
		a.lastSeen = e.at(ev)
		return alerting.Alert{}, false
	}
	if len(e.active) >= e.opts.MaxActive {
		e.dropped(r.Alert)
		return alerting.Alert{}, false
	}
	e.capHit = false
	a := newAlert(r, ev, e.at(ev))
	e.active[k] = &active{alert: a, lastSeen: a.StartsAt}
	e.gauge()
	return a, true
}

func (e *Engine) resolve(k activeKey, at time.Time) (alerting.Alert, bool) {
	a := e.active[k]
	if a == nil {
		return alerting.Alert{}, false
	}
	delete(e.active, k)
	e.gauge()
	res := a.alert
	res.Firing, res.EndsAt = false, at
	return res, true
}

// dropped counts an alert lost to the bound and logs once per episode.
func (e *Engine) dropped(alertname string) {
	countDropped("max_active")
	if !e.capHit {
		e.capHit = true
		e.opts.Log.Warn("event alert dropped: too many active event alerts; raise max_active or fix the flood",
			"alertname", alertname, "max_active", e.opts.MaxActive)
	}
}

func countDropped(reason string) {
	metrics.GetOrCreateCounter(`swanwatch_eventrules_dropped_total{reason="` + reason + `"}`).Inc()
}

func (e *Engine) deliver(ctx context.Context, out []alerting.Alert) {
	for _, a := range out {
		state := "resolved"
		if a.Firing {
			state = "firing"
		}
		metrics.GetOrCreateCounter(`swanwatch_eventrules_alerts_total{state="` + state + `"}`).Inc()
	}
	if len(out) > 0 && e.onAlerts != nil {
		e.onAlerts(ctx, out)
	}
}

func (e *Engine) gauge() {
	metrics.GetOrCreateGauge(`swanwatch_eventrules_active_alerts`, nil).Set(float64(len(e.active)))
}

// at is when an event happened; an event without a time happened now.
func (e *Engine) at(ev collectors.Event) time.Time {
	if ev.Time.IsZero() {
		return e.opts.Now()
	}
	return ev.Time
}

// keyOf joins the key label values; \xff cannot occur in valid UTF-8.
func keyOf(r *Rule, labels map[string]string) string {
	var sb strings.Builder
	for _, k := range r.Key {
		sb.WriteString(labels[k])
		sb.WriteByte(0xff)
	}
	return sb.String()
}

// newAlert builds the firing alert: context and key labels from the event,
// then the rule's labels, then alertname. The fingerprint hashes the labels
// as Alertmanager does, so the incident store treats it like a PromQL alert.
func newAlert(r *Rule, ev collectors.Event, at time.Time) alerting.Alert {
	labels := map[string]string{}
	for _, k := range slices.Concat(contextLabels, r.Key) {
		if v := ev.Labels[k]; v != "" {
			labels[k] = v
		}
	}
	maps.Copy(labels, r.Labels)
	labels[model.AlertNameLabel] = r.Alert
	return alerting.Alert{
		Fingerprint: fmt.Sprintf("%016x", model.LabelsToSignature(labels)),
		Labels:      labels,
		Annotations: r.render(templateLabels(ev.Labels, labels), ev.Text, at),
		Firing:      true,
		StartsAt:    at,
	}
}

// templateLabels is what $labels holds: every event label (varbinds such as
// ifAlias are useful in a description), overridden by the alert's own.
func templateLabels(event, alert map[string]string) map[string]string {
	out := maps.Clone(event)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, alert)
	return out
}

// Restore takes back the alerts that were active before a restart, from the
// incident store's open incidents: without it a linkUp after a restart would
// resolve nothing and the incident would stay open for good. An alert is
// claimed by the rule that names it and whose labels it carries; resolve_after
// counts again from now, so a restart never resolves anything early. It
// returns how many alerts were taken back.
func (e *Engine) Restore(alerts []alerting.Alert) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, a := range alerts {
		i, ok := e.ruleOf(a)
		if !ok || !a.Firing || len(e.active) >= e.opts.MaxActive {
			continue
		}
		k := activeKey{i, keyOf(&e.rules[i], a.Labels)}
		if e.active[k] == nil {
			e.active[k] = &active{alert: a, lastSeen: e.opts.Now()}
			n++
		}
	}
	e.gauge()
	return n
}

// ruleOf finds the rule that raised an alert: same alertname, its labels
// present, every key label present.
func (e *Engine) ruleOf(a alerting.Alert) (int, bool) {
	for i := range e.rules {
		r := &e.rules[i]
		if r.Alert != a.Labels[model.AlertNameLabel] {
			continue
		}
		match := true
		for k, v := range r.Labels {
			match = match && a.Labels[k] == v
		}
		for _, k := range r.Key {
			_, has := a.Labels[k]
			match = match && has
		}
		if match {
			return i, true
		}
	}
	return 0, false
}
