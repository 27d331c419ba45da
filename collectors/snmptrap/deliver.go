package snmptrap

import (
	"context"

	"github.com/swanwatch/swanwatch/collectors"
)

// maxBatch bounds the events of one AppendEvents call.
const maxBatch = 256

// deliver turns queued traps into events until the queue is closed and
// drained, or ctx ends (then the rest is counted as queue_full).
func (r *Receiver) deliver(ctx context.Context) {
	for t := range r.queue {
		if ctx.Err() != nil {
			dropped[reasonQueueFull].Inc()
			continue
		}
		// A fresh slice per batch: the sink may keep what it was given.
		batch := r.fill([]collectors.Event{r.event(t)})
		r.flush(ctx, batch)
	}
}

// fill adds what is already queued, without waiting, up to maxBatch.
func (r *Receiver) fill(batch []collectors.Event) []collectors.Event {
	for len(batch) < maxBatch {
		select {
		case t, ok := <-r.queue:
			if !ok {
				return batch
			}
			batch = append(batch, r.event(t))
		default:
			return batch
		}
	}
	return batch
}

// event classifies and resolves one trap, shows it to the rules and returns
// its event.
func (r *Receiver) event(t Trap) collectors.Event {
	p, known := classify(&t, r.profiles)
	resolve(&t, r.opts.Resolve)
	nameInterface(&t, r.opts.IfName)
	if r.opts.OnTrap != nil {
		r.opts.OnTrap(t)
	}
	return toEvent(&t, p, known)
}

func (r *Receiver) flush(ctx context.Context, batch []collectors.Event) {
	if err := r.opts.Sink.AppendEvents(ctx, batch); err != nil {
		sinkErrors.Inc()
		r.log.Warn("snmp trap events not stored", "events", len(batch), "err", err)
		return
	}
	eventsTotal.Add(len(batch))
}
