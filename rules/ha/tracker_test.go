package ha

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// story feeds the host failure: esx-07 fails with 20 VMs; HA
// restarts 19 of them on the other hosts (web-01 on esx-03 after 1分12秒),
// and gives up on db-09.
func story(ctx context.Context, tr *Tracker, c *clock) {
	c.set(t0)
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-07")})
	c.set(t0.Add(5 * time.Second))
	var downs []collectors.Event
	for i := range 20 {
		downs = append(downs, vmDown(t0.Add(5*time.Second), "esx-07", vmName(i)))
	}
	tr.Handle(ctx, downs)
	c.set(t0.Add(3 * time.Minute))
	var back []collectors.Event
	for i := range 19 {
		to := fmt.Sprintf("esx-%02d", 1+i%5)
		if i == 0 {
			to = "esx-03"
		}
		back = append(back, vmRestarted(t0.Add(72*time.Second+time.Duration(i)*5*time.Second), vmName(i), "esx-07", to))
	}
	back = append(back, vmFailoverFailed(t0.Add(3*time.Minute), "db-09", "esx-07"))
	tr.Handle(ctx, back)
}

// The happy story: one alert for the host, re-fired as VMs come back; it
// stays open while db-09 is down, even after the host is back, and
// resolves when db-09 is started by hand.
func TestHostFailureStory(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(openDB(t, t.TempDir()), rec.onAlerts, Options{Now: c.now})
	story(ctx, tr, c)

	all := rec.all()
	require.Len(t, all, 3, "fired, re-fired with the 20 VMs, re-fired with their outcomes")
	first := all[0]
	assert.Equal(t, map[string]string{"alertname": "HostFailure", "instance": "vc-01", "host": "esx-07",
		"device": "esx-07", "kind": "hypervisor", "cluster": "政务云A", "severity": "critical", "requirement": "R-A9"},
		first.Labels, "device: the host as the topology inhibitor's node")
	assert.True(t, first.Firing)
	assert.Equal(t, t0, first.StartsAt)
	assert.Equal(t, "宿主机 esx-07 故障（集群 政务云A）：受影响云服务器 0 台", first.Annotations["summary"])
	for _, a := range all {
		assert.Equal(t, first.Fingerprint, a.Fingerprint, "one incident per host failure")
	}
	assert.Contains(t, all[1].Annotations["summary"], "受影响云服务器 20 台，等待恢复 20 台")

	last := all[2]
	assert.Equal(t, "宿主机 esx-07 故障（集群 政务云A）：受影响云服务器 20 台，HA已重启 19 台，未恢复 1 台",
		last.Annotations["summary"])
	d := last.Annotations["description"]
	assert.Contains(t, d, "宿主机 esx-07 故障（集群 政务云A）：受影响云服务器 20 台，HA已重启 19 台（web-01 → esx-03，停机 1分12秒；")
	assert.Contains(t, d, "web-19 → esx-04，停机 2分42秒），未恢复 1 台：db-09（HA重启失败）。")
	assert.Contains(t, d, "故障时间 2026-12-07 10:00:00（vc-01）；宿主机尚未恢复。")

	// A repeated event changes nothing: no re-fire.
	rec.reset()
	tr.Handle(ctx, []collectors.Event{hostFailed(t0.Add(time.Minute), "esx-07"),
		vmRestarted(t0.Add(80*time.Second), "web-01", "esx-07", "esx-03")})
	assert.Empty(t, rec.all())

	// The host back: db-09 still down, the alert stays.
	c.set(t0.Add(20 * time.Minute))
	tr.Handle(ctx, []collectors.Event{hostRecovered(t0.Add(20*time.Minute), "esx-07")})
	a := rec.last(t)
	assert.True(t, a.Firing)
	assert.Contains(t, a.Annotations["description"], "宿主机 2026-12-07 10:20:00 已恢复")

	// db-09 started by hand: every VM back, resolved at that time.
	rec.reset()
	c.set(t0.Add(40 * time.Minute))
	tr.Handle(ctx, []collectors.Event{vmStarted(t0.Add(40*time.Minute), "db-09", "esx-02")})
	a = rec.last(t)
	assert.False(t, a.Firing)
	assert.Equal(t, first.Fingerprint, a.Fingerprint)
	assert.Equal(t, t0.Add(40*time.Minute), a.EndsAt)
	assert.Contains(t, a.Annotations["description"], "手工恢复 1 台（db-09 → esx-02，停机 40分0秒）")
	assert.Empty(t, tr.Active())

	m, err := tr.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 1, m.HostFailures)
	assert.Equal(t, 20, m.VMsAffected)
	assert.Equal(t, 19, m.RestartedByHA)
	assert.Equal(t, 1, m.NotRecovered)
	assert.Equal(t, 0, m.StillDown)
	require.Len(t, m.NotRecoveredVMs, 1)
	assert.Equal(t, "db-09", m.NotRecoveredVMs[0].Name)
	assert.Equal(t, Manual, m.NotRecoveredVMs[0].Outcome)
	assert.Equal(t, 72*time.Second+9*5*time.Second, m.MedianDowntime, "19 downtimes 72 s … 162 s by 5 s")
	assert.Equal(t, 72*time.Second+18*5*time.Second, m.LongestDowntime)
	require.Len(t, m.Failures, 1)
	f := m.Failures[0]
	assert.Equal(t, t0.Add(20*time.Minute), f.RecoveredAt.UTC())
	assert.Equal(t, t0.Add(40*time.Minute), f.ClosedAt.UTC())
}

