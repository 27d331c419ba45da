package alerting

import (
	"context"
	"unicode/utf8"
)

// record stores an attempt's outcome and tells whether it was the last one.
// If the update fails the row stays pending and is sent again later, which
// at-least-once allows; OnResult then reports nothing, as nothing changed.
func (o *Outbox) record(ctx context.Context, channel string, r outboxRow, sendErr error) (final bool) {
	attempts := r.attempts + 1
	now := o.opts.Now()
	state, lastErr, next, sentAt := "pending", "", now.Add(o.backoff(attempts)).UnixMilli(), int64(0)
	switch {
	case sendErr == nil:
		state, sentAt = "sent", now.UnixMilli()
	case r.bad != nil || o.opts.IsPermanent(sendErr) || attempts >= o.opts.MaxAttempts:
		state, lastErr = "failed", outboxTruncate(sendErr.Error(), maxLastError)
	default:
		lastErr = outboxTruncate(sendErr.Error(), maxLastError)
	}
	o.writeMu.Lock()
	_, err := o.db.ExecContext(ctx, `UPDATE outbox SET attempts = ?, state = ?, last_error = ?,
		next_attempt_at = ?, sent_at = ? WHERE id = ? AND state = 'pending'`,
		attempts, state, lastErr, next, sentAt, r.id)
	o.writeMu.Unlock()
	if err != nil {
		o.opts.Logger.Error("outbox: record attempt", "channel", channel, "id", r.id, "err", err)
		return false
	}
	final = state != "pending"
	o.count(channel, r, state, attempts, sendErr)
	o.opts.OnResult(r.n, channel, sendErr, final)
	return final
}

func (o *Outbox) count(channel string, r outboxRow, state string, attempts int, sendErr error) {
	switch state {
	case "sent":
		outboxCounter("swanwatch_outbox_sent_total", channel).Inc()
	case "failed":
		outboxCounter("swanwatch_outbox_failed_total", channel).Inc()
		o.opts.Logger.Error("outbox: notification failed for good", "channel", channel, "id", r.id,
			"attempts", attempts, "err", sendErr)
	default:
		outboxCounter("swanwatch_outbox_retries_total", channel).Inc()
		o.opts.Logger.Warn("outbox: send failed, will retry", "channel", channel, "id", r.id,
			"attempts", attempts, "err", sendErr)
	}
}

// truncate cuts s to at most n bytes without splitting a character.
func outboxTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
