package jobs

import (
	"context"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// maxCatchUp bounds the missed slots raised for one job in one check (after
// a long stop of the server): the oldest are judged silently; the month's
// figures still count them.
const maxCatchUp = 50

// Check judges every job now, as Run does each minute: runs still going past
// max_duration, and slots whose deadline passed without a run. It sends
// their events and writes every job's series.
func (s *Service) Check(ctx context.Context) {
	now := s.now()
	var evs []collectors.Event
	var samples []collectors.Sample
	s.mu.Lock()
	for _, name := range s.order {
		j := s.jobs[name]
		got, err := s.checkJob(ctx, j, now)
		if err != nil {
			mStoreErrors.Inc()
			s.log.Warn("job not checked", "job", name, "err", err)
		}
		evs = append(evs, got...)
		samples = append(samples, j.samples()...)
	}
	s.mu.Unlock()
	s.send(ctx, evs)
	s.write(ctx, samples)
}

func (s *Service) checkJob(ctx context.Context, j *job, now time.Time) ([]collectors.Event, error) {
	evs, err := s.checkRunning(ctx, j, now)
	if err != nil {
		return evs, err
	}
	before := j.w
	missed, err := s.checkSlots(ctx, j, now)
	evs = append(evs, missed...)
	j.apply(evs)
	if j.w != before { // most minutes judge nothing: no write
		err = firstErr(err, s.store.saveWatch(ctx, j.cfg.Name, j.w))
	}
	return evs, err
}

// checkRunning raises too_long for runs still going past max_duration.
func (s *Service) checkRunning(ctx context.Context, j *job, now time.Time) ([]collectors.Event, error) {
	runs, err := s.store.running(ctx, j.cfg.Name)
	if err != nil {
		return nil, err
	}
	var evs []collectors.Event
	for _, r := range runs {
		if r.Duration(now) <= j.cfg.MaxDuration {
			continue
		}
		r.TooLong = true
		if err := s.store.save(ctx, r, now); err != nil {
			return evs, err
		}
		if r.StartedAt.Equal(j.last.StartedAt) {
			j.last.TooLong = true
		}
		evs = append(evs, j.event(EventTooLong, r, now))
	}
	return evs, nil
}

// checkSlots judges the slots whose deadline has passed since the last
// check; each one without a run is missed once.
func (s *Service) checkSlots(ctx context.Context, j *job, now time.Time) ([]collectors.Event, error) {
	through := now.Add(-j.deadline() - time.Nanosecond) // a start at the deadline itself still counts
	verdicts, skipped, err := s.judge(ctx, j, through, now)
	if err != nil || len(verdicts) == 0 {
		return nil, err
	}
	if skipped > 0 {
		s.log.Warn("job slots missed while the server was stopped are not raised one by one",
			"job", j.cfg.Name, "slots", skipped)
	}
	var evs []collectors.Event
	for _, v := range verdicts {
		if !v.ran && !v.silent {
			evs = append(evs, j.missedEvent(v.slot, now))
		}
	}
	j.w.judged = verdicts[len(verdicts)-1].slot
	return evs, nil
}

// liveVerdict is a verdict of the live check; silent ones are older than
// the catch-up bound.
type liveVerdict struct {
	verdict
	silent bool
}

// judge walks the slots after the last judged one up to through.
func (s *Service) judge(ctx context.Context, j *job, through, now time.Time) ([]liveVerdict, int, error) {
	base := latest(j.w.since.Add(-time.Nanosecond), j.w.judged)
	if j.sched.Every() > 0 {
		base = latest(j.w.since, j.w.judged, j.last.StartedAt)
	}
	if !through.After(base) {
		return nil, 0, nil
	}
	early := min(j.cfg.Grace, maxEarly)
	runs, err := s.store.between(ctx, j.cfg.Name, base.Add(-early), now.Add(time.Second))
	if err != nil {
		return nil, 0, err
	}
	starts := startsOf(runs)
	var vs []verdict
	const walkLimit = 1 << 20 // a year of 1-minute slots; the bound is only against a bug
	if j.sched.Every() > 0 {
		vs, _ = j.sched.judgeEvery(starts, base, j.cfg.Grace, through, walkLimit)
	} else {
		vs, _ = j.sched.judgeCron(starts, j.cfg.Grace, base.Add(time.Nanosecond), through, walkLimit)
	}
	out := make([]liveVerdict, len(vs))
	missed, skipped := 0, 0
	for i := len(vs) - 1; i >= 0; i-- { // newest first: the bound keeps the recent ones
		out[i].verdict = vs[i]
		if !vs[i].ran {
			missed++
			if out[i].silent = missed > maxCatchUp; out[i].silent {
				skipped++
			}
		}
	}
	return out, skipped, nil
}

func startsOf(runs []Run) []time.Time {
	out := make([]time.Time, len(runs))
	for i, r := range runs {
		out[i] = r.StartedAt
	}
	return out
}

func latest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if t.After(out) {
			out = t
		}
	}
	return out
}

// firstErr returns the first error that is not nil.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
