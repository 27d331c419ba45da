package netprobe

import (
	"context"
	"fmt"
	"net/netip"
	"sync"
	"time"
)

// echoRound is one family's multi-packet echo round to one address. The
// pinger's reader fills in receive times; the round's own goroutine sends.
type echoRound struct {
	token uint32
	dst   netip.Addr

	mu          sync.Mutex
	open        bool
	sent, recv  []time.Time
	outstanding int
	wake        chan struct{} // a reply came: the sender rechecks completeness
}

func newEchoRound(dst netip.Addr, packets int) *echoRound {
	return &echoRound{dst: dst, open: true, sent: make([]time.Time, packets),
		recv: make([]time.Time, packets), wake: make(chan struct{}, 1)}
}

func (r *echoRound) markSent(seq int, at time.Time) {
	r.mu.Lock()
	r.sent[seq] = at
	r.outstanding++
	r.mu.Unlock()
}

// receive records a reply; it refuses replies after the round closed, from
// another address, for requests not sent, and duplicates.
func (r *echoRound) receive(seq int, from netip.Addr, at time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.open || from != r.dst || seq < 0 || seq >= len(r.sent) || r.sent[seq].IsZero() || !r.recv[seq].IsZero() {
		return false
	}
	r.recv[seq] = at
	r.outstanding--
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return true
}

func (r *echoRound) complete() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.outstanding == 0
}

// finish closes the round (later replies count as lost) and summarises it.
func (r *echoRound) finish() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.open = false
	return summarize(r.sent, r.recv)
}

// run sends cfg.Packets requests at cfg.Spacing on an absolute schedule (a late
// wake-up does not push the following requests back), then waits for replies
// until cfg.ReplyWait after the last request or until every reply is in. A ctx
// that ends first fails the round: its loss figure would be meaningless.
func (p *pinger) run(ctx context.Context, dst netip.Addr, cfg Config) (Stats, error) {
	r := newEchoRound(dst, cfg.Packets)
	p.register(r)
	defer p.unregister(r)
	timer := time.NewTimer(0)
	defer timer.Stop()
	start := time.Now()
	var last time.Time
	for i := range cfg.Packets {
		if err := sleepUntil(ctx, timer, start.Add(time.Duration(i)*cfg.Spacing)); err != nil {
			r.finish()
			return Stats{}, fmt.Errorf("%s echo round to %s cut short after %d of %d requests: %w", p.family, dst, i, cfg.Packets, err)
		}
		if err := p.send(r, i); err != nil {
			p.log.Debug("echo request failed; counted lost", "family", p.family, "err", err)
		}
		last = time.Now()
	}
	if err := r.await(ctx, timer, last.Add(cfg.ReplyWait)); err != nil {
		r.finish()
		return Stats{}, fmt.Errorf("%s echo round to %s: deadline before the replies' wait ended: %w", p.family, dst, err)
	}
	return r.finish(), nil
}

// await returns when every reply is in or the wait ends (nil), or when ctx ends.
func (r *echoRound) await(ctx context.Context, timer *time.Timer, until time.Time) error {
	timer.Reset(time.Until(until))
	for !r.complete() {
		select {
		case <-r.wake:
		case <-timer.C:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func sleepUntil(ctx context.Context, timer *time.Timer, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	d := time.Until(t)
	if d <= 0 {
		return nil
	}
	timer.Reset(d)
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
