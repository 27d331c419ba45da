package sla

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// DefaultGrace is how long after a month's end its days may still be
// re-closed with late data.
const DefaultGrace = 3 * 24 * time.Hour

// Errors of the ledger.
var (
	ErrInvalidDay   = errors.New("invalid closed day")
	ErrDayNotOver   = errors.New("the day is not over yet")
	ErrMonthNotOver = errors.New("the month is not over yet")
	ErrFrozen       = errors.New("the month is frozen: add a correction note instead")
	ErrGraceOver    = errors.New("the month's grace period has ended: add a correction note instead")
	ErrNotFrozen    = errors.New("the month is not frozen")
	ErrDaysMissing  = errors.New("days of the month are not closed")
	ErrCorrupt      = errors.New("ledger checksum mismatch")
	// ErrInvalidIncident: an incident given to Freeze is listed twice or
	// has text that is not UTF-8 or too long.
	ErrInvalidIncident = errors.New("invalid incident")
)

// Ledger stores the closed days and the frozen months of the SLA accounting
// in the state database (tables sla_closes, sla_days, sla_months,
// sla_corrections).
//
// Life of a month (all dates in Asia/Shanghai):
//   - each day, once it is over, is closed: CloseDay stores one Day per SLI
//     and entity, and a record that the date is closed (also when it had none);
//   - until the grace period ends — the month's last day plus the grace (3
//     days by default, WithGrace) — the same date may be closed again: late
//     data replaces that date's rows, the re-close is logged with both
//     checksums and counted (swanwatch_sla_ledger_recloses_total), and an
//     identical re-close changes nothing;
//   - Freeze stores the month, once every one of its days is closed, as an
//     immutable snapshot with its time, the incidents that fired in it and
//     the SHA-256 of both; Scan streams it back checked (Month reads it
//     whole, Header without the days), Months says where each month stands;
//   - after the grace period or the freeze a date is never changed again:
//     CloseDay refuses (ErrGraceOver, ErrFrozen) and late data becomes a
//     note (AddCorrection) that Scan returns with the snapshot.
//
// The database's triggers enforce the same: frozen months cannot be updated,
// nor deleted for five years; their days cannot change, nor be deleted for 180.
type Ledger struct {
	db     *sql.DB
	logger *slog.Logger
	now    func() time.Time
	grace  time.Duration
}

// LedgerOption configures a Ledger.
type LedgerOption func(*Ledger)

// WithGrace sets the grace period after a month's end (DefaultGrace).
func WithGrace(d time.Duration) LedgerOption { return func(l *Ledger) { l.grace = max(d, 0) } }

// WithLedgerClock sets the ledger's time source (time.Now).
func WithLedgerClock(now func() time.Time) LedgerOption { return func(l *Ledger) { l.now = now } }

// NewLedger returns the ledger over db; logger may be nil.
func NewLedger(db *statestore.DB, logger *slog.Logger, opts ...LedgerOption) *Ledger {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	l := &Ledger{db: db.SQL(), logger: logger, now: time.Now, grace: DefaultGrace}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Grace returns the grace period after a month's end.
func (l *Ledger) Grace() time.Duration { return l.grace }

// GraceEnd is when month (its 1st at 00:00 CST) can no longer be re-closed.
func (l *Ledger) GraceEnd(monthStart time.Time) time.Time {
	return monthStart.AddDate(0, 1, 0).Add(l.grace)
}

// CloseDay stores days as the closed tallies of date (YYYY-MM-DD, CST). A
// first close is accepted any time after the day ended (catching up after a
// downtime); a re-close only until the grace period ends. See Ledger.
func (l *Ledger) CloseDay(ctx context.Context, date string, days []Day) error {
	now := l.now()
	start, err := ParseDate(date)
	if err != nil {
		return rejected("bad_date", fmt.Errorf("close day: %w", err))
	}
	if now.Before(start.AddDate(0, 0, 1)) {
		return rejected("not_over", fmt.Errorf("close day %s: %w", date, ErrDayNotOver))
	}
	rows, err := prepareDays(date, start, days, now)
	if err != nil {
		return rejected("invalid_day", fmt.Errorf("close day %s: %w", date, err))
	}
	return l.store(ctx, date, start, rows, now)
}

// store writes the prepared rows of date in one transaction, replacing an
// earlier close of it when the grace period allows.
func (l *Ledger) store(ctx context.Context, date string, start time.Time, rows []dayRow, now time.Time) (err error) {
	sum := checksumRows(rows)
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("close day %s: %w", date, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	prev, err := l.checkClosable(ctx, tx, date, start, now)
	if err != nil {
		return err
	}
	if prev != nil && prev.sum == sum {
		metrics.GetOrCreateCounter(`swanwatch_sla_ledger_recloses_total{result="unchanged"}`).Inc()
		return tx.Commit()
	}
	if err = writeDate(ctx, tx, date, rows, sum, now, prev != nil); err != nil {
		return fmt.Errorf("close day %s: %w", date, err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("close day %s: %w", date, err)
	}
	l.logClose(date, rows, sum, prev)
	return nil
}

// checkClosable refuses a date of a frozen month, and a re-close after the
// grace period; it returns the earlier close of date, if any.
func (l *Ledger) checkClosable(ctx context.Context, tx *sql.Tx, date string, start time.Time, now time.Time) (*closeRecord, error) {
	frozen, err := isFrozen(ctx, tx, monthOfDate(date))
	if err != nil {
		return nil, fmt.Errorf("close day %s: %w", date, err)
	}
	if frozen {
		return nil, rejected("frozen", fmt.Errorf("close day %s: %w", date, ErrFrozen))
	}
	prev, err := readClose(ctx, tx, date)
	if err != nil {
		return nil, fmt.Errorf("close day %s: %w", date, err)
	}
	monthStart := time.Date(start.Year(), start.Month(), 1, 0, 0, 0, 0, start.Location())
	if prev != nil && now.After(l.GraceEnd(monthStart)) {
		return nil, rejected("grace_over", fmt.Errorf("close day %s: %w", date, ErrGraceOver))
	}
	return prev, nil
}

// logClose says what a close did; a re-close is why a figure changed.
func (l *Ledger) logClose(date string, rows []dayRow, sum string, prev *closeRecord) {
	if prev == nil {
		metrics.GetOrCreateCounter(`swanwatch_sla_ledger_closes_total`).Inc()
		l.logger.Info("sla day closed", "date", date, "entities", len(rows), "input_sha256", sum)
		return
	}
	metrics.GetOrCreateCounter(`swanwatch_sla_ledger_recloses_total{result="changed"}`).Inc()
	l.logger.Warn("sla day re-closed with late data within the grace period", "date", date,
		"entities_before", prev.entities, "entities_after", len(rows),
		"input_sha256_before", prev.sum, "input_sha256_after", sum,
		"closed_before", prev.closedAt.UTC().Format(time.RFC3339))
}

// rejected counts a refused input by kind and returns err.
func rejected(kind string, err error) error {
	metrics.GetOrCreateCounter(`swanwatch_sla_ledger_rejected_total{kind="` + kind + `"}`).Inc()
	return err
}
