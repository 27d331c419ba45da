package alerting

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// maxLastError bounds the error text kept on a row (channel errors are
// already free of secrets by the Sender contract).
const maxLastError = 500

// outboxRow is a due row; bad is set when its payload cannot be decoded.
type outboxRow struct {
	n        Notification
	id       string
	attempts int
	bad      error
}

type outboxResult struct {
	row outboxRow
	err error
}

// outboxDispatcher sends one channel's rows, so a hanging channel delays only itself.
// It is owned by one goroutine; sends report back on done.
type outboxDispatcher struct {
	o          *Outbox
	channel    string
	sender     OutboxSender
	inflight   map[string]bool
	done       chan outboxResult
	fails      int       // consecutive transient failures of the channel
	pauseUntil time.Time // the channel's backoff, wall clock
}

// Run delivers notifications until ctx ends, with one outboxDispatcher per channel.
// Rows that were being sent when a previous process died are still pending
// and are sent again: at least once, at most one duplicate per notification.
func (o *Outbox) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for name, s := range o.senders {
		d := &outboxDispatcher{o: o, channel: name, sender: s, inflight: map[string]bool{},
			done: make(chan outboxResult, o.opts.PerChannelConcurrency)}
		wg.Go(func() { d.run(ctx) })
	}
	wg.Wait()
	return nil
}

func (d *outboxDispatcher) run(ctx context.Context) {
	tick := time.NewTicker(d.o.opts.MinBackoff) // rows whose backoff has passed
	defer tick.Stop()
	for {
		d.fill(ctx)
		select {
		case <-ctx.Done():
			for len(d.inflight) > 0 {
				d.finish(ctx, <-d.done)
			}
			return
		case r := <-d.done:
			d.finish(ctx, r)
		case <-d.o.wake[d.channel]:
		case <-tick.C:
		}
	}
}

// fill starts sends for due rows, oldest first, up to the channel's concurrency.
func (d *outboxDispatcher) fill(ctx context.Context) {
	limit := d.o.opts.PerChannelConcurrency
	if len(d.inflight) >= limit || time.Now().Before(d.pauseUntil) || ctx.Err() != nil {
		return
	}
	rows, err := d.o.due(ctx, d.channel, limit+len(d.inflight))
	if err != nil {
		d.o.opts.Logger.Error("outbox: read due notifications", "channel", d.channel, "err", err)
		return
	}
	for _, r := range rows {
		switch {
		case len(d.inflight) >= limit:
			return
		case d.inflight[r.id]:
		case r.bad != nil:
			d.o.record(ctx, d.channel, r, r.bad)
		default:
			d.inflight[r.id] = true
			go func() { d.done <- outboxResult{r, d.o.send(ctx, d.sender, r.n)} }()
		}
	}
}

// finish records a send's outcome and updates the channel's backoff.
func (d *outboxDispatcher) finish(ctx context.Context, r outboxResult) {
	delete(d.inflight, r.row.id)
	if r.err != nil && ctx.Err() != nil {
		return // shutdown cut the send short: not an attempt, the row stays due
	}
	final := d.o.record(context.WithoutCancel(ctx), d.channel, r.row, r.err)
	if r.err == nil || final {
		d.fails, d.pauseUntil = 0, time.Time{}
		return
	}
	d.fails++
	d.pauseUntil = time.Now().Add(d.o.backoff(d.fails))
}

func (o *Outbox) send(ctx context.Context, s OutboxSender, n Notification) (err error) {
	ctx, cancel := context.WithTimeout(ctx, o.opts.SendTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil { // one broken channel must not stop the others
			err = fmt.Errorf("channel panicked: %v", p)
		}
	}()
	return s.Send(ctx, n)
}

// due returns up to limit pending rows of channel whose time has come.
func (o *Outbox) due(ctx context.Context, channel string, limit int) ([]outboxRow, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT id, payload, attempts FROM outbox
		WHERE channel = ? AND state = 'pending' AND next_attempt_at <= ?
		ORDER BY created_at, id LIMIT ?`, channel, o.opts.Now().UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		var payload string
		if err := rows.Scan(&r.id, &payload, &r.attempts); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(payload), &r.n); err != nil {
			outboxInvalid("payload")
			r.bad = fmt.Errorf("decode stored notification: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
