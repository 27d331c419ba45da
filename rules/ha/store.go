package ha

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// maxListedFailures bounds one Failures query: a year of a large cloud's
// failures is far below it.
const maxListedFailures = 10000

// save writes a failure (insert the first time, update after). Times are
// unix milliseconds; the VMs are one JSON array.
func (t *Tracker) save(ctx context.Context, f *Failure) error {
	if t.db == nil {
		return nil
	}
	vms, err := json.Marshal(f.VMs)
	if err != nil {
		return fmt.Errorf("encode VMs of %s: %w", f.Host, err)
	}
	now := t.opts.Now().UnixMilli()
	if f.ID == 0 {
		res, err := t.db.ExecContext(ctx, `INSERT INTO ha_failures (instance, host, cluster, kind, failed_at,
			recovered_at, closed_at, vms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.Instance, f.Host,
			f.Cluster, f.Kind, f.FailedAt.UnixMilli(), ms(f.RecoveredAt), ms(f.ClosedAt), string(vms), now)
		if err != nil {
			return fmt.Errorf("record failure of host %s: %w", f.Host, err)
		}
		f.ID, err = res.LastInsertId()
		return err
	}
	_, err = t.db.ExecContext(ctx, `UPDATE ha_failures SET kind = ?, failed_at = ?, recovered_at = ?,
		closed_at = ?, vms = ?, updated_at = ? WHERE id = ?`, f.Kind, f.FailedAt.UnixMilli(), ms(f.RecoveredAt),
		ms(f.ClosedAt), string(vms), now, f.ID)
	if err != nil {
		return fmt.Errorf("update failure %d of host %s: %w", f.ID, f.Host, err)
	}
	return nil
}

// ms is unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

const failureCols = `id, instance, host, cluster, kind, failed_at, recovered_at, closed_at, vms`

// loadOpen reads the failures still open.
func (t *Tracker) loadOpen(ctx context.Context) ([]Failure, error) {
	rows, err := t.db.QueryContext(ctx, `SELECT `+failureCols+` FROM ha_failures WHERE closed_at = 0 ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read open host failures: %w", err)
	}
	return scanFailures(rows)
}

// between reads the failures that began in [from, to), oldest first.
func (t *Tracker) between(ctx context.Context, from, to time.Time) ([]Failure, error) {
	rows, err := t.db.QueryContext(ctx, `SELECT `+failureCols+` FROM ha_failures WHERE failed_at >= ?
		AND failed_at < ? ORDER BY failed_at, id LIMIT ?`, from.UnixMilli(), to.UnixMilli(), maxListedFailures)
	if err != nil {
		return nil, fmt.Errorf("read host failures: %w", err)
	}
	return scanFailures(rows)
}

// scanFailures reads rows; a row whose VMs no longer decode is skipped and
// counted: one bad row must not hide a month of failures.
func scanFailures(rows *sql.Rows) ([]Failure, error) {
	defer rows.Close()
	var out []Failure
	for rows.Next() {
		var f Failure
		var failed, recovered, closed int64
		var vms string
		if err := rows.Scan(&f.ID, &f.Instance, &f.Host, &f.Cluster, &f.Kind, &failed, &recovered, &closed,
			&vms); err != nil {
			return nil, fmt.Errorf("read host failures: %w", err)
		}
		if err := json.Unmarshal([]byte(vms), &f.VMs); err != nil {
			metrics.GetOrCreateCounter(`swanwatch_ha_rows_unreadable_total`).Inc()
			continue
		}
		f.FailedAt, f.RecoveredAt, f.ClosedAt = time.UnixMilli(failed), fromMS(recovered), fromMS(closed)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read host failures: %w", err)
	}
	return out, nil
}

// prune deletes the closed failures that began before the retention.
func (t *Tracker) prune(ctx context.Context, now time.Time) (int64, error) {
	if t.db == nil {
		return 0, nil
	}
	res, err := t.db.ExecContext(ctx, `DELETE FROM ha_failures WHERE closed_at != 0 AND failed_at < ?`,
		now.Add(-t.opts.Retention).UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("prune host failures: %w", err)
	}
	return res.RowsAffected()
}