// A host that never comes back with a VM never restarted: at the deadline
// the VM is 未恢复 and the alert says so; the host's return does not close it.
func TestVMNotBackByDeadline(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(openDB(t, t.TempDir()), rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-07"), vmDown(t0, "esx-07", "a"), vmDown(t0, "esx-07", "b"),
		vmRestarted(t0.Add(time.Minute), "a", "esx-07", "esx-01")})
	c.set(t0.Add(9 * time.Minute))
	tr.Tick(ctx)
	assert.Contains(t, rec.last(t).Annotations["description"], "等待恢复 1 台：b。")
	c.set(t0.Add(10 * time.Minute))
	tr.Tick(ctx)
	assert.Contains(t, rec.last(t).Annotations["description"], "未恢复 1 台：b（超时未恢复）")
	c.set(t0.Add(30 * time.Minute))
	rec.reset()
	tr.Handle(ctx, []collectors.Event{hostRecovered(t0.Add(30*time.Minute), "esx-07")})
	tr.Tick(ctx)
	a := rec.last(t)
	assert.True(t, a.Firing, "a VM that never came back keeps the phone ringing")

	// A late HA restart still counts as HA's, with its real downtime.
	c.set(t0.Add(31 * time.Minute))
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(31*time.Minute), "b", "esx-07", "esx-02")})
	a = rec.last(t)
	assert.False(t, a.Firing)
	m, err := tr.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 2, m.RestartedByHA)
	assert.Equal(t, 31*time.Minute, m.LongestDowntime)
	assert.Equal(t, (time.Minute+31*time.Minute)/2, m.MedianDowntime, "even count: the mean of the middle two")
}

