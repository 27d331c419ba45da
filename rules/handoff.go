package rules

import (
	"context"
	"fmt"
	"log/slog"
	"sync"

	"github.com/VictoriaMetrics/metrics"
	promrules "github.com/prometheus/prometheus/rules"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// DefaultNotifyQueue is how many alerts may wait for OnAlerts at most.
const DefaultNotifyQueue = 20_000

var (
	notifyDropped = metrics.NewCounter(`swanwatch_rules_notify_dropped_alerts_total`)
	notifyQueued  = metrics.NewGauge(`swanwatch_rules_notify_queued_alerts`, nil)
)

// handoff decouples the rule groups from OnAlerts. Prometheus calls its
// NotifyFunc synchronously from each group's goroutine: a blocked incident
// store would stall that group's evaluation and, worse, Manager.Update and
// Stop, which wait for a group's iteration to end (so a reload or a shutdown
// would hang). Groups only queue here; one goroutine delivers, in order.
// Dropping the oldest batch when the queue is full loses nothing for long:
// Prometheus re-sends firing alerts every minute and resolved ones for 15.
type handoff struct {
	deliver func(ctx context.Context, alerts []alerting.Alert)
	max     int

	mu     sync.Mutex
	queue  [][]alerting.Alert // batches, oldest first
	queued int                // alerts in queue
	wake   chan struct{}      // one pending signal is enough
}

func newHandoff(deliver func(context.Context, []alerting.Alert), max int) *handoff {
	return &handoff{deliver: deliver, max: max, wake: make(chan struct{}, 1)}
}

// put queues one batch, dropping the oldest ones past the bound. It never
// blocks. A batch larger than the bound alone is still queued, alone: a
// group's own limit may allow it.
func (h *handoff) put(batch []alerting.Alert) {
	if h.deliver == nil || len(batch) == 0 {
		return
	}
	h.mu.Lock()
	for len(h.queue) > 0 && h.queued+len(batch) > h.max {
		h.queued -= len(h.queue[0])
		notifyDropped.Add(len(h.queue[0]))
		h.queue[0] = nil
		h.queue = h.queue[1:]
	}
	h.queue = append(h.queue, batch)
	h.queued += len(batch)
	notifyQueued.Set(float64(h.queued))
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// take removes the oldest batch; nil when the queue is empty.
func (h *handoff) take() []alerting.Alert {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.queue) == 0 {
		return nil
	}
	batch := h.queue[0]
	h.queue[0] = nil
	h.queue = h.queue[1:]
	h.queued -= len(batch)
	notifyQueued.Set(float64(h.queued))
	return batch
}

// run delivers batches one by one until ctx ends; what is still queued then
// is left for Prometheus to send again after a restart.
func (h *handoff) run(ctx context.Context) {
	if h.deliver == nil {
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.wake:
		}
		for batch := h.take(); batch != nil && ctx.Err() == nil; batch = h.take() {
			h.deliver(ctx, batch)
		}
	}
}

// notify counts alerts by state (a bounded label) and queues them for
// OnAlerts. It runs on a rule group's goroutine and never blocks.
func (e *Engine) notify(ctx context.Context, _ string, alerts ...*promrules.Alert) {
	out := make([]alerting.Alert, 0, len(alerts))
	for _, a := range alerts {
		state := "firing"
		if !a.ResolvedAt.IsZero() {
			state = "resolved"
		}
		metrics.GetOrCreateCounter(`swanwatch_rules_alert_notifications_total{state="` + state + `"}`).Inc()
		e.log.Log(ctx, slog.LevelDebug, "alert", "state", state, "labels", a.Labels.String())
		out = append(out, toAlert(a, e.opts.ExternalURL))
	}
	e.handoff.put(out)
}

// toAlert converts Prometheus's alert to ours; the fingerprint is the label
// set's hash, as Alertmanager's is, so the same alert keeps its incident.
func toAlert(a *promrules.Alert, externalURL string) alerting.Alert {
	return alerting.Alert{
		Fingerprint:  fmt.Sprintf("%016x", a.Labels.Hash()),
		Labels:       a.Labels.Map(),
		Annotations:  a.Annotations.Map(),
		Firing:       a.ResolvedAt.IsZero(),
		StartsAt:     a.FiredAt,
		EndsAt:       a.ResolvedAt,
		GeneratorURL: externalURL,
	}
}
