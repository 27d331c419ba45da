package secops

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// ScanRecord is one imported scan as kept, with what its import changed.
type ScanRecord struct {
	ID         int64     `json:"id"`
	Format     string    `json:"format"`
	Name       string    `json:"name,omitempty"`
	ScannedAt  time.Time `json:"scanned_at"`
	ImportedAt time.Time `json:"imported_at"`
	ImportedBy string    `json:"imported_by"`
	Hosts      int       `json:"hosts"`    // covered
	Findings   int       `json:"findings"` // in the report
	Opened     int       `json:"opened"`   // new, or found again after a fix
	Fixed      int       `json:"fixed"`    // closed by their absence
	Skipped    int       `json:"skipped"`  // log-level results, not vulnerabilities
}

// ImportOptions say what the report does not: who imports it, a name, and
// when the scan ran when the report has no time (a CSV; else now).
type ImportOptions struct {
	Name      string
	By        string
	ScannedAt time.Time
}

// maxFuture is how far a scan's time may lie ahead of our clock.
const maxFuture = time.Hour

// Import records a parsed scan: each finding is opened, or seen again (its
// severity as this scan says, its deadline still counted from when it was
// first seen; an accepted one stays accepted; a fixed one is opened again
// from this scan), and each open or accepted finding of a covered host, of the
// same format, that this scan lacks is fixed. A scan older than what a
// finding was last seen in neither fixes nor reopens it.
func (s *Service) Import(ctx context.Context, scan Scan, o ImportOptions) (ScanRecord, error) {
	now := s.now()
	at := scan.ScannedAt
	if at.IsZero() {
		at = o.ScannedAt
	}
	if at.IsZero() {
		at = now
	}
	if at.After(now.Add(maxFuture)) {
		return ScanRecord{}, badInput("扫描时间 %s 晚于当前时间", at.Format(time.RFC3339))
	}
	if at.Before(earliest) {
		return ScanRecord{}, badInput("扫描时间 %s 早于 2000 年，请核对", at.Format(time.RFC3339))
	}
	rec := ScanRecord{Format: scan.Format, Name: strings.TrimSpace(o.Name), ScannedAt: at.Truncate(time.Millisecond),
		ImportedAt: now.Truncate(time.Millisecond), ImportedBy: o.By, Hosts: len(scan.Hosts),
		Findings: len(scan.Findings), Skipped: scan.Skipped}
	if len(rec.Name) > maxField {
		return ScanRecord{}, badInput("扫描名称超过 %d 字节", maxField)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var closed []Vulnerability
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if closed, err = importTx(ctx, tx, scan, &rec); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE secops_scans SET opened = ?, fixed = ? WHERE id = ?`, rec.Opened, rec.Fixed, rec.ID)
		return err
	})
	if err != nil {
		metricImport(scan.Format, "store")
		return ScanRecord{}, fmt.Errorf("import the scan: %w", err)
	}
	metricImport(scan.Format, "imported")
	evs := []collectors.Event{scanImportedEvent(rec)}
	for _, v := range closed {
		evs = append(evs, vulnClosedEvent(v, now))
	}
	s.send(ctx, evs)
	return rec, nil
}

// importTx writes the scan, its findings and the fixes; it returns the fixed
// findings whose overdue alert must be resolved.
func importTx(ctx context.Context, tx *sql.Tx, scan Scan, rec *ScanRecord) ([]Vulnerability, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO secops_scans (format, name, scanned_at, imported_at, imported_by, hosts,
		findings, opened, fixed) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0)`, rec.Format, rec.Name, rec.ScannedAt.UnixMilli(),
		rec.ImportedAt.UnixMilli(), rec.ImportedBy, rec.Hosts, rec.Findings)
	if err != nil {
		return nil, err
	}
	if rec.ID, err = res.LastInsertId(); err != nil {
		return nil, err
	}
	u, err := prepareUpserter(ctx, tx)
	if err != nil {
		return nil, err
	}
	for _, f := range scan.Findings {
		opened, err := u.upsert(ctx, f, rec)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("finding %s %s %s: %w", f.Host, f.Ref, f.Port, err), u.Close())
		}
		if opened {
			rec.Opened++
		}
	}
	if err := u.Close(); err != nil {
		return nil, err
	}
	var closed []Vulnerability
	for _, h := range scan.Hosts {
		c, err := fixAbsent(ctx, tx, h, rec)
		if err != nil {
			return nil, fmt.Errorf("host %s: %w", h, err)
		}
		closed = append(closed, c...)
	}
	return closed, nil
}

// upserter holds the statements of upsertFinding, prepared once per import.
type upserter struct {
	find, insert, reopen, refresh *sql.Stmt
}

