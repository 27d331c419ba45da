package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// ServePush is POST /api/v1/jobs/{name}/runs. The route is open (a backup
// script cannot log in): the job's own token, "Authorization: Bearer
// <token>", is the credential. Answers: 200 with the run as kept, 400 with
// the reason, 401, 404 for a job not configured, 413, 503 when the state
// database fails.
func (s *Service) ServePush(w http.ResponseWriter, r *http.Request) {
	j := s.jobs[r.PathValue("name")]
	if j == nil {
		mRejectUnknown.Inc()
		writeError(w, http.StatusNotFound, errors.New("no such job: add it to the jobs section first"))
		return
	}
	if !s.authorized(j, r) {
		mRejectAuth.Inc()
		w.Header().Set("WWW-Authenticate", `Bearer realm="swanwatch-jobs"`)
		writeError(w, http.StatusUnauthorized, errors.New("the job's token is required: Authorization: Bearer <token>"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			mRejectLarge.Inc()
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Errorf("body larger than %d KiB", MaxBodyBytes>>10))
			return
		}
		mRejectBad.Inc()
		writeError(w, http.StatusBadRequest, fmt.Errorf("read body: %w", err))
		return
	}
	rep, err := ParseReport(body, s.now())
	if err != nil {
		mRejectBad.Inc()
		writeError(w, http.StatusBadRequest, err)
		return
	}
	out, err := s.record(r.Context(), j, rep, "push")
	switch {
	case errors.Is(err, errNoStart):
		mRejectBad.Inc()
		writeError(w, http.StatusBadRequest, err)
		return
	case err != nil:
		mRejectStore.Inc()
		s.log.Warn("job run not stored", "job", j.cfg.Name, "err", err)
		writeError(w, http.StatusServiceUnavailable, errors.New("the run could not be stored: push it again later"))
		return
	case out.Duplicate:
		mPushDuplicate.Inc()
	default:
		mPushAccepted.Inc()
	}
	writeData(w, map[string]any{"job": j.cfg.Name, "run": out.Run, "duplicate": out.Duplicate})
}

// authorized checks the bearer token against the job's token file. A job
// without a token file (polled only) takes no push.
func (s *Service) authorized(j *job, r *http.Request) bool {
	got, ok := bearer(r)
	if !ok || j.token == nil {
		return false
	}
	want, err := j.token.get()
	if err != nil {
		s.warnToken(j, err)
		return false
	}
	return matches(got, want)
}

// warnToken logs an unreadable token file once a minute per job, not per push.
func (s *Service) warnToken(j *job, err error) {
	if j.token.warnDue(s.now()) {
		s.log.Warn("job token file unreadable: the job's pushes are refused", "job", j.cfg.Name, "err", err)
	}
}

// JobView is one job as GET /api/v1/jobs lists it.
type JobView struct {
	Name          string    `json:"name"`
	System        string    `json:"system"`
	Kind          string    `json:"kind"`
	Requirement   string    `json:"requirement"`
	Schedule      string    `json:"schedule"`
	Grace         string    `json:"grace"`
	MaxDuration   string    `json:"max_duration"`
	Polled        bool      `json:"polled"`
	State         string    `json:"state"` // waiting, ok, failed, too_long, missed
	StateText     string    `json:"state_text"`
	StateSince    time.Time `json:"state_since,omitzero"`
	Running       bool      `json:"running"`
	NextRun       time.Time `json:"next_run,omitzero"`
	LastRun       *Run      `json:"last_run,omitempty"`
	LastSuccessAt time.Time `json:"last_success_at,omitzero"`
}

var stateTexts = map[string]string{"waiting": "暂无运行记录", stateOK: "正常", EventFailed: "作业失败",
	EventTooLong: "作业超时", EventMissed: "作业未按时执行"}

// ServeList is GET /api/v1/jobs (viewer): every job with its last run and
// state. No token or token path is shown.
func (s *Service) ServeList(w http.ResponseWriter, _ *http.Request) {
	writeData(w, map[string]any{"jobs": s.List()})
}

// List returns the jobs as ServeList shows them.
func (s *Service) List() []JobView {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobView, 0, len(s.order))
	for _, name := range s.order {
		out = append(out, s.jobs[name].view(now))
	}
	return out
}

func (j *job) view(now time.Time) JobView {
	v := JobView{Name: j.cfg.Name, System: j.cfg.System, Kind: j.cfg.Kind, Requirement: j.cfg.Requirement,
		Schedule: j.sched.String(), Grace: cst.FormatDuration(j.cfg.Grace),
		MaxDuration: cst.FormatDuration(j.cfg.MaxDuration), Polled: j.cfg.Poll != nil,
		State: j.w.state, LastSuccessAt: j.lastSuccess}
	if v.State == "" {
		v.State = "waiting"
	} else {
		v.StateSince = j.w.stateAt
	}
	v.StateText = stateTexts[v.State]
	if j.last.Status != "" {
		last := j.last
		v.LastRun, v.Running = &last, last.Status == StatusRunning
	}
	v.NextRun = j.sched.Next(now)
	if every := j.sched.Every(); every > 0 {
		base := latest(j.w.since, j.w.judged, j.last.StartedAt)
		v.NextRun = base.Add(every)
		if late := now.Sub(v.NextRun); late > 0 { // overdue: the slot after now
			v.NextRun = v.NextRun.Add((late/every + 1) * every)
		}
	}
	return v
}

func writeData(w http.ResponseWriter, data any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": data})
}

func writeError(w http.ResponseWriter, code int, err error) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "error": err.Error()})
}
