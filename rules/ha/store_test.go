package ha

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// A restart of SwanWatch in the middle of a failure: the new tracker takes
// the open failure back from the state database, re-raises its alert into
// the same incident (no second one), marks the VMs whose deadline passed
// while it was down, and resolves the incident when the rest come back. An
// open HostFailure incident whose failure was closed is resolved.
func TestRestartMidFailure(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	c := &clock{t: t0}

	db, err := statestore.Open(path, nil)
	require.NoError(t, err)
	incs := alerting.NewIncidents(db, c.now)
	record := func(ctx context.Context, as []alerting.Alert) {
		_, err := incs.Record(ctx, as)
		require.NoError(t, err)
	}
	tr := New(db, record, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-07"), vmDown(t0, "esx-07", "a"), vmDown(t0, "esx-07", "b"),
		vmDown(t0, "esx-07", "c")})
	c.set(t0.Add(time.Minute))
	tr.Handle(ctx, []collectors.Event{vmRestarted(t0.Add(time.Minute), "a", "esx-07", "esx-01")})
	stale := alertOf(&Failure{Instance: "vc-01", Host: "esx-99", FailedAt: t0, VMs: []VM{}})
	record(ctx, []alerting.Alert{stale}) // as if its close was saved but never announced
	before := tr.Active()
	require.Len(t, before, 1)
	require.NoError(t, db.Close())

	// Down for 14 minutes; b and c passed their deadline meanwhile.
	c.set(t0.Add(15 * time.Minute))
	db, err = statestore.Open(path, nil)
	require.NoError(t, err)
	defer db.Close()
	incs = alerting.NewIncidents(db, c.now)
	var rec recorder
	both := func(ctx context.Context, as []alerting.Alert) { rec.onAlerts(ctx, as); record(ctx, as) }
	tr = New(db, both, Options{Now: c.now})
	open, err := incs.OpenAlerts(ctx)
	require.NoError(t, err)
	require.Len(t, open, 2)
	n, err := tr.Restore(ctx, open)
	require.NoError(t, err)
	assert.Equal(t, 1, n)

	got := rec.all()
	require.Len(t, got, 3, "re-raised, the stale one resolved, then re-fired with the deadline passed")
	assert.Equal(t, before[0].Fingerprint, got[0].Fingerprint)
	assert.Equal(t, before[0].Annotations, got[0].Annotations, "the same failure, as it was")
	assert.Equal(t, stale.Fingerprint, got[1].Fingerprint)
	assert.False(t, got[1].Firing)
	assert.Contains(t, got[2].Annotations["description"], "HA已重启 1 台（a → esx-01，停机 1分0秒），未恢复 2 台：b（超时未恢复）；c（超时未恢复）")
	open, err = incs.OpenAlerts(ctx)
	require.NoError(t, err)
	require.Len(t, open, 1, "the restored alert refreshed its incident, no new one")
	assert.Equal(t, got[2].Annotations, open[0].Annotations)

	c.set(t0.Add(20 * time.Minute))
	tr.Handle(ctx, []collectors.Event{hostRecovered(t0.Add(16*time.Minute), "esx-07"),
		vmRestarted(t0.Add(17*time.Minute), "b", "esx-07", "esx-02"), vmStarted(t0.Add(18*time.Minute), "c", "esx-07")})
	assert.False(t, rec.last(t).Firing)
	open, err = incs.OpenAlerts(ctx)
	require.NoError(t, err)
	assert.Empty(t, open)
	m, err := tr.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 2, m.RestartedByHA)
	assert.Equal(t, 1, m.InPlace)
	assert.Equal(t, 17*time.Minute, m.LongestDowntime)
}