func prepareUpserter(ctx context.Context, tx *sql.Tx) (*upserter, error) {
	var u upserter
	var err error
	for _, p := range []struct {
		st **sql.Stmt
		q  string
	}{
		{&u.find, `SELECT id, state, first_seen, last_seen FROM secops_vulns WHERE host = ? AND ref = ? AND port = ? AND format = ?`},
		{&u.insert, `INSERT INTO secops_vulns (host, ref, port, format, name, cves, severity, score, state, first_seen, last_seen,
			deadline, changed_by, changed_at, scan_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?)`},
		{&u.reopen, `UPDATE secops_vulns SET name = ?, cves = ?, severity = ?, score = ?, state = 'open', first_seen = ?,
			last_seen = ?, deadline = ?, fixed_at = 0, accepted_at = 0, reason = '', changed_by = ?, changed_at = ?, scan_id = ?,
			overdue_sent = 0 WHERE id = ?`},
		{&u.refresh, `UPDATE secops_vulns SET name = ?, cves = ?, severity = ?, score = ?, last_seen = ?, deadline = ?,
			scan_id = ? WHERE id = ?`},
	} {
		if *p.st, err = tx.PrepareContext(ctx, p.q); err != nil {
			return nil, errors.Join(err, u.Close())
		}
	}
	return &u, nil
}

// Close closes the statements prepared.
func (u *upserter) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{u.find, u.insert, u.reopen, u.refresh} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	return errors.Join(errs...)
}

// upsert opens or refreshes one finding; opened reports a new one or one
// found again after a fix.
func (u *upserter) upsert(ctx context.Context, f Finding, rec *ScanRecord) (opened bool, err error) {
	at, now := rec.ScannedAt.UnixMilli(), rec.ImportedAt.UnixMilli()
	cves := strings.Join(f.CVEs, ",")
	var id, first, last int64
	var state State
	err = u.find.QueryRowContext(ctx, f.Host, f.Ref, f.Port, rec.Format).Scan(&id, &state, &first, &last)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = u.insert.ExecContext(ctx, f.Host, f.Ref, f.Port, rec.Format, f.Name, cves, f.Severity, f.Score, at, at,
			at+f.Severity.Deadline().Milliseconds(), rec.ImportedBy, now, rec.ID)
		return err == nil, err
	case err != nil:
		return false, err
	case at < last:
		return false, nil // an older scan than the one that last saw it
	case state == Fixed:
		_, err = u.reopen.ExecContext(ctx, f.Name, cves, f.Severity, f.Score, at, at,
			at+f.Severity.Deadline().Milliseconds(), rec.ImportedBy, now, rec.ID, id)
		return err == nil, err
	}
	_, err = u.refresh.ExecContext(ctx, f.Name, cves, f.Severity, f.Score, at, first+f.Severity.Deadline().Milliseconds(),
		rec.ID, id)
	return false, err
}

// fixAbsent fixes the open and accepted findings of host, of the scan's
// format, last seen before this scan (so absent from it).
func fixAbsent(ctx context.Context, tx *sql.Tx, host string, rec *ScanRecord) ([]Vulnerability, error) {
	at := rec.ScannedAt.UnixMilli()
	rows, err := tx.QueryContext(ctx, `SELECT `+vulnColumns+`, overdue_sent FROM secops_vulns
		WHERE host = ? AND format = ? AND state IN ('open', 'accepted') AND last_seen < ?`, host, rec.Format, at)
	if err != nil {
		return nil, err
	}
	var ids []int64
	var closed []Vulnerability
	for rows.Next() {
		var sent int
		v, err := scanVuln(rowWith{rows, &sent}, rec.ImportedAt)
		if err != nil {
			return nil, errors.Join(err, rows.Close())
		}
		ids = append(ids, v.ID)
		if sent == 1 {
			closed = append(closed, v)
		}
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `UPDATE secops_vulns SET state = 'fixed', fixed_at = ?, changed_by = ?,
			changed_at = ?, scan_id = ?, overdue_sent = 0 WHERE id = ?`, at, rec.ImportedBy, rec.ImportedAt.UnixMilli(),
			rec.ID, id); err != nil {
			return nil, err
		}
	}
	rec.Fixed += len(ids)
	return closed, nil
}

// rowWith scans one extra column after the vulnerability's.
type rowWith struct {
	rows  *sql.Rows
	extra any
}

func (r rowWith) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra)...) }

// Scans lists the imported scans, the latest first.
func (s *Service) Scans(ctx context.Context) ([]ScanRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, format, name, scanned_at, imported_at, imported_by, hosts, findings,
		opened, fixed FROM secops_scans ORDER BY scanned_at DESC, id DESC LIMIT ?`, maxListed)
	if err != nil {
		return nil, fmt.Errorf("list scans: %w", err)
	}
	defer rows.Close()
	out := []ScanRecord{}
	for rows.Next() {
		var r ScanRecord
		var at, imp int64
		if err := rows.Scan(&r.ID, &r.Format, &r.Name, &at, &imp, &r.ImportedBy, &r.Hosts, &r.Findings, &r.Opened,
			&r.Fixed); err != nil {
			return nil, fmt.Errorf("read scan: %w", err)
		}
		r.ScannedAt, r.ImportedAt = time.UnixMilli(at), time.UnixMilli(imp)
		out = append(out, r)
	}
	return out, rows.Err()
}
