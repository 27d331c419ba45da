package ha

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// settle runs after every batch and every tick: deadlines, closing, saving
// what changed, then one delivery of the alerts that changed. A failure is
// saved before its alert goes out, so that a restart takes back what the
// phone rang for; when the save fails the alert still goes out (the phone
// first) and the save is retried. A close is announced only once saved, so
// a restart never revives a failure whose end was announced.
// flush is false for a batch of events (Options.Refresh applies).
func (t *Tracker) settle(ctx context.Context, now time.Time, flush bool) {
	t.expireEarly(now)
	keys := make([]hostKey, 0, len(t.open))
	for k := range t.open {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b hostKey) int {
		return cmp.Or(cmp.Compare(a.instance, b.instance), cmp.Compare(a.host, b.host))
	})
	var out []alerting.Alert
	for _, k := range keys {
		out = t.settleOne(ctx, k, now, flush, out)
	}
	t.gauge()
	t.deliver(ctx, out)
}

func (t *Tracker) settleOne(ctx context.Context, k hostKey, now time.Time, flush bool, out []alerting.Alert) []alerting.Alert {
	tr := t.open[k]
	t.deadline(tr, now)
	if end, ok := t.closable(tr, now); ok && tr.f.ClosedAt.IsZero() {
		tr.f.ClosedAt = end
		tr.dirty = true
	}
	announced := tr.sentAnn != ""
	if !flush && announced && tr.f.Open() && now.Sub(tr.lastOut) < t.opts.Refresh {
		return out // the next batch after Refresh, or the next Tick
	}
	tr.lastOut = now
	if tr.dirty {
		if err := t.save(ctx, &tr.f); err != nil {
			metrics.GetOrCreateCounter(`swanwatch_ha_store_errors_total`).Inc()
			t.opts.Log.Error("save host failure; kept in memory and retried", "host", tr.f.Host,
				"instance", tr.f.Instance, "err", err)
		} else {
			tr.dirty = false
		}
	}
	a := alertOf(&tr.f)
	if tr.f.Open() {
		if d := a.Annotations["description"]; d != tr.sentAnn {
			tr.sentAnn = d
			out = append(out, a)
		}
		return out
	}
	if tr.dirty {
		return out
	}
	delete(t.open, k)
	t.lastClosed[k] = tr.f.ClosedAt
	if !announced { // over before anyone heard of it (events caught up late): still an incident on record
		fired := a
		fired.Firing, fired.EndsAt = true, time.Time{}
		out = append(out, fired)
	}
	return append(out, a)
}

// deadline marks the VMs not back by FailedAt + Deadline as 未恢复.
func (t *Tracker) deadline(tr *tracked, now time.Time) {
	due := tr.f.FailedAt.Add(t.opts.Deadline)
	if now.Before(due) {
		return
	}
	for i := range tr.f.VMs {
		if v := &tr.f.VMs[i]; v.Outcome == Pending {
			v.Outcome, v.GaveUpAt = NotRecovered, due
			tr.dirty = true
		}
	}
}

// closable tells whether the failure is over: the host is back, every VM is
// back, and the window for its vm_down events has passed (so a late batch
// cannot add a VM to a closed failure). end is when the last of them came back.
func (t *Tracker) closable(tr *tracked, now time.Time) (end time.Time, ok bool) {
	f := &tr.f
	if f.RecoveredAt.IsZero() || !f.allBack() || now.Before(f.FailedAt.Add(t.opts.Window)) {
		return time.Time{}, false
	}
	end = f.RecoveredAt
	for i := range f.VMs {
		if f.VMs[i].BackAt.After(end) {
			end = f.VMs[i].BackAt
		}
	}
	return end, true
}

func (t *Tracker) deliver(ctx context.Context, out []alerting.Alert) {
	for _, a := range out {
		state := "resolved"
		if a.Firing {
			state = "firing"
		}
		metrics.GetOrCreateCounter(`swanwatch_ha_alerts_total{state="` + state + `"}`).Inc()
	}
	if len(out) > 0 && t.onAlerts != nil {
		t.onAlerts(ctx, out)
	}
}