// Months are CST months: a failure at 23:50 on 30 November (CST) is
// November's, one at 00:10 on 1 December (still 30 November in UTC) is
// December's.
func TestMonthAcrossCSTBoundary(t *testing.T) {
	ctx := context.Background()
	nov := time.Date(2026, 11, 30, 15, 50, 0, 0, time.UTC) // 23:50 CST
	dec := nov.Add(20 * time.Minute)                       // 00:10 CST, 1 December
	c := &clock{t: nov}
	tr := New(openDB(t, t.TempDir()), nil, Options{Now: c.now})
	tr.Handle(ctx, []collectors.Event{hostFailed(nov, "esx-01"), vmDown(nov, "esx-01", "a"), vmDown(nov, "esx-01", "b"),
		vmRestarted(nov.Add(time.Minute), "a", "esx-01", "esx-02"), vmRestarted(nov.Add(2*time.Minute), "b", "esx-01", "esx-03"),
		hostRecovered(nov.Add(3*time.Minute), "esx-01")})
	c.set(dec)
	tr.Handle(ctx, []collectors.Event{hostFailed(dec, "esx-04"), vmDown(dec, "esx-04", "x"), vmDown(dec, "esx-04", "y"),
		vmRestarted(dec.Add(30*time.Second), "x", "esx-04", "esx-05"), vmFailoverFailed(dec.Add(time.Minute), "y", "esx-04")})
	c.set(dec.Add(time.Hour))
	tr.Tick(ctx)

	m, err := tr.Month(ctx, "2026-11")
	require.NoError(t, err)
	assert.Equal(t, 1, m.HostFailures)
	assert.Equal(t, 2, m.VMsAffected)
	assert.Equal(t, 2, m.RestartedByHA)
	assert.Equal(t, 90*time.Second, m.MedianDowntime)
	assert.Equal(t, 2*time.Minute, m.LongestDowntime)
	assert.Empty(t, m.NotRecoveredVMs)
	require.Len(t, m.Failures, 1)
	assert.Equal(t, "esx-01", m.Failures[0].Host)
	assert.False(t, m.Failures[0].Open())

	m, err = tr.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 1, m.HostFailures)
	assert.Equal(t, 1, m.RestartedByHA)
	assert.Equal(t, 1, m.NotRecovered)
	assert.Equal(t, 1, m.StillDown)
	require.Len(t, m.NotRecoveredVMs, 1)
	assert.Equal(t, "y", m.NotRecoveredVMs[0].Name)
	assert.Equal(t, "esx-04", m.NotRecoveredVMs[0].Host)
	assert.Equal(t, FailoverFailed, m.NotRecoveredVMs[0].Outcome)
	require.Len(t, m.Failures, 1)
	assert.True(t, m.Failures[0].Open())

	fs, err := tr.Failures(ctx, nov.Add(-time.Hour), dec.Add(time.Hour))
	require.NoError(t, err)
	require.Len(t, fs, 2)
	assert.Equal(t, "esx-01", fs[0].Host, "oldest first")

	_, err = tr.Month(ctx, "2026-13")
	require.ErrorContains(t, err, "want YYYY-MM")
}

// Closed failures older than 400 days are pruned; younger ones and open
// ones stay.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	c := &clock{}
	tr := New(openDB(t, t.TempDir()), nil, Options{Now: c.now})
	closedAt := func(at time.Time, host string) {
		c.set(at)
		tr.Handle(ctx, []collectors.Event{hostFailed(at, host)})
		c.set(at.Add(5 * time.Minute))
		tr.Handle(ctx, []collectors.Event{hostRecovered(at.Add(5*time.Minute), host)})
	}
	closedAt(t0.Add(-401*24*time.Hour), "old")
	closedAt(t0.Add(-399*24*time.Hour), "young")
	c.set(t0.Add(-500 * 24 * time.Hour))
	tr.Handle(ctx, []collectors.Event{hostFailed(c.now(), "never-back")})
	c.set(t0)
	tr.Tick(ctx)
	fs, err := tr.Failures(ctx, t0.Add(-600*24*time.Hour), t0)
	require.NoError(t, err)
	var hosts []string
	for _, f := range fs {
		hosts = append(hosts, f.Host)
	}
	assert.Equal(t, []string{"never-back", "young"}, hosts)
}
