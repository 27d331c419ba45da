package alerting

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// OutboxSender is what the outbox needs of a channel: channels.Sender has the
// same method set. It is declared here because package channels imports this
// package, so this one cannot import channels.
type OutboxSender interface {
	Send(ctx context.Context, n Notification) error
}

// OutboxOptions tune an Outbox; zero values take the defaults.
type OutboxOptions struct {
	Logger                *slog.Logger
	Now                   func() time.Time
	MaxAttempts           int           // default 20; after that the row is failed
	MinBackoff            time.Duration // default 1s: first retry delay, also the poll interval
	MaxBackoff            time.Duration // default 5m: cap of the doubling delay
	PerChannelConcurrency int           // default 2 sends at a time per channel
	SendTimeout           time.Duration // default 30s per Send
	// IsPermanent tells errors that retries cannot fix; pass channels.IsPermanent.
	// Default: an error whose chain has a `Permanent() bool` method returning true.
	IsPermanent func(error) bool
	// OnResult is called after every recorded attempt, once the row is updated:
	// err nil means sent; final means no more attempts (sent or failed). The app
	// writes the incident timeline (notified / notify_failed) from it.
	OnResult func(n Notification, channel string, err error, final bool)
}

// Outbox is the durable queue between the alert pipeline and the channels:
// a notification is in the state database before Enqueue returns and is sent
// at least once, with retries, even across restarts (issue 4 item 7).
type Outbox struct {
	db      *sql.DB
	senders map[string]OutboxSender
	opts    OutboxOptions
	wake    map[string]chan struct{}
	// writeMu queues this process's outbox writes in Go: SQLite's busy handler
	// polls with growing sleeps, so a dispatcher recording a delivery could
	// starve behind a stream of enqueues, widening the window in which a crash
	// repeats a notification.
	writeMu sync.Mutex
}

// NewOutbox builds an outbox over the state database for the named channels.
// senders may be a map[string]channels.Sender.
func NewOutbox[S OutboxSender](db *statestore.DB, senders map[string]S, opts OutboxOptions) *Outbox {
	o := &Outbox{db: db.SQL(), senders: map[string]OutboxSender{}, opts: opts.withDefaults(),
		wake: map[string]chan struct{}{}}
	for name, s := range senders {
		o.senders[name] = s
		o.wake[name] = make(chan struct{}, 1)
	}
	return o
}

func (opts OutboxOptions) withDefaults() OutboxOptions {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.MaxAttempts = outboxDefault(opts.MaxAttempts, 20)
	opts.MinBackoff = outboxDefault(opts.MinBackoff, time.Second)
	opts.MaxBackoff = max(outboxDefault(opts.MaxBackoff, 5*time.Minute), opts.MinBackoff)
	opts.PerChannelConcurrency = outboxDefault(opts.PerChannelConcurrency, 2)
	opts.SendTimeout = outboxDefault(opts.SendTimeout, 30*time.Second)
	if opts.IsPermanent == nil {
		opts.IsPermanent = outboxPermanentMethod
	}
	if opts.OnResult == nil {
		opts.OnResult = func(Notification, string, error, bool) {}
	}
	return opts
}

// outboxDefault returns v, or def when v is not positive.
func outboxDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func outboxPermanentMethod(err error) bool {
	var p interface{ Permanent() bool }
	return errors.As(err, &p) && p.Permanent()
}

// Errors of Enqueue.
var (
	ErrUnknownChannel = errors.New("unknown notification channel")
	ErrNoNotifyID     = errors.New("notification has no id")
)

// Enqueue stores n for channel; it is durable when Enqueue returns. added is
// false when a notification with the same ID was already queued (dedupe).
func (o *Outbox) Enqueue(ctx context.Context, channel string, n Notification) (added bool, err error) {
	wake, ok := o.wake[channel]
	switch {
	case !ok:
		outboxInvalid("unknown_channel")
		return false, fmt.Errorf("enqueue %s: %w %q", n.ID, ErrUnknownChannel, channel)
	case n.ID == "":
		outboxInvalid("no_id")
		return false, fmt.Errorf("enqueue to %s: %w", channel, ErrNoNotifyID)
	}
	payload, err := json.Marshal(n)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", n.ID, err)
	}
	now := o.opts.Now().UnixMilli()
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	res, err := o.db.ExecContext(ctx, `INSERT OR IGNORE INTO outbox (id, channel, payload, created_at,
		next_attempt_at) VALUES (?, ?, ?, ?, ?)`, n.ID, channel, string(payload), now, now)
	if err != nil {
		return false, fmt.Errorf("enqueue %s: %w", n.ID, err)
	}
	if rows, _ := res.RowsAffected(); rows == 0 {
		outboxCounter("swanwatch_outbox_duplicates_total", channel).Inc()
		return false, nil
	}
	outboxCounter("swanwatch_outbox_enqueued_total", channel).Inc()
	select {
	case wake <- struct{}{}:
	default: // a wake-up is already pending
	}
	return true, nil
}

// backoff is the delay before the next try after attempts failures.
func (o *Outbox) backoff(attempts int) time.Duration {
	d := o.opts.MinBackoff
	for i := 1; i < attempts && d < o.opts.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, o.opts.MaxBackoff)
}

// counter is an outbox metric by channel; channel names come from the
// configuration, so the label is bounded.
func outboxCounter(name, channel string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`%s{channel=%q}`, name, channel))
}

func outboxInvalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_outbox_invalid_total{kind="` + kind + `"}`).Inc()
}
