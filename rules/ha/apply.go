package ha

import "time"

// hostFailed opens a failure, or folds a duplicate into the open one (the
// platform reports one failure several ways: HA's event, the lost
// connection, the host seen notResponding).
func (t *Tracker) hostFailed(e event, now time.Time) {
	k := hostKey{e.instance, e.host}
	if tr := t.open[k]; tr != nil {
		f := &tr.f
		if e.at.Before(f.FailedAt) {
			f.FailedAt = e.at
			tr.redoDowntimes()
			tr.dirty = true
		}
		if !f.RecoveredAt.IsZero() && e.at.After(f.RecoveredAt) {
			f.RecoveredAt = time.Time{} // down again before its VMs were back: still this failure
			tr.dirty = true
		}
		if e.kind == evHostFailed && f.Kind != evHostFailed {
			f.Kind = e.kind // isolation that turned into a failure
			tr.dirty = true
		}
		return
	}
	if c, ok := t.lastClosed[k]; ok && !e.at.After(c) {
		countIgnored("stale")
		return
	}
	if len(t.open) >= t.opts.MaxOpen {
		countIgnored("max_open")
		if !t.capHit {
			t.capHit = true
			t.opts.Log.Warn("host failure not tracked: too many open host failures; raise max_open or check the platform",
				"host", e.host, "instance", e.instance, "max_open", t.opts.MaxOpen)
		}
		return
	}
	t.capHit = false
	t.open[k] = &tracked{idx: map[string]int{}, dirty: true, f: Failure{Instance: e.instance, Host: e.host,
		Cluster: e.cluster, Kind: e.kind, FailedAt: e.at, VMs: []VM{}}}
	t.adopt(k, now)
}

func (t *Tracker) hostRecovered(e event) {
	tr := t.open[hostKey{e.instance, e.host}]
	if tr == nil || e.at.Before(tr.f.FailedAt) {
		return // no failure, or an old reconnect from before it
	}
	if e.at.After(tr.f.RecoveredAt) {
		tr.f.RecoveredAt = e.at
		tr.dirty = true
	}
}

// vmDown adds a VM of the failed host, if the event is near the failure.
func (t *Tracker) vmDown(e event, now time.Time) {
	tr := t.open[hostKey{e.instance, e.host}]
	if tr == nil {
		t.keepEarly(e, now)
		return
	}
	if d := e.at.Sub(tr.f.FailedAt).Abs(); d > t.opts.Window {
		countIgnored("outside_window")
		return
	}
	tr.vm(e.vm, t.opts.MaxVMs)
}

// vmHA is HA's word on a VM: restarted elsewhere, or given up.
func (t *Tracker) vmHA(e event, now time.Time) {
	tr, i := t.failureOf(e)
	if tr == nil {
		t.keepEarly(e, now)
		return
	}
	f := &tr.f
	if e.at.Before(f.FailedAt.Add(-t.opts.Window)) {
		countIgnored("stale")
		return
	}
	if i < 0 {
		if e.at.After(f.FailedAt.Add(t.opts.Deadline)) {
			countIgnored("outside_window") // a restart long after is not this failure's
			return
		}
		if i = tr.vm(e.vm, t.opts.MaxVMs); i < 0 {
			return
		}
	}
	if e.kind == evVMRestarted {
		tr.back(i, Restarted, e.toHost, e.at)
		return
	}
	if v := &f.VMs[i]; !v.Outcome.Back() && v.Outcome != FailoverFailed {
		v.Outcome, v.GaveUpAt = FailoverFailed, e.at
		tr.dirty = true
	}
}

// vmMigrated counts a vMotion off the failed host for a VM already listed.
func (t *Tracker) vmMigrated(e event) {
	if tr, i := t.failureOf(e); tr != nil && i >= 0 && !e.at.Before(tr.f.FailedAt) {
		tr.back(i, Migrated, e.toHost, e.at)
	}
}

// vmStarted counts a VM powered on again without an HA event: on the failed
// host once it is back (原机恢复) or elsewhere (手工恢复).
func (t *Tracker) vmStarted(e event) {
	tr, i := t.findVM(e.instance, e.vm)
	if tr == nil || e.at.Before(tr.f.FailedAt) {
		return
	}
	o := Manual
	if e.host == tr.f.Host {
		o = InPlace
	}
	tr.back(i, o, e.host, e.at)
}

