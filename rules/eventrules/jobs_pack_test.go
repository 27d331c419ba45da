package eventrules

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/jobs"
)

// jobsWatch is the real job watch (rules/jobs) sending its events into an
// engine running the shipped pack.
type jobsWatch struct {
	svc   *jobs.Service
	clock *clock
	rec   *recorder
}

const jobToken = "token-of-the-test-jobs-0123"

func newJobsWatch(t *testing.T, start time.Time) *jobsWatch {
	t.Helper()
	dir := t.TempDir()
	db, err := statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	tok := filepath.Join(dir, "job.token")
	require.NoError(t, os.WriteFile(tok, []byte(jobToken), 0o600))
	w := &jobsWatch{clock: &clock{t: start}, rec: &recorder{}}
	e := New(packRules(t), w.rec.onAlerts, Options{Now: w.clock.now})
	cfg := jobs.Config{
		{Name: "oa-db-backup", System: "协同办公", Kind: jobs.KindBackup, Schedule: "0 2 * * *",
			MaxDuration: 2 * time.Hour, TokenFile: tok},
		{Name: "province-push", System: "数据共享交换平台", Kind: jobs.KindExchange, Schedule: "0 0 * * *",
			Grace: 10 * time.Minute, MaxDuration: 30 * time.Minute, TokenFile: tok},
	}
	w.svc, err = jobs.New(cfg, db, jobs.WithClock(w.clock.now), jobs.WithEvents(e))
	require.NoError(t, err)
	return w
}

// push sends a run as a job does, at the watch's clock.
func (w *jobsWatch) push(t *testing.T, job, body string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/api/v1/jobs/"+job+"/runs", strings.NewReader(body))
	req.SetPathValue("name", job)
	req.Header.Set("Authorization", "Bearer "+jobToken)
	rr := httptest.NewRecorder()
	w.svc.ServePush(rr, req)
	require.Equal(t, http.StatusOK, rr.Code, rr.Body.String())
}

// ofJob keeps the alerts of one job.
func ofJob(as []alerting.Alert, job string) []alerting.Alert {
	var out []alerting.Alert
	for _, a := range as {
		if a.Labels["job"] == job {
			out = append(out, a)
		}
	}
	return out
}

func cstAt(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, cst.Location) }

func TestJobsPackIsValid(t *testing.T) {
	rules, errs := LoadFile("packs/jobs.yml")
	require.Empty(t, errs)
	byName := map[string][]string{}
	for _, r := range rules {
		byName[r.Alert] = append(byName[r.Alert], r.Labels["requirement"])
		assert.Equal(t, []string{"job"}, r.Key, r.Alert)
		assert.True(t, r.ResolveOn.Matches(map[string]string{"source": "job", "event": "succeeded", "job": "x"}), r.Alert)
	}
	assert.Equal(t, map[string][]string{"JobFailed": {"R-A9", "R-C1"}, "JobTooLong": {"R-A9", "R-C1"},
		"JobMissed": {"R-A9", "R-C1"}}, byName)
}

// A failed backup pages as JobFailed (R-A9) naming the job and its system;
// the next good run resolves it.
func TestJobFailedFiresAndResolves(t *testing.T) {
	w := newJobsWatch(t, cstAt(6, 12, 0))
	w.clock.set(cstAt(7, 2, 10))
	w.push(t, "oa-db-backup", `{"status":"failed","started_at":"2026-12-07T02:00:00+08:00","message":"disk full"}`)
	got := w.rec.all()
	require.Len(t, got, 1)
	a := got[0]
	assert.Equal(t, map[string]string{"alertname": "JobFailed", "job": "oa-db-backup", "system": "协同办公",
		"severity": "major", "requirement": "R-A9"}, a.Labels)
	assert.True(t, a.StartsAt.Equal(cstAt(7, 2, 10)))
	assert.Equal(t, "作业失败:协同办公 oa-db-backup", a.Annotations["summary"])
	assert.Contains(t, a.Annotations["description"], "协同办公 的备份作业 oa-db-backup 于 2026-12-07 02:10:00 报告运行失败")
	assert.Contains(t, a.Annotations["description"], "disk full")

	w.rec.reset()
	w.clock.set(cstAt(8, 2, 40))
	w.push(t, "oa-db-backup", `{"status":"success","started_at":"2026-12-08T02:00:00+08:00"}`)
	got = w.rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, a.Fingerprint, got[0].Fingerprint)
}

