package secops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
)

// MaxReason bounds an operator's reason, in runes.
const MaxReason = 2000

// maxListed caps a list: more on one page helps nobody.
const maxListed = 5000

const vulnColumns = `id, host, ref, port, format, name, cves, severity, score, state, first_seen, last_seen, deadline,
	fixed_at, accepted_at, reason, changed_by, changed_at, scan_id`

func scanVuln(row interface{ Scan(...any) error }, now time.Time) (Vulnerability, error) {
	var v Vulnerability
	var cves string
	var first, last, deadline, fixed, accepted, changed int64
	err := row.Scan(&v.ID, &v.Host, &v.Ref, &v.Port, &v.Format, &v.Name, &cves, &v.Severity, &v.Score, &v.State,
		&first, &last, &deadline, &fixed, &accepted, &v.Reason, &v.ChangedBy, &changed, &v.ScanID)
	v.CVEs = []string{}
	if cves != "" {
		v.CVEs = strings.Split(cves, ",")
	}
	v.FirstSeen, v.LastSeen, v.Deadline = fromMillis(first), fromMillis(last), fromMillis(deadline)
	v.FixedAt, v.AcceptedAt, v.ChangedAt = fromMillis(fixed), fromMillis(accepted), fromMillis(changed)
	v.SeverityWord, v.StateWord = v.Severity.Word(), v.State.Word()
	v.Overdue = v.State == Open && now.After(v.Deadline)
	return v, err
}

// Filter selects findings; empty fields match all.
type Filter struct {
	State    State
	Severity Severity
	Host     string
	Overdue  bool // only open findings past their deadline
}

// Vulnerabilities lists the findings that match f, the most urgent first
// (severity, then deadline).
func (s *Service) Vulnerabilities(ctx context.Context, f Filter) ([]Vulnerability, error) {
	now := s.now()
	q := `SELECT ` + vulnColumns + ` FROM secops_vulns WHERE 1=1`
	var args []any
	for _, c := range []struct{ col, v string }{{"state", string(f.State)}, {"severity", string(f.Severity)}, {"host", f.Host}} {
		if c.v != "" {
			q += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	if f.Overdue {
		q += " AND state = 'open' AND deadline < ?"
		args = append(args, now.UnixMilli())
	}
	q += ` ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, deadline, id`
	return s.queryVulns(ctx, now, q+fmt.Sprintf(" LIMIT %d", maxListed), args...)
}

func (s *Service) queryVulns(ctx context.Context, now time.Time, q string, args ...any) ([]Vulnerability, error) {
	return queryAll(ctx, s.db, "vulnerabilities", func(r *sql.Rows) (Vulnerability, error) { return scanVuln(r, now) }, q, args...)
}

// queryAll runs q and scans every row; what names the rows in errors.
func queryAll[T any](ctx context.Context, db *sql.DB, what string, scan func(*sql.Rows) (T, error), q string, args ...any) ([]T, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", what, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Vulnerability returns one finding; ErrNotFound when there is none.
func (s *Service) Vulnerability(ctx context.Context, id int64) (Vulnerability, error) {
	v, err := scanVuln(s.db.QueryRowContext(ctx, `SELECT `+vulnColumns+` FROM secops_vulns WHERE id = ?`, id), s.now())
	if errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("%w（漏洞编号 %d）", ErrNotFound, id)
	}
	return v, err
}

// SetState is an operator's change: 已接受 (accepted) from 未修复 with a
// reason, or back to 未修复 from 已接受 (its deadline is the one it had, so
// it may be overdue at once). 已修复 is never set by hand: only a scan
// proves it.
func (s *Service) SetState(ctx context.Context, id int64, to State, reason, user string) (Vulnerability, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case to == Fixed:
		return Vulnerability{}, badChange("已修复须由之后的扫描证实（该漏洞不再出现），不能手工设置")
	case to != Open && to != Accepted:
		return Vulnerability{}, badChange("状态须为 已接受 或 未修复")
	case to == Accepted && reason == "":
		return Vulnerability{}, badChange("接受风险须填写原因")
	case utf8.RuneCountInString(reason) > MaxReason:
		return Vulnerability{}, badChange("原因不能超过 %d 字", MaxReason)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, err := s.Vulnerability(ctx, id)
	if err != nil {
		return cur, err
	}
	if (to == Accepted && cur.State != Open) || (to == Open && cur.State != Accepted) {
		return cur, badChange("漏洞当前为%s，不能改为%s", cur.State.Word(), to.Word())
	}
	now := s.now()
	accepted := int64(0)
	if to == Accepted {
		accepted = now.UnixMilli()
	}
	var sent int
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT overdue_sent FROM secops_vulns WHERE id = ?`, id).Scan(&sent); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE secops_vulns SET state = ?, accepted_at = ?, reason = ?, changed_by = ?,
			changed_at = ?, overdue_sent = 0 WHERE id = ?`, to, accepted, reason, user, now.UnixMilli(), id)
		return err
	})
	if err != nil {
		return cur, fmt.Errorf("change vulnerability %d: %w", id, err)
	}
	v, err := s.Vulnerability(ctx, id)
	if err == nil && sent == 1 {
		s.send(ctx, []collectors.Event{vulnClosedEvent(v, now)})
	}
	return v, err
}

// checkOverdue raises each open finding past its deadline, once.
func (s *Service) checkOverdue(ctx context.Context, now time.Time) ([]collectors.Event, error) {
	vs, err := s.queryVulns(ctx, now, `SELECT `+vulnColumns+` FROM secops_vulns
		WHERE state = 'open' AND overdue_sent = 0 AND deadline < ? ORDER BY deadline LIMIT 1000`, now.UnixMilli())
	if err != nil || len(vs) == 0 {
		return nil, err
	}
	evs := make([]collectors.Event, 0, len(vs))
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for _, v := range vs {
			if _, err := tx.ExecContext(ctx, `UPDATE secops_vulns SET overdue_sent = 1 WHERE id = ?`, v.ID); err != nil {
				return err
			}
			evs = append(evs, vulnOverdueEvent(v, now))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark overdue vulnerabilities: %w", err)
	}
	return evs, nil
}
