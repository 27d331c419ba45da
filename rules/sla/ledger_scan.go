package sla

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Scan streams the days of a frozen month to fn in canonical (SLI, entity,
// date) order, checking their order and the month's checksum as it goes,
// and returns the month's header (Days nil) with its incidents and the
// correction notes added since (oldest first, "时间 note").
//
// The checksum is known to hold only at the end: when Scan returns an error
// wrapping ErrCorrupt, fn may already have seen days of the damaged
// snapshot, and the caller must discard everything it built from them. An
// error from fn stops the scan and is returned as it is.
func (l *Ledger) Scan(ctx context.Context, month string, fn func(Day) error) (Month, error) {
	s, err := l.load(ctx, month)
	if err != nil {
		return Month{}, err
	}
	caller, stopped := asIs(fn)
	h, err := s.scan(ctx, caller)
	if err != nil && !*stopped {
		err = fmt.Errorf("read month %s: %w", month, err)
	}
	if err != nil {
		return Month{}, err
	}
	return l.withCorrections(ctx, h)
}

// Header returns what Scan returns without reading the days: a frozen
// month's header with its incidents and correction notes. Only the header's
// agreement with its row is checked; the checksum is checked by Scan, which
// a report reads the days with.
func (l *Ledger) Header(ctx context.Context, month string) (Month, error) {
	s, err := l.load(ctx, month)
	if err != nil {
		return Month{}, err
	}
	h, _, err := s.open()
	if err != nil {
		return Month{}, fmt.Errorf("read month %s: %w", month, err)
	}
	return l.withCorrections(ctx, h)
}

// load reads the stored snapshot of month.
func (l *Ledger) load(ctx context.Context, month string) (stored, error) {
	if _, err := ParseMonth(month); err != nil {
		return stored{}, rejected("bad_date", fmt.Errorf("read month: %w", err))
	}
	s := stored{month: month}
	err := l.db.QueryRowContext(ctx, "SELECT payload, frozen_at, input_sha256 FROM sla_months WHERE month = ?",
		month).Scan(&s.payload, &s.frozenAt, &s.sum)
	if errors.Is(err, sql.ErrNoRows) {
		return stored{}, fmt.Errorf("read month %s: %w", month, ErrNotFrozen)
	}
	if err != nil {
		return stored{}, fmt.Errorf("read month %s: %w", month, err)
	}
	return s, nil
}

// withCorrections is the Month of header h with the correction notes.
func (l *Ledger) withCorrections(ctx context.Context, h monthHeader) (Month, error) {
	m := Month{Month: h.Month, FrozenAt: h.FrozenAt.UTC(), InputSHA256: h.InputSHA256, Incidents: h.Incidents}
	var err error
	if m.Corrections, err = l.corrections(ctx, h.Month); err != nil {
		return Month{}, fmt.Errorf("read month %s: %w", h.Month, err)
	}
	return m, nil
}

// asIs wraps fn so that the caller can tell fn's error (returned as it is)
// from the ledger's own (wrapped with context).
func asIs(fn func(Day) error) (func(Day) error, *bool) {
	stopped := new(bool)
	return func(d Day) error {
		err := fn(d)
		*stopped = err != nil
		return err
	}, stopped
}

// Month returns the frozen snapshot of month with all its days (see Scan,
// which it is built on: a report that can stream should use Scan).
func (l *Ledger) Month(ctx context.Context, month string) (Month, error) {
	var days []Day
	m, err := l.Scan(ctx, month, func(d Day) error {
		days = append(days, d)
		return nil
	})
	if err != nil {
		return Month{}, err
	}
	m.Days = days
	return m, nil
}

// ScanDays streams the closed days of the dates [from, to] (YYYY-MM-DD,
// CST) from the ledger's rows to fn in canonical order, each checked
// against its row checksum: the input of a provisional report of a month
// not yet frozen. As bounds, days 29 to 31 past a month's end are accepted
// (month+"-31" is its last date). An error from fn stops it and is
// returned as it is.
func (l *Ledger) ScanDays(ctx context.Context, from, to string, fn func(Day) error) error {
	if !isDateKey(from) || !isDateKey(to) || from > to {
		return rejected("bad_date", fmt.Errorf("scan days %.16q to %.16q: %w: want two dates in order",
			from, to, ErrBadDate))
	}
	caller, stopped := asIs(fn)
	err := streamDays(ctx, l.db, from, to, caller)
	if err != nil && !*stopped {
		return fmt.Errorf("scan days %s to %s: %w", from, to, err)
	}
	return err
}

// isDateKey accepts a date, or a month followed by a day 29 to 31 that it
// may not have: a bound of dates compared as text.
func isDateKey(s string) bool {
	if _, err := ParseDate(s); err == nil {
		return true
	}
	if len(s) != len(DateLayout) {
		return false
	}
	_, err := ParseMonth(s[:len(MonthLayout)])
	return err == nil && slices.Contains([]string{"-29", "-30", "-31"}, s[len(MonthLayout):])
}

// Closed reports whether date (YYYY-MM-DD, CST) has been closed. The
// retention removes the closes of a frozen month after 180 days.
func (l *Ledger) Closed(ctx context.Context, date string) (bool, error) {
	if _, err := ParseDate(date); err != nil {
		return false, rejected("bad_date", fmt.Errorf("read close: %w", err))
	}
	c, err := readClose(ctx, l.db, date)
	if err != nil {
		return false, fmt.Errorf("read close of %s: %w", date, err)
	}
	return c != nil, nil
}

// MonthState is where a month of the ledger stands.
type MonthState struct {
	Month       string    // YYYY-MM
	Days        int       // calendar days of the month, 28 to 31
	ClosedDays  int       // of them closed; all of them once frozen
	FrozenAt    time.Time // zero until frozen
	InputSHA256 string    // "" until frozen
}

// Months lists every month that has a closed day or a freeze, newest first.
// A frozen month counts all its days closed even after the retention has
// removed its closes: it was frozen complete.
func (l *Ledger) Months(ctx context.Context) ([]MonthState, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT m, sum(c), max(f), max(s) FROM (
		SELECT substr(date, 1, 7) AS m, 1 AS c, NULL AS f, NULL AS s FROM sla_closes
		UNION ALL SELECT month, 0, frozen_at, input_sha256 FROM sla_months
	) GROUP BY m ORDER BY m DESC`)
	if err != nil {
		return nil, fmt.Errorf("read months: %w", err)
	}
	defer rows.Close()
	var out []MonthState
	for rows.Next() {
		st, err := scanMonthState(rows)
		if err != nil {
			return nil, fmt.Errorf("read months: %w", err)
		}
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read months: %w", err)
	}
	return out, nil
}

func scanMonthState(rows *sql.Rows) (MonthState, error) {
	var st MonthState
	var frozenAt sql.NullInt64
	var sum sql.NullString
	if err := rows.Scan(&st.Month, &st.ClosedDays, &frozenAt, &sum); err != nil {
		return MonthState{}, err
	}
	start, err := ParseMonth(st.Month)
	if err != nil {
		return MonthState{}, corrupt(fmt.Errorf("%w: stored month %.16q", ErrCorrupt, st.Month))
	}
	st.Days = len(datesOfMonth(start))
	if frozenAt.Valid {
		st.FrozenAt, st.InputSHA256, st.ClosedDays = time.UnixMilli(frozenAt.Int64).UTC(), sum.String, st.Days
	}
	return st, nil
}
