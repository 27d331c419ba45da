// Package outbox owns the durable queue between the notifier and the
// channels: a notification is in the state database before Enqueue returns,
// and is sent at least once, with retries and backoff, even across restarts
// (issue 4 item 7). One dispatcher per channel sends its rows, so a hanging
// channel delays only itself; the senders can be swapped at run time
// (SetSenders) without losing a queued row. Every attempt is counted in the
// database before the send and handed to a Journal in the same transaction,
// so a crash between the send and its bookkeeping still leaves a trace.
package outbox

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
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Sender is what the outbox needs of a channel; channels.Sender has the same
// method set (and its contract: honour ctx, never log secrets, mark errors a
// retry cannot fix with a `Permanent() bool` method).
type Sender interface {
	Send(ctx context.Context, n notice.Notification) error
}

// Options tune an Outbox; zero values take the defaults.
type Options struct {
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
	// Journal records every attempt and its result; nil records nothing.
	Journal Journal
}

// Outbox is the durable queue; see the package comment.
type Outbox struct {
	db   *sql.DB
	opts Options
	// writeMu queues this process's outbox writes in Go: SQLite's busy handler
	// polls with growing sleeps, so a dispatcher recording a delivery could
	// starve behind a stream of enqueues, widening the window in which a crash
	// repeats a notification.
	writeMu sync.Mutex

	mu      sync.Mutex
	senders map[string]Sender
	gen     map[string]int           // bumped when a channel's sender is replaced
	wake    map[string]chan struct{} // per channel ever configured; kept, so a dispatcher's never changes
	active  map[string]bool          // channels whose dispatcher is running
	run     *runState                // nil unless Run is running
}

// runState is what SetSenders needs to start a dispatcher inside Run.
type runState struct {
	ctx context.Context
	wg  *sync.WaitGroup
}

// New builds an outbox over the state database for the named channels.
// senders may be a map[string]channels.Sender.
func New[S Sender](db *statestore.DB, senders map[string]S, opts Options) *Outbox {
	o := &Outbox{db: db.SQL(), opts: opts.withDefaults(), senders: map[string]Sender{},
		gen: map[string]int{}, wake: map[string]chan struct{}{}, active: map[string]bool{}}
	o.SetSenders(Senders(senders))
	return o
}

// Senders converts a map of any Sender type, such as map[string]channels.Sender,
// for SetSenders.
func Senders[S Sender](m map[string]S) map[string]Sender {
	out := make(map[string]Sender, len(m))
	for name, s := range m {
		out[name] = s
	}
	return out
}

func (opts Options) withDefaults() Options {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.MaxAttempts = positiveOr(opts.MaxAttempts, 20)
	opts.MinBackoff = positiveOr(opts.MinBackoff, time.Second)
	opts.MaxBackoff = max(positiveOr(opts.MaxBackoff, 5*time.Minute), opts.MinBackoff)
	opts.PerChannelConcurrency = positiveOr(opts.PerChannelConcurrency, 2)
	opts.SendTimeout = positiveOr(opts.SendTimeout, 30*time.Second)
	if opts.IsPermanent == nil {
		opts.IsPermanent = permanentMethod
	}
	if opts.Journal == nil {
		opts.Journal = noJournal{}
	}
	return opts
}

// positiveOr returns v, or def when v is not positive (cmp.Or would keep a
// negative value).
func positiveOr[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func permanentMethod(err error) bool {
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
func (o *Outbox) Enqueue(ctx context.Context, channel string, n notice.Notification) (added bool, err error) {
	o.mu.Lock()
	_, known := o.senders[channel]
	wake := o.wake[channel]
	o.mu.Unlock()
	switch {
	case !known:
		countInvalid("unknown_channel")
		return false, fmt.Errorf("enqueue %s: %w %q", n.ID, ErrUnknownChannel, channel)
	case n.ID == "":
		countInvalid("no_id")
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
		counter("swanwatch_outbox_duplicates_total", channel).Inc()
		return false, nil
	}
	counter("swanwatch_outbox_enqueued_total", channel).Inc()
	poke(wake)
	return true, nil
}

// poke wakes a dispatcher without blocking: one pending wake-up is enough.
func poke(wake chan struct{}) {
	select {
	case wake <- struct{}{}:
	default:
	}
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
func counter(name, channel string) *metrics.Counter {
	return metrics.GetOrCreateCounter(fmt.Sprintf(`%s{channel=%q}`, name, channel))
}

func countInvalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_outbox_invalid_total{kind="` + kind + `"}`).Inc()
}
