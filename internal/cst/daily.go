package cst

import (
	"context"
	"time"

	"github.com/swanwatch/swanwatch/internal/retry"
)

// offWait is how long a job that is off waits before asking again whether it
// is on: a reload that turns it on applies within the hour.
const offWait = time.Hour

// Daily runs a job once a day at a time of the Asia/Shanghai day: the SLA
// ledger's close after midnight and the morning's inspection report share it,
// so "the next 08:00 CST" is worked out in one place.
type Daily struct {
	// At is the job's offset into the CST day; on false the job is off, no
	// day runs it and At is asked again in an hour. It is read before every
	// wait, so a reload applies from the next run on.
	At func() (offset time.Duration, on bool)
	// Retry, when positive, runs a job that failed again after this long,
	// unless its next day's run comes sooner.
	Retry time.Duration
	// AtStart runs the job once as Run starts (a closer catching up on the
	// days it missed while the server was down).
	AtStart bool
	// Now is the clock (time.Now when nil). The waits use real timers, so
	// tests run Daily in a testing/synctest bubble.
	Now func() time.Time
}

// Job is one run of a daily job, at now. An error only matters for Retry:
// the job logs its own failures.
type Job func(ctx context.Context, now time.Time) error

// Run runs job at every day's offset until ctx ends; it returns nil then.
// A run that is late (a slow job, a suspended machine) is not repeated:
// the next run is the next offset after the previous run ended.
func (d Daily) Run(ctx context.Context, job Job) error {
	failed := false
	if d.AtStart {
		failed = job(ctx, d.now()) != nil
	}
	for {
		offset, on := d.At()
		wait := offWait
		if on {
			now := d.now()
			wait = next(now, offset).Sub(now)
			if failed && d.Retry > 0 {
				wait = min(wait, d.Retry)
			}
		}
		if !retry.Sleep(ctx, wait) {
			return nil
		}
		failed = false
		if _, still := d.At(); on && still { // turned off while it waited: no run
			failed = job(ctx, d.now()) != nil
		}
	}
}

func (d Daily) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// next is the first instant after now at offset into a CST day.
func next(now time.Time, offset time.Duration) time.Time {
	at := StartOfDay(now).Add(offset)
	if !at.After(now) {
		at = StartOfDay(now).AddDate(0, 0, 1).Add(offset)
	}
	return at
}
