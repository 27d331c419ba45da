package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// The cloud's backup and data-exchange jobs (R-A9, R-C1) as their scripts
// report to SwanWatch's job watch (rules/jobs): each run pushes "running"
// when it starts and its result when it ends (POST
// /api/v1/jobs/{name}/runs, Authorization: Bearer <the job's token>). The
// demo runs them every 10 minutes instead of nightly, so that a run, a
// failure and a late start show within the hour. Every run is a pure
// function of its job and slot: one job fails on a fixed schedule, one
// starts late on another.

// JobSpec is one simulated job as the job watch must be configured for it.
type JobSpec struct {
	Name, System, Kind string
	// Schedule is the cron line (Asia/Shanghai) of the runs' slots.
	Schedule    string
	MaxDuration time.Duration
	// what a run moves and how long it takes, at the least and at the most
	minBytes, maxBytes float64
	minSecs, maxSecs   float64
	offset             int // minute of the 10-minute slot the job starts in
	fails, late        bool
	failure            string // the message of a failed run
}

// jobPeriod is the demo's schedule: every ten minutes.
const jobPeriod = 600

// Every failJobEvery-th slot of the failing job fails; every lateJobEvery-th
// slot (shifted by 2) of the late one starts lateBy after its slot, past
// the watch's grace (5 minutes).
const (
	failJobEvery = 3
	lateJobEvery = 4
	lateBy       = 6 * 60
)

var demoJobs = []JobSpec{
	{Name: "oa-db-backup", System: "协同办公OA系统", Kind: "backup", offset: 2, MaxDuration: 5 * time.Minute,
		minBytes: 38e9, maxBytes: 46e9, minSecs: 70, maxSecs: 150},
	{Name: "ybjs-db-backup", System: "医保结算系统", Kind: "backup", offset: 4, MaxDuration: 5 * time.Minute,
		minBytes: 120e9, maxBytes: 135e9, minSecs: 100, maxSecs: 200, fails: true,
		failure: "RMAN-03009: backup 失败：备份存储 /backup/ybjs 空间不足（ORA-19502 写入错误）"},
	{Name: "gjj-db-backup", System: "公积金管理系统", Kind: "backup", offset: 6, MaxDuration: 5 * time.Minute,
		minBytes: 21e9, maxBytes: 25e9, minSecs: 50, maxSecs: 110, late: true},
	{Name: "vm-snapshot", System: "政务云平台", Kind: "backup", offset: 8, MaxDuration: 8 * time.Minute,
		minBytes: 600e9, maxBytes: 900e9, minSecs: 150, maxSecs: 260},
	{Name: "sjjh-hourly-sync", System: "数据共享交换平台", Kind: "exchange", offset: 0, MaxDuration: 5 * time.Minute,
		minBytes: 180e6, maxBytes: 420e6, minSecs: 20, maxSecs: 60},
}

func init() {
	for i := range demoJobs {
		demoJobs[i].Schedule = fmt.Sprintf("%d-59/10 * * * *", demoJobs[i].offset)
	}
}

// DemoJobs lists the jobs the simulated cloud runs, for the job watch's
// configuration (names, systems, kinds, schedules, max durations).
func DemoJobs() []JobSpec { return append([]JobSpec(nil), demoJobs...) }

// jobRun is what one slot's run does.
type jobRun struct {
	start, end float64
	status     string // success or failed
	bytes      int64
	message    string
}

// plan is job j's run for the slot starting at slot (unix seconds).
func (j JobSpec) plan(slot float64) jobRun {
	n := uint64(slot / jobPeriod)
	h := hash3(n, uint64(len(j.Name)), uint64(j.offset))
	start := slot + float64(j.offset*60) + math.Floor(20*unit(h))
	if j.late && n%lateJobEvery == 2 {
		start += lateBy
	}
	secs := math.Round(j.minSecs + (j.maxSecs-j.minSecs)*unit(mix(h)))
	r := jobRun{start: start, end: start + secs, status: "success",
		bytes: int64(j.minBytes + (j.maxBytes-j.minBytes)*unit(mix(h+1)))}
	switch {
	case j.fails && n%failJobEvery == 1:
		r.status, r.message, r.bytes = "failed", j.failure, r.bytes/3
		r.end = start + math.Round(secs/2)
	case j.Kind == "exchange":
		r.message = fmt.Sprintf("交换 %d 个资源目录，%d 条记录", 40+n%7, 150000+int64(r.bytes)/2000)
	default:
		r.message = "全量备份完成"
	}
	return r
}

