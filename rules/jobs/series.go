package jobs

import (
	"context"

	"github.com/swanwatch/swanwatch/collectors"
)

// The series of docs/cloud.md ("Scheduled jobs"), labels job and system.
const (
	seriesLastRun      = "job_last_run_timestamp_seconds"
	seriesLastSuccess  = "job_last_success_timestamp_seconds"
	seriesLastStatus   = "job_last_status"
	seriesLastDuration = "job_last_duration_seconds"
	seriesLastBytes    = "job_last_bytes"
)

// samples are the job's series; none before its first finished run (the
// last run's figures are those of the last finished one, a running run has none).
func (j *job) samples() []collectors.Sample {
	d := j.lastDone
	if d.FinishedAt.IsZero() {
		return nil
	}
	status := 0.0
	if d.Status == StatusSuccess {
		status = 1
	}
	out := []collectors.Sample{
		j.sample(seriesLastRun, float64(d.FinishedAt.Unix())),
		j.sample(seriesLastStatus, status),
		j.sample(seriesLastDuration, d.FinishedAt.Sub(d.StartedAt).Seconds()),
		j.sample(seriesLastBytes, float64(d.Bytes)),
	}
	if !j.lastSuccess.IsZero() {
		out = append(out, j.sample(seriesLastSuccess, float64(j.lastSuccess.Unix())))
	}
	return out
}

// sample builds one series; labels sorted by name, as a Sink wants them.
func (j *job) sample(name string, v float64) collectors.Sample {
	return collectors.Sample{Value: v, Labels: []collectors.Label{
		{Name: "__name__", Value: name}, {Name: "job", Value: j.cfg.Name}, {Name: "system", Value: j.cfg.System}}}
}

// write appends samples at now; a failure is counted and logged.
func (s *Service) write(ctx context.Context, samples []collectors.Sample) {
	if len(samples) == 0 || s.sink == nil {
		return
	}
	if err := s.sink.Append(ctx, s.now(), samples); err != nil {
		mSinkErrors.Inc()
		s.log.Warn("job series not written", "err", err)
	}
}
