package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Run is one run of a job as it is kept.
type Run struct {
	Job        string    `json:"-"`
	Status     string    `json:"status"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Bytes      int64     `json:"bytes"`
	Message    string    `json:"message,omitempty"`
	Source     string    `json:"source"`
	Announced  bool      `json:"-"`
	TooLong    bool      `json:"too_long,omitempty"`
}

// Duration is how long a finished run took, or has been running at now.
func (r Run) Duration(now time.Time) time.Duration {
	if r.FinishedAt.IsZero() {
		return now.Sub(r.StartedAt)
	}
	return r.FinishedAt.Sub(r.StartedAt)
}

// watch is a job's judging state.
type watch struct {
	since, judged time.Time
	state         string
	stateAt       time.Time
}

// store owns the job tables' queries.
type store struct{ db *sql.DB }

// checkTables fails clearly when the state database lacks this step.
func (st store) checkTables(ctx context.Context) error {
	var n int
	err := st.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'
		AND name IN ('job_runs', 'job_watch')`).Scan(&n)
	if err != nil {
		return fmt.Errorf("job tables: %w", err)
	}
	if n != 2 {
		return fmt.Errorf("the state database has no job tables: this binary lacks statestore migration 12, \"job runs\"")
	}
	return nil
}

const runCols = `job, status, started_at, finished_at, bytes, message, source, announced, too_long`

func scanRun(sc interface{ Scan(...any) error }) (Run, error) {
	var r Run
	var start, end int64
	err := sc.Scan(&r.Job, &r.Status, &start, &end, &r.Bytes, &r.Message, &r.Source, &r.Announced, &r.TooLong)
	r.StartedAt = time.UnixMilli(start)
	if end != 0 {
		r.FinishedAt = time.UnixMilli(end)
	}
	return r, err
}

// one returns the first run of a query, ok false when there is none.
func (st store) one(ctx context.Context, where string, args ...any) (Run, bool, error) {
	r, err := scanRun(st.db.QueryRowContext(ctx, `SELECT `+runCols+` FROM job_runs WHERE `+where, args...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Run{}, false, nil
	case err != nil:
		return Run{}, false, fmt.Errorf("read job runs: %w", err)
	}
	return r, true, nil
}

// latest is the job's run that started last.
func (st store) latest(ctx context.Context, job string) (Run, bool, error) {
	return st.one(ctx, `job = ? ORDER BY started_at DESC LIMIT 1`, job)
}

// latestFinished is the job's last finished run, optionally only a success.
func (st store) latestFinished(ctx context.Context, job string, successOnly bool) (Run, bool, error) {
	if successOnly {
		return st.one(ctx, `job = ? AND status = 'success' ORDER BY finished_at DESC LIMIT 1`, job)
	}
	return st.one(ctx, `job = ? AND finished_at != 0 ORDER BY finished_at DESC LIMIT 1`, job)
}

// match finds the run a report is about: the same start, else a running run
// that started within tolerance of it (the job's two clock reads differ),
// else, for a result without a start, the latest running run.
func (st store) match(ctx context.Context, job string, started time.Time, tolerance time.Duration) (Run, bool, error) {
	if started.IsZero() {
		return st.one(ctx, `job = ? AND finished_at = 0 ORDER BY started_at DESC LIMIT 1`, job)
	}
	if r, ok, err := st.one(ctx, `job = ? AND started_at = ?`, job, started.UnixMilli()); ok || err != nil {
		return r, ok, err
	}
	return st.one(ctx, `job = ? AND finished_at = 0 AND started_at BETWEEN ? AND ?
		ORDER BY ABS(started_at - ?) LIMIT 1`, job, started.Add(-tolerance).UnixMilli(),
		started.Add(tolerance).UnixMilli(), started.UnixMilli())
}

// running lists the job's running runs not yet found too long.
func (st store) running(ctx context.Context, job string) ([]Run, error) {
	return st.list(ctx, `job = ? AND finished_at = 0 AND too_long = 0`, job)
}

// between lists the job's runs that started in [from, to).
func (st store) between(ctx context.Context, job string, from, to time.Time) ([]Run, error) {
	return st.list(ctx, `job = ? AND started_at >= ? AND started_at < ? ORDER BY started_at`,
		job, from.UnixMilli(), to.UnixMilli())
}

func (st store) list(ctx context.Context, where string, args ...any) ([]Run, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT `+runCols+` FROM job_runs WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read job runs: %w", err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("read job runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// save writes a run, replacing the row of its start.
func (st store) save(ctx context.Context, r Run, now time.Time) error {
	var end int64
	if !r.FinishedAt.IsZero() {
		end = r.FinishedAt.UnixMilli()
	}
	_, err := st.db.ExecContext(ctx, `INSERT INTO job_runs (`+runCols+`, received_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (job, started_at) DO UPDATE SET status = excluded.status, finished_at = excluded.finished_at,
		bytes = excluded.bytes, message = excluded.message, source = excluded.source,
		announced = excluded.announced, too_long = excluded.too_long, received_at = excluded.received_at`,
		r.Job, r.Status, r.StartedAt.UnixMilli(), end, r.Bytes, r.Message, r.Source, r.Announced, r.TooLong,
		now.UnixMilli())
	if err != nil {
		return fmt.Errorf("store job run: %w", err)
	}
	return nil
}

// move re-keys a running run whose result came with a slightly different start.
func (st store) move(ctx context.Context, job string, from, to time.Time) error {
	_, err := st.db.ExecContext(ctx, `UPDATE job_runs SET started_at = ? WHERE job = ? AND started_at = ?`,
		to.UnixMilli(), job, from.UnixMilli())
	if err != nil {
		return fmt.Errorf("store job run: %w", err)
	}
	return nil
}

// watches reads every job's judging state.
func (st store) watches(ctx context.Context) (map[string]watch, error) {
	rows, err := st.db.QueryContext(ctx, `SELECT job, since, judged, state, state_at FROM job_watch`)
	if err != nil {
		return nil, fmt.Errorf("read job state: %w", err)
	}
	defer rows.Close()
	out := map[string]watch{}
	for rows.Next() {
		var job, state string
		var since, judged, at int64
		if err := rows.Scan(&job, &since, &judged, &state, &at); err != nil {
			return nil, fmt.Errorf("read job state: %w", err)
		}
		w := watch{since: time.UnixMilli(since), state: state, stateAt: time.UnixMilli(at)}
		if judged != 0 {
			w.judged = time.UnixMilli(judged)
		}
		out[job] = w
	}
	return out, rows.Err()
}

// saveWatch writes a job's judging state.
func (st store) saveWatch(ctx context.Context, job string, w watch) error {
	var judged int64
	if !w.judged.IsZero() {
		judged = w.judged.UnixMilli()
	}
	_, err := st.db.ExecContext(ctx, `INSERT INTO job_watch (job, since, judged, state, state_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (job) DO UPDATE SET judged = excluded.judged, state = excluded.state, state_at = excluded.state_at`,
		job, w.since.UnixMilli(), judged, w.state, w.stateAt.UnixMilli())
	if err != nil {
		return fmt.Errorf("store job state: %w", err)
	}
	return nil
}

// prune deletes runs that started before cutoff.
func (st store) prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := st.db.ExecContext(ctx, `DELETE FROM job_runs WHERE started_at < ?`, cutoff.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("prune job runs: %w", err)
	}
	return res.RowsAffected()
}
