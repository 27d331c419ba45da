package secops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// quarter is a calendar quarter in CST.
type quarter struct {
	name       string // 2026-Q4
	start, end time.Time
}

// quarterOf is the quarter that contains t.
func quarterOf(t time.Time) quarter {
	t = t.In(cst.Location)
	q := (int(t.Month()) - 1) / 3
	start := time.Date(t.Year(), time.Month(q*3+1), 1, 0, 0, 0, 0, cst.Location)
	return quarter{name: fmt.Sprintf("%d-Q%d", t.Year(), q+1), start: start, end: start.AddDate(0, 3, 0)}
}

// word is the quarter as the bureau reads it: 2026年第四季度.
func (q quarter) word() string {
	return fmt.Sprintf("%d年第%s季度", q.start.Year(), []string{"一", "二", "三", "四"}[(q.start.Month()-1)/3])
}

// scansIn counts the scans that ran in [from, to) and were imported before
// by (a scan imported later did not count when the quarter was judged).
func scansIn(ctx context.Context, db interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, from, to, by time.Time) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT count(*) FROM secops_scans WHERE scanned_at >= ? AND scanned_at < ?
		AND imported_at < ?`, from.UnixMilli(), to.UnixMilli(), by.UnixMilli()).Scan(&n)
	return n, err
}

// checkQuarters judges each quarter that ended since the watch started (the
// one it started in included: the rest of it was time enough to import that
// quarter's scan), once: without a scan it is a finding, raised as an alert
// that the next import resolves.
func (s *Service) checkQuarters(ctx context.Context, now time.Time) ([]collectors.Event, error) {
	var evs []collectors.Event
	for q := quarterOf(s.since); !q.end.After(now); q = quarterOf(q.end) {
		var judged int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM secops_quarters WHERE quarter = ?`, q.name).Scan(&judged)
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return evs, fmt.Errorf("read quarter %s: %w", q.name, err)
		}
		n, err := scansIn(ctx, s.db, q.start, q.end, now.Add(time.Millisecond))
		if err != nil {
			return evs, fmt.Errorf("count the scans of %s: %w", q.name, err)
		}
		if _, err := s.db.ExecContext(ctx, `INSERT INTO secops_quarters (quarter, judged_at, scans, missing)
			VALUES (?, ?, ?, ?)`, q.name, now.UnixMilli(), n, n == 0); err != nil {
			return evs, fmt.Errorf("record quarter %s: %w", q.name, err)
		}
		if n == 0 {
			evs = append(evs, scanMissingEvent(q, now))
		}
	}
	return evs, nil
}
