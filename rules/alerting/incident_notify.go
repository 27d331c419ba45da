package alerting

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
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
	s.decoded.mu.Lock()
	defer s.decoded.mu.Unlock()
	seen := make(map[int64]bool, len(s.decoded.m))
	var out []Incident
	for rows.Next() {
		inc, err := s.decoded.scan(rows)
		if err != nil {
			return nil, err
		}
		seen[inc.ID] = true
		out = append(out, inc)
	}
	s.decoded.forget(seen)
	return out, rows.Err()
}

// decodeCache keeps the decoded JSON of the incidents the notifier reads
// every second: during a storm of 10,000 open incidents, decoding them all
// again each tick was most of the tick's cost.
type decodeCache struct {
	mu sync.Mutex
	m  map[int64]decoded
}

type decoded struct {
	rawLabels, rawAnnotations string
	labels, annotations       map[string]string
}

// scan reads one row like scanIncident, decoding only JSON it has not seen.
func (c *decodeCache) scan(row interface{ Scan(...any) error }) (Incident, error) {
	var i Incident
	var labels, annotations sql.RawBytes
	var t incidentTimes
	if err := row.Scan(i.columns(&labels, &annotations, &t)...); err != nil {
		return i, err
	}
	t.set(&i)
	if c.m == nil {
		c.m = map[int64]decoded{}
	}
	d, ok := c.m[i.ID]
	if !ok || d.rawLabels != string(labels) || d.rawAnnotations != string(annotations) {
		d = decoded{rawLabels: string(labels), rawAnnotations: string(annotations)}
		if err := json.Unmarshal(labels, &d.labels); err != nil {
			return i, fmt.Errorf("incident %d labels: %w", i.ID, err)
		}
		if err := json.Unmarshal(annotations, &d.annotations); err != nil {
			return i, fmt.Errorf("incident %d annotations: %w", i.ID, err)
		}
		c.m[i.ID] = d
	}
	i.Labels, i.Annotations = d.labels, d.annotations
	return i, nil
}

// forget drops incidents no longer pending.
func (c *decodeCache) forget(seen map[int64]bool) {
	for id := range c.m {
		if !seen[id] {
			delete(c.m, id)
		}
	}
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

// toAlert is the incident as the routing tree sees it.
func (i Incident) toAlert() Alert {
	return Alert{Fingerprint: i.Fingerprint, Labels: i.Labels, Annotations: i.Annotations, Firing: i.Open(),
		StartsAt: i.FirstFired, EndsAt: i.ResolvedAt, IncidentID: i.ID}
}

// escalation is the incident as an escalation policy sees it.
func (i Incident) escalation() oncall.Incident {
	return oncall.Incident{Severity: i.Severity, FirstFired: i.FirstFired, Resolved: !i.Open(),
		Acked: !i.AckedAt.IsZero() || i.AckedBy != "", HurryAt: i.HurryAt}
}