// Duplicates and events out of order: the VM's restart before its vm_down,
// VM events before the host_failed (in one batch and across batches), the
// failure reported three ways with the earliest time last.
func TestDuplicatesAndOutOfOrder(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0.Add(time.Minute)}
	var rec recorder
	tr := New(nil, rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{
		vmRestarted(t0.Add(50*time.Second), "a", "esx-07", "esx-01"), // before anything
		vmDown(t0.Add(2*time.Second), "esx-07", "b"),
	})
	assert.Empty(t, rec.all(), "no failure yet")
	tr.Handle(ctx, []collectors.Event{
		vmDown(t0.Add(2*time.Second), "esx-07", "c"),
		hv(t0.Add(20*time.Second), "host_failed", "host", "esx-07", "event_type_id", "HostConnectionLostEvent"),
		vmDown(t0.Add(2*time.Second), "esx-07", "a"), // after its restart
		vmRestarted(t0.Add(50*time.Second), "a", "esx-07", "esx-01"),
		hostFailed(t0, "esx-07"), // HA's own event, earlier, last
		hv(t0.Add(30*time.Second), "host_failed", "host", "esx-07", "event_type_id", "HostSystem notResponding"),
		vmDown(t0.Add(-30*time.Minute), "esx-07", "old"), // far from the failure: not its VM
	})
	f := onlyOpen(t, tr)
	assert.Equal(t, t0, f.FailedAt, "the earliest report of the failure")
	require.Len(t, f.VMs, 3)
	byName := map[string]VM{}
	for _, v := range f.VMs {
		byName[v.Name] = v
	}
	assert.Equal(t, Restarted, byName["a"].Outcome, "a vm_down after the restart does not undo it")
	assert.Equal(t, 50*time.Second, byName["a"].Downtime, "from the earliest failure time")
	assert.Equal(t, Pending, byName["b"].Outcome, "an early vm_down from an earlier batch is adopted")
	assert.Equal(t, Pending, byName["c"].Outcome)

	// A power-on seen before HA's event: HA's word wins, the earlier time stays.
	tr.Handle(ctx, []collectors.Event{vmStarted(t0.Add(40*time.Second), "b", "esx-02"),
		vmRestarted(t0.Add(45*time.Second), "b", "esx-07", "esx-02")})
	f = onlyOpen(t, tr)
	for _, v := range f.VMs {
		if v.Name == "b" {
			assert.Equal(t, Restarted, v.Outcome)
			assert.Equal(t, 40*time.Second, v.Downtime)
		}
	}

	// After the close, a late duplicate host_failed does not open another failure.
	c.set(t0.Add(5 * time.Minute))
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(70*time.Second), "c", "esx-07", "esx-03"),
		hostRecovered(t0.Add(4*time.Minute), "esx-07")})
	require.False(t, rec.last(t).Firing)
	assert.Equal(t, t0.Add(4*time.Minute), rec.last(t).EndsAt)
	tr.Handle(ctx, []collectors.Event{hostFailed(t0.Add(30*time.Second), "esx-07")})
	assert.Empty(t, tr.Active())
}

// onlyOpen is the tracker's single open failure.
func onlyOpen(t *testing.T, tr *Tracker) Failure {
	t.Helper()
	fs, err := tr.Failures(context.Background(), t0.Add(-time.Hour), t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	return fs[0]
}

// A host that reboots and starts its VMs itself (KVM autostart, or no HA):
// the VMs are back in place (原机恢复), counted apart from HA's restarts and
// not as HA failures; the failure closes.
func TestVMsBackInPlace(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(openDB(t, t.TempDir()), rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "kvm-3"), vmDown(t0, "kvm-3", "a"), vmDown(t0, "kvm-3", "b")})
	c.set(t0.Add(6 * time.Minute))
	tr.Handle(ctx, []collectors.Event{hostRecovered(t0.Add(5*time.Minute), "kvm-3"),
		vmStarted(t0.Add(6*time.Minute), "a", "kvm-3"), vmStarted(t0.Add(6*time.Minute), "b", "kvm-3")})
	a := rec.last(t)
	assert.False(t, a.Firing)
	assert.Contains(t, a.Annotations["description"], "原机恢复 2 台（a → kvm-3，停机 6分0秒；b → kvm-3，停机 6分0秒）")
	m, err := tr.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 2, m.InPlace)
	assert.Zero(t, m.RestartedByHA)
	assert.Zero(t, m.NotRecovered)
	assert.Zero(t, m.MedianDowntime, "in-place restarts say nothing about HA")
}

// A host back within the vm_down window is not closed before the window
// has passed: a late batch of vm_down still finds its failure.
func TestCloseWaitsForTheWindow(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(nil, rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-01"), hostRecovered(t0.Add(30*time.Second), "esx-01")})
	assert.True(t, rec.last(t).Firing)
	tr.Handle(ctx, []collectors.Event{vmDown(t0.Add(10*time.Second), "esx-01", "x")})
	c.set(t0.Add(3 * time.Minute))
	tr.Tick(ctx)
	assert.True(t, rec.last(t).Firing, "x is not back")
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(3*time.Minute), "x", "esx-01", "esx-02")})
	assert.False(t, rec.last(t).Firing)
}