// failureOf finds the open failure an HA event names (from_host; for a
// failover failure also host), or, when it names none, the one listing the VM.
// i is the VM's index, -1 when not listed yet.
func (t *Tracker) failureOf(e event) (*tracked, int) {
	if h := e.failedHost(); h != "" {
		tr := t.open[hostKey{e.instance, h}]
		if tr == nil {
			return nil, -1
		}
		if i, ok := tr.idx[e.vm]; ok {
			return tr, i
		}
		return tr, -1
	}
	return t.findVM(e.instance, e.vm)
}

// failedHost is the host an event points to as the failed one.
func (e event) failedHost() string {
	switch e.kind {
	case evVMDown:
		return e.host
	case evFailoverFailed:
		if e.fromHost == "" {
			return e.host
		}
	}
	return e.fromHost
}

// findVM finds the open failure listing the VM on that platform, preferring
// one where it is not back yet.
func (t *Tracker) findVM(instance, vm string) (*tracked, int) {
	var found *tracked
	at := -1
	for k, tr := range t.open {
		if k.instance != instance {
			continue
		}
		if i, ok := tr.idx[vm]; ok && (found == nil || !tr.f.VMs[i].Outcome.Back()) {
			found, at = tr, i
		}
	}
	return found, at
}

// vm returns the index of a VM, adding it as Pending; -1 past the bound.
func (tr *tracked) vm(name string, maxVMs int) int {
	if i, ok := tr.idx[name]; ok {
		return i
	}
	if len(tr.f.VMs) >= maxVMs {
		countIgnored("max_vms")
		return -1
	}
	tr.f.VMs = append(tr.f.VMs, VM{Name: name, Outcome: Pending})
	tr.idx[name] = len(tr.f.VMs) - 1
	tr.dirty = true
	return len(tr.f.VMs) - 1
}

// back records a VM running again. HA's word wins over a power-on seen
// first (the collector may see the VM start before HA's event arrives); the
// earliest time the VM was seen back is kept.
func (tr *tracked) back(i int, o Outcome, to string, at time.Time) {
	v := &tr.f.VMs[i]
	was := v.Outcome.Back()
	switch {
	case !was:
	case o.ByHA() && !v.Outcome.ByHA():
	case v.Outcome == o && at.Before(v.BackAt):
	case v.Outcome == o && v.ToHost == "" && to != "":
		// the same outcome again, now with the host it came back on (the
		// first report could not name it): the name, never a later time
	default:
		return
	}
	if was && v.BackAt.Before(at) {
		at = v.BackAt
	}
	v.Outcome, v.BackAt = o, at
	if to != "" {
		v.ToHost = to
	}
	v.Downtime = max(at.Sub(tr.f.FailedAt), 0)
	tr.dirty = true
}

// redoDowntimes follows an earlier failure time.
func (tr *tracked) redoDowntimes() {
	for i := range tr.f.VMs {
		if v := &tr.f.VMs[i]; v.Outcome.Back() {
			v.Downtime = max(v.BackAt.Sub(tr.f.FailedAt), 0)
		}
	}
}

// keepEarly holds a VM event that came before its host's failure (events of
// one batch are not ordered), for Window; the oldest goes first past MaxEarly.
func (t *Tracker) keepEarly(e event, now time.Time) {
	if e.failedHost() == "" || e.kind == evVMMigrated {
		return
	}
	if len(t.early) >= t.opts.MaxEarly {
		countIgnored("max_early")
		t.early = t.early[1:]
	}
	t.early = append(t.early, early{e: e, arrived: now})
}

// adopt replays the early events of a host that has just failed.
func (t *Tracker) adopt(k hostKey, now time.Time) {
	var mine []event
	kept := t.early[:0]
	for _, x := range t.early {
		if x.e.instance == k.instance && x.e.failedHost() == k.host {
			mine = append(mine, x.e)
		} else {
			kept = append(kept, x)
		}
	}
	clear(t.early[len(kept):])
	t.early = kept
	for _, e := range mine {
		t.apply(e, now)
	}
}

// expireEarly forgets early events no failure claimed within Window.
func (t *Tracker) expireEarly(now time.Time) {
	n := 0
	for n < len(t.early) && now.Sub(t.early[n].arrived) > t.opts.Window {
		n++
	}
	t.early = t.early[n:]
	for k, c := range t.lastClosed {
		if now.Sub(c) > time.Hour {
			delete(t.lastClosed, k)
		}
	}
}
