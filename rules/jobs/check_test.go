package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// exchangeJob is the data exchange platform's push to the province at
// midnight CST; it pushes running when it starts.
func exchangeJob(tokenFile string) Job {
	return Job{Name: "province-push", System: "数据共享交换平台", Kind: KindExchange, Schedule: "0 0 * * *",
		Grace: 10 * time.Minute, MaxDuration: 30 * time.Minute, TokenFile: tokenFile}
}

// checkAt moves the clock and runs the minute's check; it returns the events.
func (f *fixture) checkAt(t time.Time) []string {
	f.clock.set(t)
	f.svc.Check(context.Background())
	return kinds(f.events.take())
}

func TestMissedAcrossMidnightCST(t *testing.T) {
	dir := t.TempDir()
	f := newFixture(t, at(2026, 12, 6, 23, 0), exchangeJob(writeToken(t, dir, "x", testToken)))
	// Monday's run says running at its start and succeeds.
	f.clock.set(at(2026, 12, 7, 0, 0).Add(30 * time.Second))
	f.report(t, "province-push", Report{Status: StatusRunning, StartedAt: f.clock.now()})
	f.clock.set(at(2026, 12, 7, 0, 12))
	f.report(t, "province-push", Report{Status: StatusSuccess, FinishedAt: f.clock.now()})
	require.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))

	assert.Empty(t, f.checkAt(at(2026, 12, 7, 23, 55)))
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 0, 5)), "within grace")
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 0, 10)), "grace is inclusive")
	f.clock.set(at(2026, 12, 8, 0, 10).Add(time.Second))
	f.svc.Check(context.Background())
	evs := f.events.take()
	require.Equal(t, []string{EventMissed}, kinds(evs), "Tuesday 00:00 CST (Monday 16:00 UTC) did not come")
	assert.Equal(t, "R-C1", evs[0].Labels["requirement"])
	assert.True(t, evs[0].Time.Equal(at(2026, 12, 8, 0, 10)), evs[0].Time)
	assert.Equal(t, "作业未按时执行：数据共享交换平台 的数据交换作业 province-push 应于 2026-12-08 00:00:00 开始，"+
		"至 2026-12-08 00:10:00 仍无运行记录（宽限 10分0秒）", evs[0].Text)
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 0, 11)), "a slot is missed once")
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 12, 0)))

	// The late run still runs; its success clears the state.
	f.report(t, "province-push", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 8, 12, 1),
		FinishedAt: at(2026, 12, 8, 12, 20)})
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	// Wednesday's starts 30 s early by its clock: it counts for the slot.
	f.clock.set(at(2026, 12, 8, 23, 59).Add(30 * time.Second))
	f.report(t, "province-push", Report{Status: StatusRunning, StartedAt: f.clock.now()})
	assert.Empty(t, f.checkAt(at(2026, 12, 9, 0, 11)))
	// ... and is still running past max_duration: 作业超时 once, at start + 30m.
	assert.Empty(t, f.checkAt(at(2026, 12, 9, 0, 29)))
	f.clock.set(at(2026, 12, 9, 0, 31))
	f.svc.Check(context.Background())
	evs = f.events.take()
	require.Equal(t, []string{EventTooLong}, kinds(evs))
	assert.Contains(t, evs[0].Text, "作业超时：数据共享交换平台 的数据交换作业 province-push 于 2026-12-08 23:59:30 开始，已运行 31分30秒 仍未结束")
	assert.Empty(t, f.checkAt(at(2026, 12, 9, 0, 40)), "too long once per run")
	// Its success, too late, is not a good run: nothing new, the state stays.
	f.report(t, "province-push", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 8, 23, 59).Add(31 * time.Second),
		FinishedAt: at(2026, 12, 9, 0, 45)})
	assert.Empty(t, f.events.take())
	assert.Equal(t, EventTooLong, f.svc.List()[0].State)
	assert.Equal(t, float64(at(2026, 12, 9, 0, 45).Unix()), must(f.series.get(seriesLastSuccess, "province-push")))
}

// A job that reports only at its end is judged after grace plus a whole
// run's time: while it may still be running, its silence is not a miss.
func TestFinishOnlyJobJudgedAfterMaxDuration(t *testing.T) {
	f := newFixture(t, at(2026, 12, 6, 23, 0))
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 3, 0)), "02:00 + 2h24m grace + 2h has not passed")
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 6, 24)))
	f.clock.set(at(2026, 12, 7, 6, 24).Add(time.Second))
	f.svc.Check(context.Background())
	evs := f.events.take()
	require.Equal(t, []string{EventMissed}, kinds(evs))
	assert.Contains(t, evs[0].Text, "该作业只在结束时上报")
	// Tuesday's run finishes in time and is reported at its end.
	f.clock.set(at(2026, 12, 8, 3, 10))
	f.report(t, "oa-db-backup", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 8, 2, 0), FinishedAt: f.clock.now()})
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 7, 0)))
	// A failed run is a run: 作业失败, not 未按时执行.
	f.clock.set(at(2026, 12, 9, 2, 5))
	f.report(t, "oa-db-backup", Report{Status: StatusFailed, StartedAt: at(2026, 12, 9, 2, 0), FinishedAt: f.clock.now()})
	assert.Equal(t, []string{EventFailed}, kinds(f.events.take()))
	assert.Empty(t, f.checkAt(at(2026, 12, 9, 7, 0)))
	assert.Equal(t, 0.0, must(f.series.get(seriesLastStatus, "oa-db-backup")))
}

