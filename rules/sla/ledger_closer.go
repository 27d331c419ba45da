package sla

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Defaults of the Closer.
const (
	DefaultSettle  = 10 * time.Minute // after 00:00 CST, for samples that arrive late
	DefaultRetry   = 5 * time.Minute  // after a failed pass
	DefaultCatchUp = 180              // days: never reach back further than the retention
)

// CloseFunc computes the days of one CST date (YYYY-MM-DD): the accounting.
type CloseFunc func(ctx context.Context, date string) ([]Day, error)

// Closer closes each CST day in the background, once it is over and the
// settle delay has passed, with the days its CloseFunc computes; after a
// downtime it closes every date it missed (at most the catch-up limit back),
// and it freezes each month once the ledger's grace period has ended.
//
// On its first run it starts at the 1st of the month of the day it closes,
// so that month can be frozen complete (days before the data began close as
// unknown, which is the accounting's business).
type Closer struct {
	ledger  *Ledger
	compute CloseFunc
	logger  *slog.Logger
	now     func() time.Time
	settle  time.Duration
	retry   time.Duration
	catchUp int
	// incidents lists the incidents of a month to freeze with it.
	incidents func(ctx context.Context, month string) ([]IncidentRecord, error)
	onClosed  func(ctx context.Context, date string)
	onFreeze  func(ctx context.Context, month string)
}

// CloserOption configures a Closer.
type CloserOption func(*Closer)

// WithSettle sets the delay after midnight CST (DefaultSettle).
func WithSettle(d time.Duration) CloserOption { return func(c *Closer) { c.settle = max(d, 0) } }

// WithRetry sets the wait after a failed pass (DefaultRetry).
func WithRetry(d time.Duration) CloserOption {
	return func(c *Closer) { c.retry = max(d, time.Second) }
}

// WithCatchUp sets how many days back the closer closes missed dates
// (DefaultCatchUp); set it to the TSDB's retention in days.
func WithCatchUp(days int) CloserOption { return func(c *Closer) { c.catchUp = max(days, 1) } }

// WithIncidents sets where the incidents that fired in a month come from
// when the closer freezes it (none without it). A failure to list them
// postpones the freeze to the next pass: a month is never frozen without
// its incidents.
func WithIncidents(f func(ctx context.Context, month string) ([]IncidentRecord, error)) CloserOption {
	return func(c *Closer) { c.incidents = f }
}

// WithOnFreeze sets a function called after the closer froze a month (the
// report is generated and announced there). It runs in the closer's pass:
// the next pass waits for it.
func WithOnFreeze(f func(ctx context.Context, month string)) CloserOption {
	return func(c *Closer) { c.onFreeze = f }
}

// WithOnClosed sets a function called after the closer closed a date (the
// month's draft report is issued there once its last day is closed). It
// runs in the closer's pass, only after a successful close: a date whose
// close failed is reported when its retry succeeds.
func WithOnClosed(f func(ctx context.Context, date string)) CloserOption {
	return func(c *Closer) { c.onClosed = f }
}

// WithCloserClock sets the closer's time source (time.Now). Its waits use
// real timers, so tests run it in a testing/synctest bubble.
func WithCloserClock(now func() time.Time) CloserOption { return func(c *Closer) { c.now = now } }

