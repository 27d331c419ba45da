package outbox

import (
	"context"
	"maps"
	"reflect"
	"slices"
)

// SetSenders makes senders the outbox's channels, also while Run is running:
// a new channel starts its dispatcher, a removed one stops once its sends in
// flight are recorded (its queued rows stay in the database, for the day it
// comes back), and a channel whose sender changed sends every row not yet in
// flight with the new sender, at once: a reload that fixes a robot address
// must not leave the backlog waiting out the old address's backoff.
func (o *Outbox) SetSenders(senders map[string]Sender) {
	o.mu.Lock()
	var changed []string
	for name, s := range senders {
		if old, ok := o.senders[name]; ok && !sameSender(old, s) {
			o.gen[name]++
			changed = append(changed, name)
		}
		if o.wake[name] == nil {
			o.wake[name] = make(chan struct{}, 1)
		}
	}
	removed := slices.DeleteFunc(slices.Collect(maps.Keys(o.senders)), func(name string) bool {
		_, kept := senders[name]
		return kept
	})
	o.senders = maps.Clone(senders)
	for name := range o.senders {
		o.startLocked(name)
	}
	for _, name := range removed {
		poke(o.wake[name]) // a dispatcher without a sender retires
	}
	o.mu.Unlock()
	for _, name := range changed {
		o.makeDue(name)
	}
}

// sameSender reports whether a and b are the same sender value. Only pointers
// are compared: comparing other dynamic types could panic (a func is not
// comparable), and treating them as changed costs only a wake-up.
func sameSender(a, b Sender) bool {
	t := reflect.TypeOf(a)
	return t != nil && t == reflect.TypeOf(b) && t.Kind() == reflect.Pointer && a == b
}

// startLocked starts the channel's dispatcher if Run is running and it has
// none; a dispatcher that is already running (perhaps retiring) is woken to
// see its new sender. o.mu is held.
func (o *Outbox) startLocked(name string) {
	if o.run == nil {
		return
	}
	if o.active[name] {
		poke(o.wake[name])
		return
	}
	o.active[name] = true
	d := newDispatcher(o, name, o.wake[name])
	ctx := o.run.ctx
	o.run.wg.Go(func() { d.run(ctx) })
}

// sender is the channel's current sender and generation; ok is false once
// the channel was removed.
func (o *Outbox) sender(name string) (s Sender, gen int, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok = o.senders[name]
	return s, o.gen[name], ok
}

// retire ends the channel's dispatcher if the channel was removed; it is
// decided under the lock so that SetSenders adding the channel back either
// finds the dispatcher still active or starts a new one, never two.
func (o *Outbox) retire(name string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.senders[name]; ok {
		return false
	}
	delete(o.active, name)
	return true
}

// makeDue brings forward the channel's rows waiting out a backoff.
func (o *Outbox) makeDue(channel string) {
	now := o.opts.Now().UnixMilli()
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	_, err := o.db.ExecContext(context.Background(), `UPDATE outbox SET next_attempt_at = ?
		WHERE channel = ? AND state = 'pending' AND next_attempt_at > ?`, now, channel, now)
	if err != nil { // the rows keep their backoff: later, not lost
		o.opts.Logger.Error("outbox: bring queued notifications forward for a new sender", "channel", channel, "err", err)
	}
	o.mu.Lock()
	poke(o.wake[channel])
	o.mu.Unlock()
}