func TestEveryScheduleFollowsTheLastStart(t *testing.T) {
	dir := t.TempDir()
	j := Job{Name: "sync-hourly", System: "数据共享交换平台", Kind: KindExchange, Schedule: "@every 1h",
		MaxDuration: 10 * time.Minute, TokenFile: writeToken(t, dir, "s", testToken)}
	f := newFixture(t, at(2026, 12, 7, 9, 0), j)
	f.clock.set(at(2026, 12, 7, 9, 20))
	f.report(t, "sync-hourly", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 7, 9, 17), FinishedAt: f.clock.now()})
	f.events.take()
	// Next due 10:17 + grace 6m (10 % of 1h) + 10m (it reports at its end).
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 10, 33)))
	f.clock.set(at(2026, 12, 7, 10, 33).Add(time.Second))
	f.svc.Check(context.Background())
	assert.Equal(t, []string{EventMissed}, kinds(f.events.take()))
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 11, 33)))
	assert.Equal(t, []string{EventMissed}, f.checkAt(at(2026, 12, 7, 11, 34)), "the next hour is missed too")
	f.clock.set(at(2026, 12, 7, 11, 40))
	f.report(t, "sync-hourly", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 7, 11, 38), FinishedAt: f.clock.now()})
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 12, 54)), "due again 12:38 + 16m")
	assert.Equal(t, []string{EventMissed}, f.checkAt(at(2026, 12, 7, 12, 55)))
}

// A restart forgets neither the last run nor the slots judged: no missed
// for a slot whose run came before it, none raised twice.
func TestRestartKeepsRunsAndJudgedSlots(t *testing.T) {
	dir := t.TempDir()
	job := exchangeJob(writeToken(t, dir, "x", testToken))
	f := newFixture(t, at(2026, 12, 6, 23, 0), job)
	f.clock.set(at(2026, 12, 7, 0, 1))
	f.report(t, "province-push", Report{Status: StatusRunning, StartedAt: at(2026, 12, 7, 0, 0)})
	f.clock.set(at(2026, 12, 7, 0, 20))
	f.report(t, "province-push", Report{Status: StatusSuccess, FinishedAt: f.clock.now(), Bytes: 1 << 20})
	f.events.take()
	require.Equal(t, []string{EventMissed}, f.checkAt(at(2026, 12, 8, 0, 11)), "Tuesday's slot, before the restart")

	f.svc = f.open(t, job) // the server restarts
	v := f.svc.List()[0]
	require.NotNil(t, v.LastRun, "the last run is read back")
	assert.True(t, v.LastRun.StartedAt.Equal(at(2026, 12, 7, 0, 0)))
	assert.Equal(t, int64(1<<20), v.LastRun.Bytes)
	assert.Equal(t, EventMissed, v.State)
	assert.Empty(t, f.checkAt(at(2026, 12, 8, 0, 12)), "the missed slot is not raised again")
	assert.Equal(t, float64(1<<20), must(f.series.get(seriesLastBytes, "province-push")), "series from the stored run")

	// Wednesday's run starts, the server restarts while it runs, and is
	// back before the slot's grace ends: no miss, and the result closes it.
	f.clock.set(at(2026, 12, 9, 0, 0).Add(10 * time.Second))
	f.report(t, "province-push", Report{Status: StatusRunning, StartedAt: f.clock.now()})
	f.svc = f.open(t, job)
	assert.Empty(t, f.checkAt(at(2026, 12, 9, 0, 11)))
	f.clock.set(at(2026, 12, 9, 0, 25))
	f.report(t, "province-push", Report{Status: StatusSuccess, FinishedAt: f.clock.now()})
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	assert.Equal(t, "ok", f.svc.List()[0].State)

	// Stopped for three days: the 3 slots are judged at the restart, each once.
	f.svc = f.open(t, job)
	assert.Equal(t, []string{EventMissed, EventMissed, EventMissed}, f.checkAt(at(2026, 12, 12, 9, 0)))
	assert.Empty(t, f.checkAt(at(2026, 12, 12, 9, 1)))
}

// After a long stop the missed slots raised at once are bounded.
func TestCatchUpIsBounded(t *testing.T) {
	dir := t.TempDir()
	j := Job{Name: "hourly-export", System: "数据共享交换平台", Kind: KindExchange, Schedule: "0 * * * *",
		MaxDuration: 10 * time.Minute, TokenFile: writeToken(t, dir, "h", testToken)}
	f := newFixture(t, at(2026, 12, 1, 0, 0), j)
	evs := f.checkAt(at(2026, 12, 5, 0, 0))
	assert.Len(t, evs, maxCatchUp)
	assert.Empty(t, f.checkAt(at(2026, 12, 5, 0, 1)))
}

func must(v float64, ok bool) float64 {
	if !ok {
		return -1
	}
	return v
}

// A result whose start differs a little from its running push's is that
// run's: one run, re-keyed to the result's start, no longer running.
func TestResultClosesItsRunningRun(t *testing.T) {
	f := newFixture(t, at(2026, 12, 6, 12, 0))
	f.clock.set(at(2026, 12, 7, 2, 0).Add(30 * time.Second))
	f.report(t, "oa-db-backup", Report{Status: StatusRunning, StartedAt: f.clock.now()})
	f.clock.set(at(2026, 12, 7, 2, 50))
	out := f.report(t, "oa-db-backup", Report{Status: StatusSuccess, StartedAt: at(2026, 12, 7, 2, 0), FinishedAt: f.clock.now()})
	assert.False(t, out.Duplicate)
	runs, err := f.svc.store.between(context.Background(), "oa-db-backup", at(2026, 12, 7, 0, 0), at(2026, 12, 8, 0, 0))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	assert.True(t, runs[0].Announced)
	v := f.svc.List()[0]
	assert.False(t, v.Running)
	assert.True(t, v.LastRun.StartedAt.Equal(at(2026, 12, 7, 2, 0)))
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	assert.Empty(t, f.checkAt(at(2026, 12, 7, 5, 0)), "no too long for a run that ended")
}
