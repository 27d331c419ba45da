package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// row is a due row; bad is set when its payload cannot be decoded.
type row struct {
	n        notice.Notification
	id       string
	attempts int // attempts made, counted before each send
	bad      error
}

// result is a send's outcome; claimed is false when the attempt could not
// be counted, so nothing was sent.
type result struct {
	row     row
	err     error
	claimed bool
}

// dispatcher sends one channel's rows. It is owned by one goroutine; sends
// report back on done.
type dispatcher struct {
	o          *Outbox
	channel    string
	wake       chan struct{}
	inflight   map[string]bool
	done       chan result
	gen        int       // generation of the sender the backoff below belongs to
	fails      int       // consecutive transient failures of the channel
	pauseUntil time.Time // the channel's backoff, wall clock
}

func newDispatcher(o *Outbox, channel string, wake chan struct{}) *dispatcher {
	return &dispatcher{o: o, channel: channel, wake: wake, inflight: map[string]bool{},
		done: make(chan result, o.opts.PerChannelConcurrency)}
}

// ErrRunning is returned by a second concurrent Run.
var ErrRunning = errors.New("outbox is already running")

// Run delivers notifications until ctx ends, with one dispatcher per channel.
// Rows that were being sent when a previous process died are still pending
// and are sent again: at least once, at most one duplicate per notification.
func (o *Outbox) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	o.mu.Lock()
	if o.run != nil {
		o.mu.Unlock()
		return ErrRunning
	}
	o.run = &runState{ctx: ctx, wg: &wg}
	for name := range o.senders {
		o.startLocked(name)
	}
	o.mu.Unlock()
	<-ctx.Done()
	o.mu.Lock()
	o.run = nil // from here SetSenders starts nothing, so wg only counts down
	o.mu.Unlock()
	wg.Wait()
	o.mu.Lock()
	clear(o.active)
	o.mu.Unlock()
	return nil
}

func (d *dispatcher) run(ctx context.Context) {
	tick := time.NewTicker(d.o.opts.MinBackoff) // rows whose backoff has passed
	defer tick.Stop()
	for {
		if len(d.inflight) == 0 && d.o.retire(d.channel) {
			return
		}
		d.fill(ctx)
		select {
		case <-ctx.Done():
			for len(d.inflight) > 0 {
				d.finish(ctx, <-d.done)
			}
			return
		case r := <-d.done:
			d.finish(ctx, r)
		case <-d.wake:
		case <-tick.C:
		}
	}
}

// fill starts sends for due rows, oldest first, up to the channel's
// concurrency, with the channel's current sender.
func (d *dispatcher) fill(ctx context.Context) {
	s, gen, ok := d.o.sender(d.channel)
	if gen != d.gen { // a new sender starts with no backoff of the old one
		d.gen, d.fails, d.pauseUntil = gen, 0, time.Time{}
	}
	limit := d.o.opts.PerChannelConcurrency
	if !ok || len(d.inflight) >= limit || time.Now().Before(d.pauseUntil) || ctx.Err() != nil {
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
			r.attempts++
			d.o.record(ctx, d.channel, r, r.bad)
		default:
			d.inflight[r.id] = true
			go func() { d.done <- d.o.attempt(ctx, d.channel, s, r) }()
		}
	}
}

// finish records a send's outcome and updates the channel's backoff.
func (d *dispatcher) finish(ctx context.Context, r result) {
	delete(d.inflight, r.row.id)
	switch {
	case !r.claimed:
		d.pauseUntil = time.Now().Add(d.o.opts.MinBackoff) // the database is in trouble: do not spin
		return
	case r.err != nil && ctx.Err() != nil:
		return // shutdown cut the send short: counted, and the row stays due
	}
	final := d.o.record(context.WithoutCancel(ctx), d.channel, r.row, r.err)
	if r.err == nil || final {
		d.fails, d.pauseUntil = 0, time.Time{}
		return
	}
	d.fails++
	d.pauseUntil = time.Now().Add(d.o.backoff(d.fails))
}

// attempt counts the attempt, then sends.
func (o *Outbox) attempt(ctx context.Context, channel string, s Sender, r row) result {
	number, err := o.claim(ctx, channel, r)
	if err != nil {
		if ctx.Err() == nil {
			o.opts.Logger.Error("outbox: count attempt; not sending now", "channel", channel, "id", r.id, "err", err)
		}
		return result{row: r}
	}
	r.attempts = number
	return result{row: r, err: o.send(ctx, s, r.n), claimed: true}
}

func (o *Outbox) send(ctx context.Context, s Sender, n notice.Notification) (err error) {
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
func (o *Outbox) due(ctx context.Context, channel string, limit int) ([]row, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT id, payload, attempts FROM outbox
		WHERE channel = ? AND state = 'pending' AND next_attempt_at <= ?
		ORDER BY created_at, id LIMIT ?`, channel, o.opts.Now().UnixMilli(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		var payload string
		if err := rows.Scan(&r.id, &payload, &r.attempts); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(payload), &r.n); err != nil {
			countInvalid("payload")
			r.bad = fmt.Errorf("decode stored notification: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
