package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// JobMonth is one job's figures for a month of the report (备份成功率).
type JobMonth struct {
	Job         string `json:"job"`
	System      string `json:"system"`
	Kind        string `json:"kind"`
	Requirement string `json:"requirement"`
	Backup      bool   `json:"backup"` // kind backup: the report's backup line (R-A9)
	// Expected is the slots of the schedule in the month (Asia/Shanghai),
	// from when the job was first watched and up to those judged by now.
	Expected int `json:"expected"`
	// Runs started in the month, and of them the ones that succeeded or failed
	// (the rest are still running, or were never finished).
	Runs      int `json:"runs"`
	Successes int `json:"successes"`
	Failures  int `json:"failures"`
	// Missed is the expected slots without a run that started in time.
	Missed int `json:"missed"`
	// TooLong is the runs that took (or are taking) longer than max_duration.
	TooLong int `json:"too_long"`
	// SuccessRate is Successes / Expected, at most 1; 0 when Expected is 0
	// (nothing was due: the report shows —).
	SuccessRate float64 `json:"success_rate"`
}

// Month returns every configured job's figures for month ("2006-01", CST),
// in configuration order.
func (s *Service) Month(ctx context.Context, month string) ([]JobMonth, error) {
	from, err := time.ParseInLocation("2006-01", month, cst.Location)
	if err != nil {
		return nil, fmt.Errorf("month %q: want YYYY-MM", clip(month, 20))
	}
	to := from.AddDate(0, 1, 0)
	out := make([]JobMonth, 0, len(s.order))
	for _, name := range s.order {
		m, err := s.jobMonth(ctx, s.jobs[name], from, to)
		if err != nil {
			return nil, fmt.Errorf("job %s, month %s: %w", name, month, err)
		}
		out = append(out, m)
	}
	return out, nil
}

func (s *Service) jobMonth(ctx context.Context, j *job, from, to time.Time) (JobMonth, error) {
	s.mu.Lock()
	since, through := j.w.since, s.now().Add(-j.deadline()-time.Nanosecond)
	s.mu.Unlock()
	c := j.cfg
	m := JobMonth{Job: c.Name, System: c.System, Kind: c.Kind, Requirement: c.Requirement, Backup: c.Kind == KindBackup}
	runs, err := s.store.between(ctx, c.Name, from, to)
	if err != nil {
		return m, err
	}
	for _, r := range runs {
		m.Runs++
		switch r.Status {
		case StatusSuccess:
			m.Successes++
		case StatusFailed:
			m.Failures++
		}
		if r.TooLong {
			m.TooLong++
		}
	}
	if through.After(to.Add(-time.Nanosecond)) {
		through = to.Add(-time.Nanosecond)
	}
	vs, err := s.monthVerdicts(ctx, j, since, from, to, through)
	if err != nil {
		return m, err
	}
	for _, v := range vs {
		m.Expected++
		if !v.ran {
			m.Missed++
		}
	}
	if m.Expected > 0 {
		m.SuccessRate = min(1, float64(m.Successes)/float64(m.Expected))
	}
	return m, nil
}

// monthVerdicts judges the month's slots up to through as the live check does.
func (s *Service) monthVerdicts(ctx context.Context, j *job, since, from, to, through time.Time) ([]verdict, error) {
	const unlimited = 1 << 30
	grace := j.cfg.Grace
	if every := j.sched.Every(); every > 0 {
		base := since
		before, ok, err := s.store.one(ctx, `job = ? AND started_at < ? ORDER BY started_at DESC LIMIT 1`,
			j.cfg.Name, from.UnixMilli())
		if err != nil {
			return nil, err
		}
		if ok && before.StartedAt.After(base) {
			base = before.StartedAt
		}
		runs, err := s.store.between(ctx, j.cfg.Name, base, to.Add(grace))
		if err != nil {
			return nil, err
		}
		vs, _ := j.sched.judgeEvery(startsOf(runs), base, grace, through, unlimited)
		for len(vs) > 0 && vs[0].slot.Before(from) {
			vs = vs[1:]
		}
		return vs, nil
	}
	runs, err := s.store.between(ctx, j.cfg.Name, from.Add(-maxEarly), to.Add(grace+time.Second))
	if err != nil {
		return nil, err
	}
	vs, _ := j.sched.judgeCron(startsOf(runs), grace, latest(from, since), through, unlimited)
	return vs, nil
}
