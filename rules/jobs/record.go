package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// startTolerance: a result whose start differs this little from a running
// run's is that run's (the job read its clock twice).
const startTolerance = time.Minute

// errNoStart: a result without a start, and no running run to close.
var errNoStart = errors.New("started_at is required: give started_at or duration_seconds, or push running at the start")

// outcome is what recording a report did.
type outcome struct {
	Run       Run  `json:"run"`
	Duplicate bool `json:"duplicate,omitempty"` // the run's result was known already
}

// record files a report of job j and sends what it changes.
func (s *Service) record(ctx context.Context, j *job, rep Report, source string) (outcome, error) {
	s.mu.Lock()
	out, evs, err := s.recordLocked(ctx, j, rep, source)
	var samples []collectors.Sample
	if err == nil && !out.Duplicate {
		samples = j.samples()
	}
	s.mu.Unlock()
	if err != nil {
		return out, err
	}
	s.send(ctx, evs)
	s.write(ctx, samples)
	return out, nil
}

func (s *Service) recordLocked(ctx context.Context, j *job, rep Report, source string) (outcome, []collectors.Event, error) {
	now := s.now()
	prev, found, err := s.store.match(ctx, j.cfg.Name, rep.StartedAt, startTolerance)
	switch {
	case err != nil:
		return outcome{}, nil, err
	case !found && rep.StartedAt.IsZero():
		return outcome{}, nil, errNoStart
	case found && (!prev.FinishedAt.IsZero() || rep.Status == StatusRunning):
		return outcome{Run: prev, Duplicate: true}, nil, nil // a retry, or a poll of the same run
	}
	run := Run{Job: j.cfg.Name, Status: rep.Status, StartedAt: rep.StartedAt, FinishedAt: rep.FinishedAt,
		Bytes: rep.Bytes, Message: rep.Message, Source: source, Announced: rep.Status == StatusRunning}
	if found { // the result of a run that said running at its start
		run.Announced, run.TooLong = true, prev.TooLong
		if run.StartedAt.IsZero() {
			run.StartedAt = prev.StartedAt
		}
		if !run.StartedAt.Equal(prev.StartedAt) {
			if err := s.store.move(ctx, j.cfg.Name, prev.StartedAt, run.StartedAt); err != nil {
				return outcome{}, nil, err
			}
		}
	}
	evs := s.judgeRun(j, &run, now)
	if err := s.store.save(ctx, run, now); err != nil {
		return outcome{}, nil, err
	}
	if err := s.reload(ctx, j); err != nil { // the run may be re-keyed, or older than the last
		return outcome{}, nil, err
	}
	j.apply(evs)
	if err := s.store.saveWatch(ctx, j.cfg.Name, j.w); err != nil {
		return outcome{}, nil, err
	}
	return outcome{Run: run}, evs, nil
}

// judgeRun returns the events a new or finished run raises, and marks it
// too long when it is.
func (s *Service) judgeRun(j *job, run *Run, now time.Time) []collectors.Event {
	tooLong := run.Duration(now) > j.cfg.MaxDuration
	var evs []collectors.Event
	switch {
	case run.Status == StatusFailed:
		evs = append(evs, j.event(EventFailed, *run, now))
	case tooLong && !run.TooLong:
		evs = append(evs, j.event(EventTooLong, *run, now))
	case run.Status == StatusSuccess && !tooLong:
		evs = append(evs, j.event(EventSucceeded, *run, now))
	}
	run.TooLong = run.TooLong || tooLong
	return evs
}

// apply moves the job's state by its events: the last of failed, too_long
// and missed stands until a good run.
func (j *job) apply(evs []collectors.Event) {
	for _, e := range evs {
		j.w.state, j.w.stateAt = e.Labels["event"], e.Time
		if j.w.state == EventSucceeded {
			j.w.state = stateOK
		}
	}
}

// announces reports whether the job says running when a run starts, judged
// by its last run: its slot can then be judged at grace, not after a whole
// run's time.
func (j *job) announces() bool { return j.last.Announced }

// deadline is how long after a slot it is judged.
func (j *job) deadline() time.Duration {
	if j.announces() {
		return j.cfg.Grace
	}
	return j.cfg.Grace + j.cfg.MaxDuration
}