var (
	jobPushesOK  = metrics.NewCounter(`swanwatch_sim_job_pushes_total{result="ok"}`)
	jobPushesBad = metrics.NewCounter(`swanwatch_sim_job_pushes_total{result="error"}`)
)

// jobPusher plays the jobs and pushes their runs.
type jobPusher struct {
	now    func() float64
	target atomic.Pointer[jobTarget]
	tick   time.Duration
	client *http.Client

	mu    sync.Mutex
	since float64            // the first slot played
	sent  map[jobKey]jobSent // what was pushed of each run
}

type jobTarget struct {
	base   string
	tokens map[string]string
}

type jobKey struct {
	job  string
	slot float64
}

type jobSent struct{ running, result bool }

// errJobRefused: the receiver refused a push for good (4xx).
var errJobRefused = errors.New("refused")

// jobKeep is how long a run's result is retried while the receiver is away.
const jobKeep = 30 * 60

func newJobPusher() *jobPusher {
	return &jobPusher{tick: 250 * time.Millisecond, client: &http.Client{Timeout: 5 * time.Second},
		sent: map[jobKey]jobSent{}}
}

// SetJobPushURL points the jobs at the job watch of the server at base
// (http://host:port, known only once it listens) with each job's token
// (job name → token); jobs without a token do not push. Runs from the next
// slot on are pushed.
func (s *Sim) SetJobPushURL(base string, tokens map[string]string) {
	if s.cloud == nil {
		return
	}
	cp := make(map[string]string, len(tokens))
	for k, v := range tokens {
		cp[k] = v
	}
	s.cloud.jobs.target.Store(&jobTarget{base: base, tokens: cp})
}

// run pushes the runs as they start and end until ctx ends.
func (p *jobPusher) run(ctx context.Context) {
	p.mu.Lock()
	p.since = math.Ceil(p.now()/jobPeriod) * jobPeriod
	p.mu.Unlock()
	tk := time.NewTicker(p.tick)
	defer tk.Stop()
	defer p.client.CloseIdleConnections()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
			p.step(ctx, p.now())
		}
	}
}

// push is one request due.
type push struct {
	key  jobKey
	job  JobSpec
	run  jobRun
	done bool // the result, else "running"
}

// step pushes what is due at t: every run started since the last step and
// every result due, retrying those the receiver did not take.
func (p *jobPusher) step(ctx context.Context, t float64) {
	tg := p.target.Load()
	if tg == nil {
		return
	}
	for _, d := range p.due(t) {
		tok := tg.tokens[d.job.Name]
		if tok == "" {
			continue
		}
		err := p.send(ctx, tg.base, tok, d)
		switch {
		case errors.Is(err, errJobRefused):
			jobPushesBad.Inc() // asking again would not help: given up
		case err != nil:
			jobPushesBad.Inc()
			continue // tried again next step
		default:
			jobPushesOK.Inc()
		}
		p.mu.Lock()
		st := p.sent[d.key]
		if d.done {
			st.result = true
		} else {
			st.running = true
		}
		p.sent[d.key] = st
		p.mu.Unlock()
	}
}

// due lists the pushes due at t, oldest first.
func (p *jobPusher) due(t float64) []push {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []push
	first := math.Max(p.since, math.Floor((t-jobKeep)/jobPeriod)*jobPeriod)
	for slot := first; slot <= t; slot += jobPeriod {
		for _, j := range demoJobs {
			r, k := j.plan(slot), jobKey{j.Name, slot}
			st := p.sent[k]
			if r.start > t || st.result {
				continue
			}
			if !st.running && r.end > t {
				out = append(out, push{key: k, job: j, run: r})
			}
			if r.end <= t {
				out = append(out, push{key: k, job: j, run: r, done: true})
			}
		}
	}
	for k := range p.sent {
		if k.slot < first {
			delete(p.sent, k)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].run.start < out[b].run.start })
	return out
}

// send posts one push as a backup script does.
func (p *jobPusher) send(ctx context.Context, base, token string, d push) error {
	body := map[string]any{"status": "running", "started_at": redfishTime(d.run.start)}
	if d.done {
		body["status"], body["finished_at"], body["bytes"] = d.run.status, redfishTime(d.run.end), d.run.bytes
		if d.run.message != "" {
			body["message"] = d.run.message
		}
	}
	b, _ := json.Marshal(body)
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, base+"/api/v1/jobs/"+d.job.Name+"/runs", bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := p.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		return fmt.Errorf("%w: job push %s: HTTP %d", errJobRefused, d.job.Name, resp.StatusCode)
	case resp.StatusCode/100 != 2:
		return fmt.Errorf("job push %s: HTTP %d", d.job.Name, resp.StatusCode)
	}
	return nil
}
