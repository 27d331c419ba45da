// Package retry owns how SwanWatch retries a delivery: capped exponential backoff
// with jitter, a sleep that ends with the context, and errors that are not worth
// retrying (a receiver that refused the request) told apart by a classifier or
// by Permanent. remote_write and the Loki push both use it.
//
// The loop and the schedule are github.com/cenkalti/backoff/v5 (already in the
// module graph through the Prometheus and OpenTelemetry modules, small, with no
// dependencies of its own): its Retry handles permanent errors, context
// cancellation and notification, which is what we would otherwise write again.
// Do fixes what its defaults get wrong for a queue that must wait out an outage
// of any length: no elapsed-time limit (its default gives up after 15 minutes),
// intervals that double, and a hard cap (its jitter can overshoot MaxInterval).
package retry

import (
	"context"
	"time"

	"github.com/cenkalti/backoff/v5"
)

// Jitter spreads each delay by ±20%, so that receivers' clients that failed
// together (one outage) do not retry in lockstep.
const Jitter = 0.2

// Policy says how to retry.
type Policy struct {
	Min, Max time.Duration // first delay (at least 1 ms) and cap (at least Min)

	// Permanent, when set, tells errors that retrying cannot help; Do returns
	// them at once. Errors wrapped with Permanent are permanent anyway.
	Permanent func(error) bool

	// OnRetry, when set, is called after each failed attempt that will be
	// retried, with the error and the delay before the next attempt.
	OnRetry func(err error, next time.Duration)
}

// Do calls op until it returns nil or a permanent error, or ctx ends. It returns
// nil, the permanent error (unwrapped from Permanent), or ctx's cause. op always
// runs at least once.
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	first := max(p.Min, time.Millisecond) // a zero delay would spin
	limit := max(p.Max, first)
	b := &backoff.ExponentialBackOff{
		InitialInterval:     first,
		RandomizationFactor: Jitter,
		Multiplier:          2,
		MaxInterval:         limit,
	}
	opts := []backoff.RetryOption{
		backoff.WithBackOff(capped{b, limit}),
		backoff.WithMaxElapsedTime(0),
	}
	if p.OnRetry != nil {
		opts = append(opts, backoff.WithNotify(p.OnRetry))
	}
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		err := op(ctx)
		if err != nil && p.Permanent != nil && p.Permanent(err) {
			err = backoff.Permanent(err)
		}
		return struct{}{}, err
	}, opts...)
	return err
}

// capped keeps a jittered delay within the cap.
type capped struct {
	*backoff.ExponentialBackOff
	max time.Duration
}

func (c capped) NextBackOff() time.Duration { return min(c.ExponentialBackOff.NextBackOff(), c.max) }

// Permanent marks err as not worth retrying; Do returns err itself.
func Permanent(err error) error { return backoff.Permanent(err) }

// Sleep waits d or until ctx ends; it reports whether the full wait passed.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
