package sim

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/jobs"
)

// Every run starts in its job's cron slot (or, for the late job on its
// schedule, past the watch's 5-minute grace), takes less than its
// max_duration and moves a believable amount; the failing job fails on its
// schedule and only then.
func TestJobPlans(t *testing.T) {
	base := float64(time.Date(2026, 12, 7, 8, 0, 0, 0, shanghai).Unix())
	counts := map[string]int{}
	for _, j := range DemoJobs() {
		sched, err := jobs.ParseSchedule(j.Schedule)
		require.NoError(t, err, j.Name)
		for k := range 24 {
			slot := base + float64(k*jobPeriod)
			r := j.plan(slot)
			n := int(slot/jobPeriod) % 1000
			cron := sched.Next(time.Unix(int64(slot)-1, 0))
			delay := r.start - float64(cron.Unix())
			switch {
			case j.late && n%lateJobEvery == 2:
				assert.Greater(t, delay, 5*60.0, "%s slot %d starts after the grace", j.Name, k)
				counts["late"]++
			default:
				assert.True(t, delay >= 0 && delay < 20, "%s slot %d starts %gs after its slot", j.Name, k, delay)
			}
			assert.Less(t, r.end-r.start, j.MaxDuration.Seconds(), j.Name)
			assert.Positive(t, r.bytes, j.Name)
			if r.status == "failed" {
				assert.True(t, j.fails && n%failJobEvery == 1, "%s fails only on its schedule", j.Name)
				assert.NotEmpty(t, r.message)
				counts["failed"]++
			}
		}
	}
	assert.Equal(t, 8, counts["failed"], "one in three slots of the failing job")
	assert.Equal(t, 6, counts["late"], "one in four slots of the late job")
}

// pushLog is a receiver that records pushes and answers as told.
type pushLog struct {
	mu     sync.Mutex
	pushes []recorded
	answer func(job string) int
}

type recorded struct {
	job, auth string
	rep       jobs.Report
}

func (p *pushLog) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	job := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/jobs/"), "/runs")
	body, _ := io.ReadAll(r.Body)
	rep, err := jobs.ParseReport(body, time.Now().Add(24*time.Hour*300))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "bad push", http.StatusBadRequest)
		return
	}
	code := http.StatusOK
	if p.answer != nil {
		code = p.answer(job)
	}
	if code == http.StatusOK {
		p.mu.Lock()
		p.pushes = append(p.pushes, recorded{job: job, auth: r.Header.Get("Authorization"), rep: rep})
		p.mu.Unlock()
	}
	w.WriteHeader(code)
}

func (p *pushLog) take() []recorded {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.pushes
	p.pushes = nil
	return out
}

// The pusher says running when a run starts and its result when it ends,
// with the job's token, as a backup script does; only jobs with a token
// push; a receiver away (5xx) gets the push again, a refusal (4xx) does not.
func TestJobPusher(t *testing.T) {
	log := &pushLog{}
	srv := httptest.NewServer(log)
	defer srv.Close()
	p := newJobPusher()
	defer p.client.CloseIdleConnections()
	slot := float64(time.Date(2026, 12, 7, 8, 0, 0, 0, shanghai).Unix())
	p.since = slot
	tokens := map[string]string{"oa-db-backup": "tok-oa-0123456789", "sjjh-hourly-sync": "tok-sj-0123456789"}
	p.target.Store(&jobTarget{base: srv.URL, tokens: tokens})
	ctx := context.Background()
	oa := demoJobs[0]
	r := oa.plan(slot)

	p.step(ctx, r.start-1)
	for _, pu := range log.take() {
		assert.NotEqual(t, "oa-db-backup", pu.job, "not before its start")
	}
	p.step(ctx, r.start+1)
	got := log.take()
	require.Len(t, got, 1)
	assert.Equal(t, "oa-db-backup", got[0].job)
	assert.Equal(t, "Bearer "+tokens["oa-db-backup"], got[0].auth)
	assert.Equal(t, jobs.StatusRunning, got[0].rep.Status)
	assert.Equal(t, int64(r.start), got[0].rep.StartedAt.Unix())
	p.step(ctx, r.start+2)
	assert.Empty(t, log.take(), "running is said once")

	log.answer = func(string) int { return http.StatusServiceUnavailable }
	p.step(ctx, r.end+1)
	assert.Empty(t, log.take())
	log.answer = nil
	p.step(ctx, r.end+2)
	got = log.take()
	require.Len(t, got, 1, "the result again after the receiver came back")
	assert.Equal(t, jobs.StatusSuccess, got[0].rep.Status)
	assert.Equal(t, int64(r.end), got[0].rep.FinishedAt.Unix())
	assert.Equal(t, r.bytes, got[0].rep.Bytes)

	// The whole hour: each run of the two jobs with tokens, start and result once each.
	log.answer = func(job string) int {
		if job == "sjjh-hourly-sync" {
			return http.StatusNotFound // not configured: given up, not retried
		}
		return http.StatusOK
	}
	for t0 := r.end + 3; t0 < slot+3600; t0 += 15 {
		p.step(ctx, t0)
	}
	n := map[string]int{}
	for _, pu := range log.take() {
		n[pu.job+"/"+pu.rep.Status]++
	}
	assert.Equal(t, map[string]int{"oa-db-backup/running": 5, "oa-db-backup/success": 5}, n)
}
