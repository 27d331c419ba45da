package sla

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// MaxCorrectionNote bounds a correction note, in runes.
const MaxCorrectionNote = 2000

// monthBounds returns the first and last possible date keys of month.
func monthBounds(month string) (from, to string) { return month + "-01", month + "-31" }

// Days returns the closed days of month (YYYY-MM) in (SLI, entity, date) order.
func (l *Ledger) Days(ctx context.Context, month string) ([]Day, error) {
	if _, err := ParseMonth(month); err != nil {
		return nil, rejected("bad_date", fmt.Errorf("read days: %w", err))
	}
	from, to := monthBounds(month)
	days, err := readDays(ctx, l.db, from, to)
	if err != nil {
		return nil, fmt.Errorf("read days of %s: %w", month, err)
	}
	return days, nil
}

// Freeze stores month as an immutable snapshot once the month is over and
// every one of its dates is closed. The snapshot's InputSHA256 is the SHA-256
// of the canonical JSON of its days (see canonicalSum); the stored payload
// is exactly what Month returns. A frozen month is never frozen again.
func (l *Ledger) Freeze(ctx context.Context, month string, now time.Time) (_ Month, err error) {
	start, err := ParseMonth(month)
	if err != nil {
		return Month{}, rejected("bad_date", fmt.Errorf("freeze: %w", err))
	}
	if now.Before(start.AddDate(0, 1, 0)) {
		return Month{}, rejected("not_over", fmt.Errorf("freeze %s: %w", month, ErrMonthNotOver))
	}
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return Month{}, fmt.Errorf("freeze %s: %w", month, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	payload, sum, err := l.snapshot(ctx, tx, start, now)
	if err != nil {
		return Month{}, fmt.Errorf("freeze %s: %w", month, err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO sla_months (month, frozen_at, input_sha256, payload)
		VALUES (?, ?, ?, ?)`, month, now.UnixMilli(), sum, payload); err != nil {
		return Month{}, fmt.Errorf("freeze %s: %w", month, err)
	}
	if err = tx.Commit(); err != nil {
		return Month{}, fmt.Errorf("freeze %s: %w", month, err)
	}
	metrics.GetOrCreateCounter(`swanwatch_sla_ledger_freezes_total`).Inc()
	l.logger.Info("sla month frozen", "month", month, "input_sha256", sum)
	return l.Month(ctx, month)
}

// snapshot checks the month can be frozen and encodes it.
func (l *Ledger) snapshot(ctx context.Context, tx *sql.Tx, start, now time.Time) (payload, sum string, err error) {
	month := start.Format(MonthLayout)
	if frozen, err := isFrozen(ctx, tx, month); err != nil || frozen {
		return "", "", errors.Join(err, frozenErr(frozen))
	}
	if err := checkComplete(ctx, tx, start); err != nil {
		return "", "", err
	}
	from, to := monthBounds(month)
	days, err := readDays(ctx, tx, from, to)
	if err != nil {
		return "", "", err
	}
	if sum, err = canonicalSum(days); err != nil {
		return "", "", err
	}
	m := Month{Month: month, Days: days, FrozenAt: time.UnixMilli(now.UnixMilli()).UTC(), InputSHA256: sum}
	b, err := json.Marshal(m)
	if err != nil {
		return "", "", fmt.Errorf("encode month: %w", err)
	}
	return string(b), sum, nil
}

func frozenErr(frozen bool) error {
	if frozen {
		return rejected("frozen", ErrFrozen)
	}
	return nil
}

// checkComplete refuses a month with a date not closed, naming the first few.
func checkComplete(ctx context.Context, q querier, start time.Time) error {
	dates := datesOfMonth(start)
	closed, err := closedDates(ctx, q, dates[0], dates[len(dates)-1])
	if err != nil {
		return err
	}
	var missing []string
	for _, d := range dates {
		if !closed[d] {
			missing = append(missing, d)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return rejected("days_missing", fmt.Errorf("%w: %d of %d, first %s", ErrDaysMissing,
		len(missing), len(dates), strings.Join(missing[:min(3, len(missing))], ", ")))
}

// Month returns the frozen snapshot of month, checked against its checksum,
// with the correction notes added since (oldest first, "时间 note").
func (l *Ledger) Month(ctx context.Context, month string) (Month, error) {
	if _, err := ParseMonth(month); err != nil {
		return Month{}, rejected("bad_date", fmt.Errorf("read month: %w", err))
	}
	var payload, sum string
	err := l.db.QueryRowContext(ctx, "SELECT payload, input_sha256 FROM sla_months WHERE month = ?",
		month).Scan(&payload, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return Month{}, fmt.Errorf("read month %s: %w", month, ErrNotFrozen)
	}
	if err != nil {
		return Month{}, fmt.Errorf("read month %s: %w", month, err)
	}
	m, err := decodeMonth(payload, sum)
	if err != nil {
		return Month{}, fmt.Errorf("read month %s: %w", month, err)
	}
	if m.Corrections, err = l.corrections(ctx, month); err != nil {
		return Month{}, fmt.Errorf("read month %s: %w", month, err)
	}
	return m, nil
}

// decodeMonth parses a stored payload and checks it against its checksum.
func decodeMonth(payload, sum string) (Month, error) {
	var m Month
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		return Month{}, corrupt(fmt.Errorf("decode payload: %w", err))
	}
	got, err := canonicalSum(m.Days)
	if err != nil || got != sum || m.InputSHA256 != sum {
		return Month{}, corrupt(fmt.Errorf("payload: %w", ErrCorrupt))
	}
	return m, nil
}

// AddCorrection records a note on a frozen month: late data after the grace
// period, or any other reason its figures differ from the facts.
func (l *Ledger) AddCorrection(ctx context.Context, month, note string) error {
	if _, err := ParseMonth(month); err != nil {
		return rejected("bad_date", fmt.Errorf("add correction: %w", err))
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > MaxCorrectionNote || !utf8.ValidString(note) {
		return rejected("bad_note", fmt.Errorf("add correction to %s: note must be 1 to %d characters of UTF-8",
			month, MaxCorrectionNote))
	}
	frozen, err := isFrozen(ctx, l.db, month)
	if err != nil {
		return fmt.Errorf("add correction to %s: %w", month, err)
	}
	if !frozen {
		return rejected("not_frozen", fmt.Errorf("add correction to %s: %w", month, ErrNotFrozen))
	}
	_, err = l.db.ExecContext(ctx, "INSERT INTO sla_corrections (month, at, note) VALUES (?, ?, ?)",
		month, l.now().UnixMilli(), note)
	if err != nil {
		return fmt.Errorf("add correction to %s: %w", month, err)
	}
	l.logger.Info("sla correction added", "month", month)
	return nil
}

func (l *Ledger) corrections(ctx context.Context, month string) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, "SELECT at, note FROM sla_corrections WHERE month = ? ORDER BY at, id", month)
	if err != nil {
		return nil, fmt.Errorf("read sla_corrections: %w", err)
	}
	defer rows.Close()
	var notes []string
	for rows.Next() {
		var at int64
		var note string
		if err := rows.Scan(&at, &note); err != nil {
			return nil, fmt.Errorf("read sla_corrections: %w", err)
		}
		notes = append(notes, cst.FormatTime(time.UnixMilli(at))+" "+note)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sla_corrections: %w", err)
	}
	return notes, nil
}
