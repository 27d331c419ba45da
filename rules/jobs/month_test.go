package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// November 2026 of the daily 02:00 backup, worked by hand: 30 slots; no run
// on the 5th; the 10th failed; the 15th took 3h (over max_duration 2h); the
// 20th started at 05:00, after its grace (2h24m) — a run, but its slot is
// missed; the 25th was run again by hand at 14:00. Runs 30, successes 29,
// failures 1, missed 2, too long 1, success rate 29/30.
func TestMonthFigures(t *testing.T) {
	f := newFixture(t, at(2026, 10, 25, 12, 0))
	ctx := context.Background()
	push := func(start time.Time, took time.Duration, status string) {
		f.clock.set(start.Add(took))
		f.report(t, "oa-db-backup", Report{Status: status, StartedAt: start, FinishedAt: start.Add(took), Bytes: 1 << 30})
	}
	push(at(2026, 10, 31, 2, 0), time.Hour, StatusFailed) // October's: not November's
	for d := 1; d <= 30; d++ {
		start, took, status := at(2026, 11, d, 2, 0), 40*time.Minute, StatusSuccess
		switch d {
		case 5:
			continue
		case 10:
			status = StatusFailed
		case 15:
			took = 3 * time.Hour
		case 20:
			start = at(2026, 11, d, 5, 0)
		case 25:
			push(at(2026, 11, d, 14, 0), time.Hour, StatusSuccess)
		}
		push(start, took, status)
	}
	push(at(2026, 12, 1, 2, 0), time.Hour, StatusFailed) // December's
	// A second backup, configured on 16 November at noon: its first slot is the 17th.
	gis := backupJob(writeToken(t, f.dir, "gis", testToken))
	gis.Name, gis.System = "gis-backup", "地理信息"
	f.clock.set(at(2026, 11, 16, 12, 0))
	f.svc = f.open(t, backupJob(f.svc.jobs["oa-db-backup"].cfg.TokenFile), gis)

	f.clock.set(at(2026, 12, 7, 10, 0))
	got, err := f.svc.Month(ctx, "2026-11")
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, JobMonth{Job: "oa-db-backup", System: "协同办公", Kind: KindBackup, Requirement: "R-A9", Backup: true,
		Expected: 30, Runs: 30, Successes: 29, Failures: 1, Missed: 2, TooLong: 1, SuccessRate: 29.0 / 30}, got[0])
	assert.Equal(t, JobMonth{Job: "gis-backup", System: "地理信息", Kind: KindBackup, Requirement: "R-A9", Backup: true,
		Expected: 14, Missed: 14}, got[1])

	// The month in progress counts the slots judged so far: 1-7 December
	// (the 7th's judged at 06:24, grace and a run's time after 02:00).
	dec, err := f.svc.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 7, dec[0].Expected)
	assert.Equal(t, 6, dec[0].Missed)
	assert.Equal(t, 1, dec[0].Failures)
	f.clock.set(at(2026, 12, 7, 6, 24))
	dec, err = f.svc.Month(ctx, "2026-12")
	require.NoError(t, err)
	assert.Equal(t, 6, dec[0].Expected, "the 7th's slot is not judged before its deadline")

	_, err = f.svc.Month(ctx, "2026-13")
	assert.ErrorContains(t, err, "want YYYY-MM")
}

// An @every job's expected runs follow its starts, as the live check does.
func TestMonthFiguresEvery(t *testing.T) {
	j := Job{Name: "sync-6h", System: "数据共享交换平台", Kind: KindExchange, Schedule: "@every 6h",
		MaxDuration: 30 * time.Minute, TokenFile: writeToken(t, t.TempDir(), "s", testToken)}
	f := newFixture(t, at(2026, 10, 31, 0, 0), j)
	// Every 6 h from 1 November 00:00 until the 10th 18:00, then silent.
	for start := at(2026, 11, 1, 0, 0); start.Before(at(2026, 11, 11, 0, 0)); start = start.Add(6 * time.Hour) {
		f.clock.set(start.Add(10 * time.Minute))
		f.report(t, "sync-6h", Report{Status: StatusSuccess, StartedAt: start, FinishedAt: f.clock.now()})
	}
	f.clock.set(at(2026, 12, 2, 0, 0))
	got, err := f.svc.Month(context.Background(), "2026-11")
	require.NoError(t, err)
	// 40 runs; then slots every 6 h from 11 Nov 00:00 to 30 Nov 18:00: 80 missed.
	assert.Equal(t, 40, got[0].Successes)
	assert.Equal(t, 80, got[0].Missed)
	assert.Equal(t, 120, got[0].Expected)
	assert.InDelta(t, 40.0/120, got[0].SuccessRate, 1e-9)
	assert.False(t, got[0].Backup)
	assert.Equal(t, "R-C1", got[0].Requirement)
}

// Runs are kept 400 days, then pruned.
func TestPruneAfter400Days(t *testing.T) {
	f := newFixture(t, at(2026, 1, 1, 0, 0))
	ctx := context.Background()
	for _, d := range []time.Time{at(2026, 1, 2, 2, 0), at(2026, 3, 1, 2, 0)} {
		f.clock.set(d.Add(time.Hour))
		f.report(t, "oa-db-backup", Report{Status: StatusSuccess, StartedAt: d, FinishedAt: d.Add(time.Hour)})
	}
	f.clock.set(at(2026, 1, 2, 2, 0).Add(Retention + time.Hour))
	f.svc.prune(ctx)
	runs, err := f.svc.store.between(ctx, "oa-db-backup", at(2025, 1, 1, 0, 0), at(2028, 1, 1, 0, 0))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.True(t, runs[0].StartedAt.Equal(at(2026, 3, 1, 2, 0)))
}
