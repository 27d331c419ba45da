package sla

import (
	"context"
	"database/sql"
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

// Freeze stores month as an immutable snapshot, with the incidents that
// fired in it, once the month is over and every one of its dates is closed,
// and returns the snapshot's header (Days nil: Scan and Month read them). A
// frozen month is never frozen again.
//
// The snapshot's InputSHA256 is the SHA-256 of exactly the bytes
// canonicalSum hashes for the month's days — their canonical JSON array: in
// (SLI, entity, date) order, times in UTC, ClosedAt left out — followed,
// only when the month has incidents, by "\n" and the JSON array of the
// incidents sorted by ID with their times in UTC at millisecond precision.
// So a month without incidents keeps the checksum of a month frozen before
// incidents were, and anyone can recompute it from the report's data.
//
// The payload is gzip-compressed JSON lines (a header line: month,
// frozen_at, input_sha256, incidents; then one Day per line in canonical
// order), written while streaming the rows out of sla_days and hashed as it
// goes: the month's days are never held in memory.
func (l *Ledger) Freeze(ctx context.Context, month string, now time.Time, incidents []IncidentRecord) (_ Month, err error) {
	start, err := ParseMonth(month)
	if err != nil {
		return Month{}, rejected("bad_date", fmt.Errorf("freeze: %w", err))
	}
	if now.Before(start.AddDate(0, 1, 0)) {
		return Month{}, rejected("not_over", fmt.Errorf("freeze %s: %w", month, ErrMonthNotOver))
	}
	incidents, err = normalizeIncidents(incidents)
	if err != nil {
		return Month{}, rejected("bad_incident", fmt.Errorf("freeze %s: %w", month, err))
	}
	h := monthHeader{Month: month, FrozenAt: utcMilli(now), Incidents: incidents}
	size, err := l.freeze(ctx, start, &h)
	if err != nil {
		return Month{}, fmt.Errorf("freeze %s: %w", month, err)
	}
	metrics.GetOrCreateCounter(`swanwatch_sla_ledger_freezes_total`).Inc()
	l.logger.Info("sla month frozen", "month", month, "input_sha256", h.InputSHA256,
		"incidents", len(incidents), "payload_bytes", size)
	return Month{Month: month, FrozenAt: h.FrozenAt, InputSHA256: h.InputSHA256, Incidents: incidents}, nil
}

// freeze writes the snapshot in one transaction and sets h's checksum.
func (l *Ledger) freeze(ctx context.Context, start time.Time, h *monthHeader) (size int, err error) {
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	payload, err := l.snapshot(ctx, tx, start, h)
	if err != nil {
		return 0, err
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO sla_months (month, frozen_at, input_sha256, payload)
		VALUES (?, ?, ?, ?)`, h.Month, h.FrozenAt.UnixMilli(), h.InputSHA256, payload); err != nil {
		return 0, err
	}
	return len(payload), tx.Commit()
}

// snapshot checks the month can be frozen and encodes it, one day at a time.
func (l *Ledger) snapshot(ctx context.Context, tx *sql.Tx, start time.Time, h *monthHeader) ([]byte, error) {
	if frozen, err := isFrozen(ctx, tx, h.Month); err != nil || frozen {
		return nil, errors.Join(err, frozenErr(frozen))
	}
	if err := checkComplete(ctx, tx, start); err != nil {
		return nil, err
	}
	w := newPayloadWriter()
	from, to := monthBounds(h.Month)
	if err := streamDays(ctx, tx, from, to, w.add); err != nil {
		return nil, err
	}
	payload, sum, err := w.finish(*h)
	h.InputSHA256 = sum
	return payload, err
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
