package sla

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrGraceNotOver is returned by FreezeMonth before the month's grace period
// has ended: the server would not freeze it yet either.
var ErrGraceNotOver = errors.New("the month's grace period has not ended")

// MonthClose is what CloseMonth did to a month.
type MonthClose struct {
	Month         string
	Closed        []string          // dates closed now
	AlreadyClosed []string          // dates closed before, left as they were
	NotOver       []string          // dates not over yet (or within the settle delay)
	Sums          map[string]string // every closed date's input SHA-256 (sla_closes)
	Frozen        bool              // the month was frozen already: nothing closed
}

// CloseMonth closes the dates of month (YYYY-MM, CST) that are not closed
// yet, each exactly as a pass of Step would (the CloseFunc, then
// Ledger.CloseDay, then the WithOnClosed hook): the way to close a past month
// of a server that never did, from its stored data (`swanwatch ledger
// close`). A date already closed is left alone, as Step leaves it, so a
// second call changes nothing. Dates not over yet (plus the settle delay)
// and dates before the catch-up limit, which the retention has emptied, are
// not closed; the latter are an error. A failed date does not stop the
// others; the error joins them.
func (c *Closer) CloseMonth(ctx context.Context, month string) (MonthClose, error) {
	start, err := ParseMonth(month)
	if err != nil {
		return MonthClose{}, fmt.Errorf("close month: %w", err)
	}
	res := MonthClose{Month: month}
	if res.Frozen, err = isFrozen(ctx, c.ledger.db, month); err != nil || res.Frozen {
		return res, err
	}
	dates := datesOfMonth(start)
	closed, err := closedDates(ctx, c.ledger.db, dates[0], dates[len(dates)-1])
	if err != nil {
		return res, err
	}
	due := DateOf(c.now().Add(-c.settle).AddDate(0, 0, -1))
	oldest := addDays(due, 1-c.catchUp)
	var errs []error
	for _, d := range dates {
		switch {
		case closed[d]:
			res.AlreadyClosed = append(res.AlreadyClosed, d)
		case d > due:
			res.NotOver = append(res.NotOver, d)
		case d < oldest:
			errs = append(errs, fmt.Errorf("close %s: older than %d days: its samples are past the retention", d, c.catchUp))
		case ctx.Err() != nil:
			errs = append(errs, ctx.Err())
		default:
			if err := c.closeOne(ctx, d); err != nil {
				errs = append(errs, err)
				continue
			}
			res.Closed = append(res.Closed, d)
		}
	}
	res.Sums, err = c.ledger.DaySums(ctx, month)
	return res, errors.Join(append(errs, err)...)
}

// FreezeMonth freezes month as a pass of Step would once its grace period
// has ended: with the incidents of WithIncidents, then the WithOnFreeze hook
// (`swanwatch ledger freeze`). It refuses a month whose grace period has not
// ended (ErrMonthNotOver before its end, ErrGraceNotOver after it) and a
// month with a date not closed (ErrDaysMissing); a month frozen already is
// returned as it stands, with frozen true.
func (c *Closer) FreezeMonth(ctx context.Context, month string) (_ Month, already bool, err error) {
	start, err := ParseMonth(month)
	if err != nil {
		return Month{}, false, fmt.Errorf("freeze: %w", err)
	}
	frozen, err := isFrozen(ctx, c.ledger.db, month)
	if err != nil {
		return Month{}, false, err
	}
	if frozen {
		m, err := c.ledger.Header(ctx, month)
		return m, true, err
	}
	now := c.now()
	switch end := c.ledger.GraceEnd(start); {
	case now.Before(start.AddDate(0, 1, 0)):
		return Month{}, false, fmt.Errorf("freeze %s: %w", month, ErrMonthNotOver)
	case now.Before(end):
		return Month{}, false, fmt.Errorf("freeze %s: %w: late data may still re-close its days until %s",
			month, ErrGraceNotOver, end.Format(time.DateTime+" MST"))
	}
	if err := c.freezeOne(ctx, month, now); err != nil {
		return Month{}, false, err
	}
	m, err := c.ledger.Header(ctx, month)
	return m, false, err
}

// DaySums returns the input SHA-256 of every closed date of month (YYYY-MM)
// as sla_closes holds it: the checksum of the date's canonical rows.
func (l *Ledger) DaySums(ctx context.Context, month string) (map[string]string, error) {
	if _, err := ParseMonth(month); err != nil {
		return nil, fmt.Errorf("read day checksums: %w", err)
	}
	from, to := monthBounds(month)
	rows, err := l.db.QueryContext(ctx, "SELECT date, input_sha256 FROM sla_closes WHERE date >= ? AND date <= ?", from, to)
	if err != nil {
		return nil, fmt.Errorf("read sla_closes: %w", err)
	}
	defer rows.Close()
	sums := map[string]string{}
	for rows.Next() {
		var d, s string
		if err := rows.Scan(&d, &s); err != nil {
			return nil, fmt.Errorf("read sla_closes: %w", err)
		}
		sums[d] = s
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sla_closes: %w", err)
	}
	return sums, nil
}

// MonthSum is the InputSHA256 that FreezeMonth would give month now: its
// closed days and the incidents of WithIncidents, hashed as Freeze hashes
// them. It refuses a month with a date not closed (ErrDaysMissing); for a
// frozen month it is the stored checksum.
func (c *Closer) MonthSum(ctx context.Context, month string) (string, error) {
	start, err := ParseMonth(month)
	if err != nil {
		return "", fmt.Errorf("month checksum: %w", err)
	}
	if frozen, err := isFrozen(ctx, c.ledger.db, month); err != nil || frozen {
		if err != nil {
			return "", err
		}
		m, err := c.ledger.Header(ctx, month)
		return m.InputSHA256, err
	}
	if err := checkComplete(ctx, c.ledger.db, start); err != nil {
		return "", fmt.Errorf("month checksum %s: %w", month, err)
	}
	var incidents []IncidentRecord
	if c.incidents != nil {
		if incidents, err = c.incidents(ctx, month); err != nil {
			return "", fmt.Errorf("month checksum %s: list incidents: %w", month, err)
		}
	}
	if incidents, err = normalizeIncidents(incidents); err != nil {
		return "", fmt.Errorf("month checksum %s: %w", month, err)
	}
	h := newMonthHasher()
	from, to := monthBounds(month)
	if err := streamDays(ctx, c.ledger.db, from, to, h.add); err != nil {
		return "", fmt.Errorf("month checksum %s: %w", month, err)
	}
	return h.sum(incidents)
}
