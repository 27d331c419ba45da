package syslog

import (
	"context"

	"github.com/swanwatch/swanwatch/collectors"
)

// A batch (one AppendEvents call) is at most half the queue: the store fsyncs
// once per call, which on a busy disk takes tens to hundreds of milliseconds,
// and the lines that arrive meanwhile wait in the other half. The bench
// (bench/syslog) found the receiver bound by that wait, not by the CPU.
func (r *Receiver) maxBatch() int { return max(cap(r.queue)/2, 1) }

// deliver hands queued events to the sink until the queue is closed and
// drained, or ctx ends (the rest is then counted as queue_full).
func (r *Receiver) deliver(ctx context.Context) {
	for ev := range r.queue {
		if ctx.Err() != nil {
			dropped[dropQueueFull].Inc()
			continue
		}
		// A fresh slice per batch: the sink may keep what it was given.
		batch := make([]collectors.Event, 1, 64)
		batch[0] = ev
		r.flush(ctx, r.fill(batch))
	}
}

// fill adds what is already queued, without waiting, up to maxBatch.
func (r *Receiver) fill(batch []collectors.Event) []collectors.Event {
	for n := r.maxBatch(); len(batch) < n; {
		select {
		case ev, ok := <-r.queue:
			if !ok {
				return batch
			}
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

func (r *Receiver) flush(ctx context.Context, batch []collectors.Event) {
	if err := r.deps.Sink.AppendEvents(ctx, batch); err != nil {
		sinkErrors.Inc()
		r.log.Warn("syslog events not stored", "events", len(batch), "err", err)
		return
	}
	eventsStored.Add(len(batch))
}
