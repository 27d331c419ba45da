package sla

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// querier is what *sql.DB and *sql.Tx share for reading.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// closeRecord is a row of sla_closes: one closed date.
type closeRecord struct {
	closedAt time.Time
	entities int
	sum      string
}

func isFrozen(ctx context.Context, q querier, month string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT count(*) FROM sla_months WHERE month = ?", month).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read sla_months: %w", err)
	}
	return n > 0, nil
}

func readClose(ctx context.Context, q querier, date string) (*closeRecord, error) {
	var c closeRecord
	var ms int64
	err := q.QueryRowContext(ctx, "SELECT closed_at, entities, input_sha256 FROM sla_closes WHERE date = ?",
		date).Scan(&ms, &c.entities, &c.sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read sla_closes: %w", err)
	}
	c.closedAt = time.UnixMilli(ms)
	return &c, nil
}

// writeDate stores a date's rows, replacing its earlier close when replace.
func writeDate(ctx context.Context, tx *sql.Tx, date string, rows []dayRow, sum string, now time.Time, replace bool) error {
	var err error
	if replace {
		if _, err = tx.ExecContext(ctx, "DELETE FROM sla_days WHERE date = ?", date); err != nil {
			return fmt.Errorf("delete sla_days: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE sla_closes SET closed_at = ?, entities = ?, input_sha256 = ?,
			recloses = recloses + 1 WHERE date = ?`, now.UnixMilli(), len(rows), sum, date)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO sla_closes (date, closed_at, entities, input_sha256)
			VALUES (?, ?, ?, ?)`, date, now.UnixMilli(), len(rows), sum)
	}
	if err != nil {
		return fmt.Errorf("write sla_closes: %w", err)
	}
	return insertRows(ctx, tx, rows)
}

func insertRows(ctx context.Context, tx *sql.Tx, rows []dayRow) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO sla_days (sli, entity, date, labels, good_s, bad_s,
		unknown_s, excluded_s, outages, stats, closed_at, input_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("insert sla_days: %w", err)
	}
	defer stmt.Close()
	for _, r := range rows {
		d := r.day
		_, err := stmt.ExecContext(ctx, d.SLI, d.Entity, d.Date, r.labels, d.Tally.GoodS, d.Tally.BadS,
			d.Tally.UnknownS, d.Tally.ExcludedS, r.outages, r.stats, d.ClosedAt.UnixMilli(), r.sum)
		if err != nil {
			return fmt.Errorf("insert sla_days %s/%s: %w", d.SLI, d.Entity, err)
		}
	}
	return nil
}

// readDays returns the stored days of dates [from, to] in canonical order,
// each checked against its row checksum.
func readDays(ctx context.Context, q querier, from, to string) ([]Day, error) {
	var days []Day
	err := streamDays(ctx, q, from, to, func(d Day) error {
		days = append(days, d)
		return nil
	})
	return days, err
}

// streamDays passes the stored days of dates [from, to] to fn one at a time
// in canonical order, each checked against its row checksum; fn's error
// stops it and is returned as it is.
func streamDays(ctx context.Context, q querier, from, to string, fn func(Day) error) error {
	rows, err := q.QueryContext(ctx, `SELECT sli, entity, date, labels, good_s, bad_s, unknown_s, excluded_s,
		outages, stats, closed_at, input_sha256 FROM sla_days WHERE date >= ? AND date <= ?
		ORDER BY sli, entity, date`, from, to)
	if err != nil {
		return fmt.Errorf("read sla_days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDay(rows)
		if err != nil {
			return err
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sla_days: %w", err)
	}
	return nil
}

func scanDay(rows *sql.Rows) (Day, error) {
	var d Day
	var labels, outages, stats, sum string
	var closed int64
	err := rows.Scan(&d.SLI, &d.Entity, &d.Date, &labels, &d.Tally.GoodS, &d.Tally.BadS, &d.Tally.UnknownS,
		&d.Tally.ExcludedS, &outages, &stats, &closed, &sum)
	if err != nil {
		return Day{}, fmt.Errorf("read sla_days: %w", err)
	}
	d.ClosedAt = time.UnixMilli(closed).UTC()
	if err := json.Unmarshal([]byte(labels), &d.Labels); err != nil {
		return Day{}, corrupt(fmt.Errorf("sla_days %s/%s/%s labels: %w", d.SLI, d.Entity, d.Date, err))
	}
	if err := json.Unmarshal([]byte(outages), &d.Outages); err != nil {
		return Day{}, corrupt(fmt.Errorf("sla_days %s/%s/%s outages: %w", d.SLI, d.Entity, d.Date, err))
	}
	if stats != "" {
		if err := json.Unmarshal([]byte(stats), &d.Stats); err != nil {
			return Day{}, corrupt(fmt.Errorf("sla_days %s/%s/%s stats: %w", d.SLI, d.Entity, d.Date, err))
		}
	}
	if got, err := canonicalSum([]Day{d}); err != nil || got != sum {
		return Day{}, corrupt(fmt.Errorf("sla_days %s/%s/%s: %w", d.SLI, d.Entity, d.Date, ErrCorrupt))
	}
	return d, nil
}

func corrupt(err error) error {
	metrics.GetOrCreateCounter(`swanwatch_sla_ledger_corrupt_total`).Inc()
	return err
}

// closedDates lists the closed dates in [from, to].
func closedDates(ctx context.Context, q querier, from, to string) (map[string]bool, error) {
	rows, err := q.QueryContext(ctx, "SELECT date FROM sla_closes WHERE date >= ? AND date <= ?", from, to)
	if err != nil {
		return nil, fmt.Errorf("read sla_closes: %w", err)
	}
	defer rows.Close()
	dates := map[string]bool{}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, fmt.Errorf("read sla_closes: %w", err)
		}
		dates[d] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sla_closes: %w", err)
	}
	return dates, nil
}
