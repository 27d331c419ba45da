package alerting

import (
	"context"
	"database/sql"
	"fmt"
)

// This file holds what the notifier writes on incidents: what was announced,
// why an incident is held back, how far it escalated.

// Pending returns what the notifier must look at: every open incident, and the
// resolved ones whose firing was announced but whose resolution was not yet.
func (s *Incidents) Pending(ctx context.Context) ([]Incident, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE resolved_at = 0
		UNION ALL SELECT `+incidentCols+` FROM incidents WHERE notify_state = 1 AND resolved_at != 0
		ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("pending incidents: %w", err)
	}
	defer rows.Close()
	var out []Incident
	for rows.Next() {
		inc, err := scanIncident(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	return out, rows.Err()
}

// MarkAnnounced records that the incidents' firing (state NotifyFiring) or
// resolution (NotifyDone) went to the outbox, in one transaction.
func (s *Incidents) MarkAnnounced(ctx context.Context, ids []int64, state int) error {
	if len(ids) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, `UPDATE incidents SET notify_state = ? WHERE id = ? AND notify_state < ?`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, id := range ids {
			if _, err := stmt.ExecContext(ctx, state, id, state); err != nil {
				return fmt.Errorf("mark incident %d announced: %w", id, err)
			}
		}
		return nil
	})
}

// SetSuppressed records that an incident is held back by root (0: no longer)
// for reason, with a timeline entry naming the root incident.
func (s *Incidents) SetSuppressed(ctx context.Context, id, root int64, reason string) error {
	kind, detail := "suppressed", fmt.Sprintf("%s：根源事件 #%d", reason, root)
	if root == 0 {
		kind, detail, reason = "unsuppressed", "上级故障已恢复，不再抑制", ""
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET suppressed_by = ?, suppress_reason = ? WHERE id = ?`,
			root, reason, id); err != nil {
			return fmt.Errorf("suppress incident %d: %w", id, err)
		}
		return addTimeline(ctx, tx, id, s.now(), kind, "system", detail)
	})
}

// Escalated records that page number pages-1 of the incident's escalation
// policy went out (升级), with who was paged.
func (s *Incidents) Escalated(ctx context.Context, id int64, pages int, detail string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET escalation_step = ? WHERE id = ? AND escalation_step < ?`,
			pages, id, pages); err != nil {
			return fmt.Errorf("escalate incident %d: %w", id, err)
		}
		return addTimeline(ctx, tx, id, s.now(), "escalated", "system", detail)
	})
}

// NoteMany appends the same timeline entry to several incidents at once, e.g.
// "sent to duty/wecom" for every incident of a group notification.
func (s *Incidents) NoteMany(ctx context.Context, ids []int64, kind, actor, detail string) error {
	if len(ids) == 0 {
		return nil
	}
	at := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if err := addTimeline(ctx, tx, id, at, kind, actor, detail); err != nil {
				return fmt.Errorf("note on incident %d: %w", id, err)
			}
		}
		return nil
	})
}

// toAlert is the incident as the routing tree sees it.
func (i Incident) toAlert() Alert {
	return Alert{Fingerprint: i.Fingerprint, Labels: i.Labels, Annotations: i.Annotations, Firing: i.Open(),
		StartsAt: i.FirstFired, EndsAt: i.ResolvedAt, IncidentID: i.ID}
}
