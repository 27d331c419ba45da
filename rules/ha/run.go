package ha

import (
	"context"
	"time"

	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Run checks the deadlines every Options.Tick (a VM not back in time becomes
// 未恢复 and the alert is re-fired), closes failures whose window has passed,
// retries failed saves and prunes old records once a day, until ctx is done.
func (t *Tracker) Run(ctx context.Context) error {
	tick := time.NewTicker(t.opts.Tick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
			t.Tick(ctx)
		}
	}
}

// Tick is one round of Run; tests and a host that drives its own clock call it.
func (t *Tracker) Tick(ctx context.Context) {
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.settle(ctx, now, true)
	if now.Sub(t.lastPrune) < 24*time.Hour {
		return
	}
	t.lastPrune = now
	if n, err := t.prune(ctx, now); err != nil {
		t.opts.Log.Error("prune host failures", "err", err)
	} else if n > 0 {
		t.opts.Log.Info("host failures past retention pruned", "failures", n)
	}
}

// Restore takes back the failures open before a restart from the state
// database and re-raises their alerts (the incident store refreshes the
// incidents they had opened). openIncidents are the incident store's open
// alerts (alerting.Incidents.OpenAlerts; may be nil): a HostFailure among
// them that no open failure owns (its close was saved but not announced) is
// resolved now. It returns how many failures were taken back.
func (t *Tracker) Restore(ctx context.Context, openIncidents []alerting.Alert) (int, error) {
	if t.db == nil {
		return 0, nil
	}
	open, err := t.loadOpen(ctx)
	if err != nil {
		return 0, err
	}
	now := t.opts.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []alerting.Alert
	for _, f := range open {
		k := hostKey{f.Instance, f.Host}
		if t.open[k] != nil {
			continue // already followed since start: the memory is fresher
		}
		tr := &tracked{f: f, idx: make(map[string]int, len(f.VMs))}
		for i, v := range f.VMs {
			tr.idx[v.Name] = i
		}
		t.open[k] = tr
		a := alertOf(&tr.f)
		tr.sentAnn, tr.lastOut = a.Annotations["description"], now
		out = append(out, a)
	}
	owned := map[string]bool{}
	for _, tr := range t.open {
		owned[alertOf(&tr.f).Fingerprint] = true
	}
	for _, a := range openIncidents {
		if a.Labels[model.AlertNameLabel] == AlertName && !owned[a.Fingerprint] {
			a.Firing, a.EndsAt = false, now
			out = append(out, a)
		}
	}
	t.gauge()
	t.deliver(ctx, out)
	t.settle(ctx, now, true) // deadlines that passed while we were down
	return len(open), nil
}