// NewCloser returns a closer writing compute's days into l; logger may be nil.
func NewCloser(l *Ledger, compute CloseFunc, logger *slog.Logger, opts ...CloserOption) *Closer {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Closer{ledger: l, compute: compute, logger: logger, now: time.Now,
		settle: DefaultSettle, retry: DefaultRetry, catchUp: DefaultCatchUp}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Run passes at start and then after every midnight CST plus the settle
// delay (sooner after a failed pass) until ctx ends; it returns nil then.
func (c *Closer) Run(ctx context.Context) error {
	daily := cst.Daily{At: func() (time.Duration, bool) { return c.settle, true }, Retry: c.retry, AtStart: true, Now: c.now}
	return daily.Run(ctx, func(ctx context.Context, _ time.Time) error {
		err := c.Step(ctx)
		if err != nil && ctx.Err() == nil {
			c.logger.Error("sla closer pass failed; retrying", "err", err, "retry_in", c.retry)
		}
		return err
	})
}

// Step closes every due date not yet closed, then freezes every month whose
// grace period has ended. A failed date does not stop the others.
func (c *Closer) Step(ctx context.Context) error {
	now := c.now()
	due := DateOf(now.Add(-c.settle).AddDate(0, 0, -1))
	errs := []error{c.closeMissing(ctx, now, due)}
	errs = append(errs, c.freezeDue(ctx, now))
	return errors.Join(errs...)
}

// closeMissing closes the dates up to due that are not closed, from the
// first month the ledger knows (or due's month), at most catchUp days back.
func (c *Closer) closeMissing(ctx context.Context, now time.Time, due string) error {
	from, err := c.firstDate(ctx, due)
	if err != nil {
		return err
	}
	closed, err := closedDates(ctx, c.ledger.db, from, due)
	if err != nil {
		return err
	}
	var errs []error
	for d := from; d <= due && ctx.Err() == nil; d = nextDate(d) {
		if !closed[d] {
			errs = append(errs, c.closeOne(ctx, d))
		}
	}
	return errors.Join(errs...)
}

// firstDate is where catching up starts: the 1st of the month of the
// earliest close (or of due, on a first run), but not before the limit.
func (c *Closer) firstDate(ctx context.Context, due string) (string, error) {
	var earliest *string
	err := c.ledger.db.QueryRowContext(ctx, "SELECT min(date) FROM sla_closes").Scan(&earliest)
	if err != nil {
		return "", fmt.Errorf("read sla_closes: %w", err)
	}
	first := due
	if earliest != nil && *earliest < due {
		first = *earliest
	}
	first = monthOfDate(first) + "-01"
	return max(first, addDays(due, 1-c.catchUp)), nil
}

func (c *Closer) closeOne(ctx context.Context, date string) error {
	days, err := c.compute(ctx, date)
	if err == nil {
		err = c.ledger.CloseDay(ctx, date, days)
	}
	if err != nil {
		metrics.GetOrCreateCounter(`swanwatch_sla_closer_errors_total{stage="close"}`).Inc()
		return fmt.Errorf("close %s: %w", date, err)
	}
	if c.onClosed != nil {
		c.onClosed(ctx, date)
	}
	return nil
}

// freezeDue freezes the months with closed days, not frozen, whose grace
// period has ended.
func (c *Closer) freezeDue(ctx context.Context, now time.Time) error {
	months, err := c.openMonths(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, m := range months {
		start, err := ParseMonth(m)
		if err != nil || now.Before(c.ledger.GraceEnd(start)) {
			continue
		}
		errs = append(errs, c.freezeOne(ctx, m, now))
	}
	return errors.Join(errs...)
}

// freezeOne freezes month with its incidents and calls the freeze hook.
func (c *Closer) freezeOne(ctx context.Context, month string, now time.Time) error {
	var incidents []IncidentRecord
	if c.incidents != nil {
		var err error
		if incidents, err = c.incidents(ctx, month); err != nil {
			metrics.GetOrCreateCounter(`swanwatch_sla_closer_errors_total{stage="incidents"}`).Inc()
			return fmt.Errorf("freeze %s: list incidents: %w", month, err)
		}
	}
	if _, err := c.ledger.Freeze(ctx, month, now, incidents); err != nil {
		metrics.GetOrCreateCounter(`swanwatch_sla_closer_errors_total{stage="freeze"}`).Inc()
		return err
	}
	if c.onFreeze != nil {
		c.onFreeze(ctx, month)
	}
	return nil
}

func (c *Closer) openMonths(ctx context.Context) ([]string, error) {
	rows, err := c.ledger.db.QueryContext(ctx, `SELECT DISTINCT substr(date, 1, 7) AS m FROM sla_closes
		WHERE m NOT IN (SELECT month FROM sla_months) ORDER BY m`)
	if err != nil {
		return nil, fmt.Errorf("read open months: %w", err)
	}
	defer rows.Close()
	var months []string
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, fmt.Errorf("read open months: %w", err)
		}
		months = append(months, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read open months: %w", err)
	}
	return months, nil
}