// An isolated host says so; events of other sources and kinds are ignored.
func TestIsolationAndOtherEvents(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(nil, rec.onAlerts, Options{Now: c.now})
	other := hostFailed(t0, "esx-09")
	other.Labels["source"] = "snmp_trap"
	tr.Handle(ctx, []collectors.Event{other, hv(t0, "vm_stopped", "vm", "a", "host", "esx-09"),
		hv(t0, "host_isolated", "host", "esx-08")})
	all := rec.all()
	require.Len(t, all, 1)
	assert.Equal(t, "esx-08", all[0].Labels["host"])
	assert.Contains(t, all[0].Annotations["summary"], "宿主机 esx-08 网络隔离（集群 政务云A）")
}

// A collector that hands VMs over one event at a time: the failure opens at
// once, the VMs are announced at most once per Refresh, and the Tick
// flushes what waited.
func TestRefreshBoundsWrites(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(openDB(t, t.TempDir()), rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-07")})
	require.Len(t, rec.all(), 1, "the failure rings at once")
	for i := range 20 {
		c.set(t0.Add(time.Duration(i) * 400 * time.Millisecond))
		tr.Handle(ctx, []collectors.Event{vmDown(c.now(), "esx-07", vmName(i))})
	}
	got := rec.all()
	require.Len(t, got, 2, "one refresh within 8 s of single events")
	assert.Contains(t, got[1].Annotations["summary"], "受影响云服务器 14 台", "the VMs up to 5.2 s")
	tr.Tick(ctx)
	assert.Contains(t, rec.last(t).Annotations["summary"], "受影响云服务器 20 台")
	fs, err := tr.between(ctx, t0, t0.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Len(t, fs[0].VMs, 20, "the tick saved them")
}

// A failure that is over before it was announced (the events of a failure
// caught up after it ended) still opens and closes an incident: the month's
// evidence.
func TestFailureOverBeforeAnnounced(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0.Add(time.Hour)}
	var rec recorder
	tr := New(nil, rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-02"), vmDown(t0, "esx-02", "a"),
		vmRestarted(t0.Add(time.Minute), "a", "esx-02", "esx-01"), hostRecovered(t0.Add(10*time.Minute), "esx-02")})
	got := rec.all()
	require.Len(t, got, 2)
	assert.True(t, got[0].Firing)
	assert.Equal(t, t0, got[0].StartsAt)
	assert.False(t, got[1].Firing)
	assert.Equal(t, t0.Add(10*time.Minute), got[1].EndsAt)
	assert.Equal(t, got[0].Fingerprint, got[1].Fingerprint)
}

// A restart first reported without the host it came back on keeps its time
// and outcome and takes the host from a later report of the same restart.
func TestLaterReportNamesTheHost(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0.Add(time.Minute)}
	var rec recorder
	tr := New(nil, rec.onAlerts, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-07"), vmDown(t0.Add(2*time.Second), "esx-07", "a")})
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(50*time.Second), "a", "esx-07", "")})
	f := onlyOpen(t, tr)
	require.Len(t, f.VMs, 1)
	assert.Empty(t, f.VMs[0].ToHost)
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(58*time.Second), "a", "esx-07", "esx-02")})
	f = onlyOpen(t, tr)
	assert.Equal(t, Restarted, f.VMs[0].Outcome)
	assert.Equal(t, "esx-02", f.VMs[0].ToHost, "the later report names the host")
	assert.Equal(t, 50*time.Second, f.VMs[0].Downtime, "the first report's time stays")
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(65*time.Second), "a", "esx-07", "esx-04")})
	assert.Equal(t, "esx-02", onlyOpen(t, tr).VMs[0].ToHost, "a named host is not renamed by a later duplicate")
}
