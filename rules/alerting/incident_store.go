package alerting

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Fire records a firing alert: it opens an incident for the fingerprint, or
// refreshes the open one. created tells whether this firing is news.
func (s *Incidents) Fire(ctx context.Context, a Alert) (inc Incident, created bool, err error) {
	labels, _ := json.Marshal(nonNil(a.Labels))
	annotations, _ := json.Marshal(nonNil(a.Annotations))
	started := a.StartsAt
	if started.IsZero() {
		started = s.now()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE incidents SET last_seen = ?, annotations = ?
			WHERE fingerprint = ? AND resolved_at = 0`, s.now().UnixMilli(), string(annotations), a.Fingerprint)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			created = true
			res, err = tx.ExecContext(ctx, `INSERT INTO incidents (fingerprint, alertname, severity, labels,
				annotations, first_fired, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)`, a.Fingerprint,
				a.Labels["alertname"], a.Labels["severity"], string(labels), string(annotations),
				started.UnixMilli(), s.now().UnixMilli())
			if err != nil {
				return err
			}
			id, _ := res.LastInsertId()
			return addTimeline(ctx, tx, id, started, "fired", "system", a.Annotations["summary"])
		}
		return nil
	})
	if err != nil {
		return Incident{}, false, fmt.Errorf("record firing alert %s: %w", a.Fingerprint, err)
	}
	inc, err = s.open(ctx, a.Fingerprint)
	return inc, created, err
}

// Resolve closes the open incident of a fingerprint; ok is false when none was open.
func (s *Incidents) Resolve(ctx context.Context, fingerprint string, at time.Time) (inc Incident, ok bool, err error) {
	inc, err = s.open(ctx, fingerprint)
	if errors.Is(err, ErrNoIncident) {
		return Incident{}, false, nil
	} else if err != nil {
		return Incident{}, false, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET resolved_at = ? WHERE id = ?`, at.UnixMilli(), inc.ID); err != nil {
			return err
		}
		return addTimeline(ctx, tx, inc.ID, at, "resolved", "system", "")
	})
	if err != nil {
		return Incident{}, false, fmt.Errorf("resolve incident %d: %w", inc.ID, err)
	}
	inc.ResolvedAt = time.UnixMilli(at.UnixMilli())
	return inc, true, nil
}

// Ack records who acknowledged an open incident (确认). A second
// acknowledgement is refused so that MTTA keeps the first responder's time.
func (s *Incidents) Ack(ctx context.Context, id int64, user string) (Incident, error) {
	inc, err := s.Get(ctx, id)
	switch {
	case err != nil:
		return Incident{}, err
	case !inc.Open():
		return inc, ErrNotOpen
	case !inc.AckedAt.IsZero():
		return inc, ErrAlreadyAcked
	}
	at := s.now()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET acked_by = ?, acked_at = ? WHERE id = ?`,
			user, at.UnixMilli(), id); err != nil {
			return err
		}
		return addTimeline(ctx, tx, id, at, "acked", user, "")
	})
	if err != nil {
		return Incident{}, fmt.Errorf("acknowledge incident %d: %w", id, err)
	}
	inc.AckedBy, inc.AckedAt = user, time.UnixMilli(at.UnixMilli())
	return inc, nil
}

// Note appends to an incident's timeline (notifications sent or failed,
// escalations, operator notes).
func (s *Incidents) Note(ctx context.Context, id int64, kind, actor, detail string) error {
	return s.tx(ctx, func(tx *sql.Tx) error { return addTimeline(ctx, tx, id, s.now(), kind, actor, detail) })
}

// Get returns one incident.
func (s *Incidents) Get(ctx context.Context, id int64) (Incident, error) {
	inc, err := scanIncident(s.db.QueryRowContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, fmt.Errorf("incident %d: %w", id, ErrNoIncident)
	}
	return inc, err
}

func (s *Incidents) open(ctx context.Context, fingerprint string) (Incident, error) {
	inc, err := scanIncident(s.db.QueryRowContext(ctx,
		`SELECT `+incidentCols+` FROM incidents WHERE fingerprint = ? AND resolved_at = 0`, fingerprint))
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, fmt.Errorf("open incident for %s: %w", fingerprint, ErrNoIncident)
	}
	return inc, err
}

// Timeline returns an incident's history, oldest first.
func (s *Incidents) Timeline(ctx context.Context, id int64) ([]TimelineEntry, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT at, kind, actor, detail FROM incident_timeline
		WHERE incident_id = ? ORDER BY at, id`, id)
	if err != nil {
		return nil, fmt.Errorf("timeline of incident %d: %w", id, err)
	}
	defer rows.Close()
	var out []TimelineEntry
	for rows.Next() {
		var e TimelineEntry
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.Actor, &e.Detail); err != nil {
			return nil, err
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func addTimeline(ctx context.Context, tx *sql.Tx, id int64, at time.Time, kind, actor, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO incident_timeline (incident_id, at, kind, actor, detail)
		VALUES (?, ?, ?, ?, ?)`, id, at.UnixMilli(), kind, actor, detail)
	return err
}

func (s *Incidents) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