// The exchange platform's push to the province that does not start at
// midnight is JobMissed (R-C1) once; its late run resolves it.
func TestJobMissedFiresOnceAndResolves(t *testing.T) {
	ctx := context.Background()
	w := newJobsWatch(t, cstAt(6, 12, 0))
	// It reports only when it ends: judged after grace (10m) and max_duration (30m).
	for _, m := range []int{11, 39, 41, 42} {
		w.clock.set(cstAt(7, 0, m))
		w.svc.Check(ctx)
	}
	got := w.rec.all()
	require.Len(t, got, 1, "one slot, one alert")
	assert.Equal(t, "JobMissed", got[0].Labels["alertname"])
	assert.Equal(t, "R-C1", got[0].Labels["requirement"])
	assert.Equal(t, "作业未按时执行:数据共享交换平台 province-push", got[0].Annotations["summary"])
	assert.Contains(t, got[0].Annotations["description"], "数据共享交换平台 的数据交换作业 province-push 未按计划执行")

	w.rec.reset()
	w.clock.set(cstAt(7, 9, 30))
	w.push(t, "province-push", `{"status":"success","duration_seconds":600}`)
	got = w.rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, "JobMissed", got[0].Labels["alertname"])
}

// A backup still running past max_duration is JobTooLong (warning); its own
// late success does not clear it, the next run in time does.
func TestJobTooLongFiresAndResolves(t *testing.T) {
	ctx := context.Background()
	w := newJobsWatch(t, cstAt(6, 12, 0))
	w.clock.set(cstAt(7, 2, 0))
	w.push(t, "oa-db-backup", `{"status":"running"}`)
	w.clock.set(cstAt(7, 4, 1))
	w.svc.Check(ctx)
	got := ofJob(w.rec.all(), "oa-db-backup")
	require.Len(t, got, 1)
	assert.Equal(t, "JobTooLong", got[0].Labels["alertname"])
	assert.Equal(t, "warning", got[0].Labels["severity"])
	assert.Equal(t, "R-A9", got[0].Labels["requirement"])
	assert.Contains(t, got[0].Annotations["description"], "协同办公 的备份作业 oa-db-backup 运行时间超过设定的最长时长")

	w.rec.reset()
	w.clock.set(cstAt(7, 4, 30))
	w.push(t, "oa-db-backup", `{"status":"success"}`)
	assert.Empty(t, ofJob(w.rec.all(), "oa-db-backup"), "the overrun run's own success is no good run")
	w.clock.set(cstAt(8, 3, 0))
	w.push(t, "oa-db-backup", `{"status":"success","started_at":"2026-12-08T02:00:00+08:00"}`)
	got = ofJob(w.rec.all(), "oa-db-backup")
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, "JobTooLong", got[0].Labels["alertname"])
}

// After a restart the incident store gives the open job alerts back; each
// is claimed by the rule of its requirement, so a success still resolves it.
func TestJobAlertsRestoreByRequirement(t *testing.T) {
	e := New(packRules(t), nil, Options{})
	n := e.Restore([]alerting.Alert{
		{Labels: map[string]string{"alertname": "JobMissed", "job": "province-push", "requirement": "R-C1",
			"severity": "major", "system": "数据共享交换平台"}, Firing: true, StartsAt: t0},
		{Labels: map[string]string{"alertname": "JobFailed", "job": "oa-db-backup", "requirement": "R-A9",
			"severity": "major", "system": "协同办公"}, Firing: true, StartsAt: t0},
	})
	assert.Equal(t, 2, n)
}
