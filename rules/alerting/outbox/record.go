package outbox

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// maxLastError bounds the error text kept on a row (channel errors are
// already free of secrets by the Sender contract).
const maxLastError = 500

// Attempt is one delivery attempt of a notification on a channel.
type Attempt struct {
	Notification notice.Notification
	Channel      string
	// Number counts from 1. An attempt is counted before its send, so one cut
	// short by a crash or a shutdown counts too: it may have arrived.
	Number int
	Err    error // the result; nil before the send and when it arrived
	Final  bool  // no attempt follows: it arrived, or the outbox gave up
}

// Journal keeps the trace of the attempts where people read it (the app
// writes the incident timeline). Both calls run inside the outbox's own
// transaction on the state database, so after a crash the trace and the row
// never disagree. An error rolls the journal's part back; the outbox then
// writes the row alone, because a trace must never hold up a page.
type Journal interface {
	// Attempted runs with the counting of the attempt, before the send.
	Attempted(ctx context.Context, tx *sql.Tx, a Attempt) error
	// Finished runs with the recording of the result.
	Finished(ctx context.Context, tx *sql.Tx, a Attempt) error
}

type noJournal struct{}

func (noJournal) Attempted(context.Context, *sql.Tx, Attempt) error { return nil }
func (noJournal) Finished(context.Context, *sql.Tx, Attempt) error  { return nil }

var (
	errLostRow     = errors.New("row is no longer pending")
	journalErrors  = metrics.NewCounter("swanwatch_outbox_journal_errors_total")
	errJournalPart = errors.New("journal")
)

// claim counts the attempt about to be made and journals it.
func (o *Outbox) claim(ctx context.Context, channel string, r row) (number int, err error) {
	number = r.attempts + 1
	a := Attempt{Notification: r.n, Channel: channel, Number: number}
	err = o.write(ctx, channel, r.id, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = ? WHERE id = ? AND state = 'pending'
			AND attempts = ?`, number, r.id, r.attempts)
		return affected(res, err)
	}, func(tx *sql.Tx) error { return o.opts.Journal.Attempted(ctx, tx, a) })
	return number, err
}

// record stores an attempt's outcome (r.attempts is its number) and tells
// whether it was the last one. If the update fails the row stays pending and
// is sent again later, which at-least-once allows.
func (o *Outbox) record(ctx context.Context, channel string, r row, sendErr error) (final bool) {
	now := o.opts.Now()
	state, lastErr, next, sentAt := "pending", "", now.Add(o.backoff(r.attempts)).UnixMilli(), int64(0)
	switch {
	case sendErr == nil:
		state, sentAt = "sent", now.UnixMilli()
	case r.bad != nil || o.opts.IsPermanent(sendErr) || r.attempts >= o.opts.MaxAttempts:
		state, lastErr = "failed", truncate(sendErr.Error(), maxLastError)
	default:
		lastErr = truncate(sendErr.Error(), maxLastError)
	}
	final = state != "pending"
	a := Attempt{Notification: r.n, Channel: channel, Number: r.attempts, Err: sendErr, Final: final}
	err := o.write(ctx, channel, r.id, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = ?, state = ?, last_error = ?,
			next_attempt_at = ?, sent_at = ? WHERE id = ? AND state = 'pending'`,
			r.attempts, state, lastErr, next, sentAt, r.id)
		return affected(res, err)
	}, func(tx *sql.Tx) error { return o.opts.Journal.Finished(ctx, tx, a) })
	if err != nil {
		o.opts.Logger.Error("outbox: record attempt", "channel", channel, "id", r.id, "err", err)
		return false
	}
	o.count(channel, r, state, sendErr)
	return final
}

// affected turns an update that changed no row into errLostRow: the row is
// not as this dispatcher read it, so nothing may be journalled for it.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, errLostRow)
	}
	return nil
}

// write runs update and journal in one transaction; when only the journal
// fails, update runs again alone.
func (o *Outbox) write(ctx context.Context, channel, id string, update, journal func(*sql.Tx) error) error {
	o.writeMu.Lock()
	defer o.writeMu.Unlock()
	err := o.tx(ctx, func(tx *sql.Tx) error {
		if err := update(tx); err != nil {
			return err
		}
		if err := journal(tx); err != nil {
			return fmt.Errorf("%w: %w", errJournalPart, err)
		}
		return nil
	})
	if !errors.Is(err, errJournalPart) {
		return err
	}
	journalErrors.Inc()
	o.opts.Logger.Error("outbox: journal the attempt; recording the row without it", "channel", channel, "id", id, "err", err)
	return o.tx(ctx, update)
}

func (o *Outbox) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := o.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return errors.Join(err, tx.Rollback())
	}
	return tx.Commit()
}

func (o *Outbox) count(channel string, r row, state string, sendErr error) {
	switch state {
	case "sent":
		counter("swanwatch_outbox_sent_total", channel).Inc()
	case "failed":
		counter("swanwatch_outbox_failed_total", channel).Inc()
		o.opts.Logger.Error("outbox: notification failed for good", "channel", channel, "id", r.id,
			"attempts", r.attempts, "err", sendErr)
	default:
		counter("swanwatch_outbox_retries_total", channel).Inc()
		o.opts.Logger.Warn("outbox: send failed, will retry", "channel", channel, "id", r.id,
			"attempts", r.attempts, "err", sendErr)
	}
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
