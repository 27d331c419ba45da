package alerting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// This file holds what the on-call phone writes on incidents and reads back:
// who was paged (incident_pages), the hurry of an unanswered call, handovers
// (转派), incidents resolved by hand, and the children held back under one.

// PagedPerson is one person a page went to, or waits for (HeldUntil: their
// quiet hours or digest period, with the reason the timeline gives).
type PagedPerson struct {
	Name, Phone string
	HeldUntil   time.Time
	Reason      string
}

// Escalated records that page number pages-1 of the incident's escalation
// policy went out (升级) to people over channels (receiver names), with
// the timeline's detail. It consumes a hurry: the next page keeps its own
// schedule unless another call goes unanswered.
func (s *Incidents) Escalated(ctx context.Context, id int64, pages int, people []PagedPerson, channels []string, detail string) error {
	at := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET escalation_step = ?, hurry_at = 0
			WHERE id = ? AND escalation_step < ?`, pages, id, pages); err != nil {
			return fmt.Errorf("escalate incident %d: %w", id, err)
		}
		if err := insertPages(ctx, tx, id, pages, people, channels, at); err != nil {
			return err
		}
		return addTimeline(ctx, tx, id, at, "escalated", "system", detail)
	})
}

func insertPages(ctx context.Context, tx *sql.Tx, id int64, step int, people []PagedPerson, channels []string, at time.Time) error {
	for _, p := range people {
		var held int64
		if !p.HeldUntil.IsZero() {
			held = p.HeldUntil.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO incident_pages (incident_id, step, person, phone, channels, at,
			held_until, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, step, p.Name, p.Phone, strings.Join(channels, ","),
			at.UnixMilli(), held, p.Reason); err != nil {
			return fmt.Errorf("record page of incident %d: %w", id, err)
		}
		if held != 0 {
			if err := addTimeline(ctx, tx, id, at, "held", "system", p.Reason); err != nil {
				return err
			}
		}
	}
	return nil
}

// Hurry brings the incident's next page forward to now, with why on the
// timeline (kind voice_unanswered, 未接听). An incident already acknowledged
// or resolved only gets the timeline entry: nothing more is paged for it.
func (s *Incidents) Hurry(ctx context.Context, id int64, kind, actor, detail string) error {
	at := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET hurry_at = ?
			WHERE id = ? AND resolved_at = 0 AND acked_at = 0`, at.UnixMilli(), id); err != nil {
			return fmt.Errorf("hurry incident %d: %w", id, err)
		}
		return addTimeline(ctx, tx, id, at, kind, actor, detail)
	})
}

// pageWindow is how far back an SMS reply looks for the page it answers.
const pageWindow = 24 * time.Hour

// LatestPagedTo is the most recent open, unacknowledged incident paged to
// phone in the last day: what a bare "1" by SMS acknowledges.
func (s *Incidents) LatestPagedTo(ctx context.Context, phone string) (Incident, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT p.incident_id FROM incident_pages p JOIN incidents i ON i.id = p.incident_id
		WHERE p.phone = ? AND p.at >= ? AND i.resolved_at = 0 AND i.acked_at = 0
		ORDER BY p.at DESC, p.incident_id DESC LIMIT 1`, phone, s.now().Add(-pageWindow).UnixMilli()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Incident{}, fmt.Errorf("no open incident paged to this phone: %w", ErrNoIncident)
	}
	if err != nil {
		return Incident{}, fmt.Errorf("find the page a reply answers: %w", err)
	}
	return s.Get(ctx, id)
}

// PagedTo reports whether incident id was ever paged or handed to person.
func (s *Incidents) PagedTo(ctx context.Context, id int64, person string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM incident_pages WHERE incident_id = ? AND person = ?`,
		id, person).Scan(&n)
	return n > 0, err
}

// OpenFor lists the open incidents paged or handed over to person, newest
// first: 我的值班's "my open incidents".
func (s *Incidents) OpenFor(ctx context.Context, person string) ([]Incident, error) {
	return s.query(ctx, `SELECT `+incidentCols+` FROM incidents WHERE resolved_at = 0 AND id IN
		(SELECT incident_id FROM incident_pages WHERE person = ?) ORDER BY id DESC LIMIT 200`, person)
}

// Children lists the open incidents held back under root (因上级故障抑制).
func (s *Incidents) Children(ctx context.Context, root int64) ([]Incident, error) {
	return s.query(ctx, `SELECT `+incidentCols+` FROM incidents WHERE suppressed_by = ? AND resolved_at = 0
		ORDER BY id LIMIT 500`, root)
}

func (s *Incidents) query(ctx context.Context, q string, args ...any) ([]Incident, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("incidents: %w", err)
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

// Handover hands an open incident to another roster person (转派): they
// become its assignee and are recorded as paged, so their SMS reply and 我的值班
// find it. The notifier pages them.
func (s *Incidents) Handover(ctx context.Context, id int64, to PagedPerson, actor, reason string) (Incident, error) {
	inc, err := s.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if !inc.Open() {
		return inc, ErrNotOpen
	}
	at := s.now()
	detail := "转派给 " + to.Name
	if reason != "" {
		detail += "：" + reason
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET assignee = ? WHERE id = ?`, to.Name, id); err != nil {
			return fmt.Errorf("hand over incident %d: %w", id, err)
		}
		if err := insertPages(ctx, tx, id, 0, []PagedPerson{to}, nil, at); err != nil {
			return err
		}
		return addTimeline(ctx, tx, id, at, "handover", actor, detail)
	})
	inc.Assignee = to.Name
	return inc, err
}

// ResolveByHand closes an open incident that no recovery will ever close (an
// event-only alert: a trap with no clearing trap), as actor says (标记已恢复).
// The caller makes sure the rule that raised it lets go of it.
func (s *Incidents) ResolveByHand(ctx context.Context, id int64, actor, reason string) (Incident, error) {
	inc, err := s.Get(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if !inc.Open() {
		return inc, ErrNotOpen
	}
	at := s.now()
	detail := "人工标记已恢复"
	if reason != "" {
		detail += "：" + reason
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE incidents SET resolved_at = ? WHERE id = ? AND resolved_at = 0`,
			at.UnixMilli(), id); err != nil {
			return fmt.Errorf("resolve incident %d: %w", id, err)
		}
		return addTimeline(ctx, tx, id, at, "resolved", actor, detail)
	})
	if err != nil {
		return Incident{}, err
	}
	inc.ResolvedAt = time.UnixMilli(at.UnixMilli())
	return inc, nil
}

// HeldPage is a page waiting for a person's quiet hours or digest period.
type HeldPage struct {
	Incident int64
	Person   string
	Channels []string
	Until    time.Time
}

// HeldDue lists the held pages due at now, oldest first.
func (s *Incidents) HeldDue(ctx context.Context, now time.Time) ([]HeldPage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT incident_id, person, channels, held_until FROM incident_pages
		WHERE held_until != 0 AND held_until <= ? ORDER BY held_until, incident_id LIMIT 1000`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("held pages: %w", err)
	}
	defer rows.Close()
	var out []HeldPage
	for rows.Next() {
		var h HeldPage
		var channels string
		var until int64
		if err := rows.Scan(&h.Incident, &h.Person, &channels, &until); err != nil {
			return nil, err
		}
		h.Channels, h.Until = strings.Split(channels, ","), time.UnixMilli(until)
		out = append(out, h)
	}
	return out, rows.Err()
}

// NextHeld is when the next held page is due; ok is false for none.
func (s *Incidents) NextHeld(ctx context.Context) (time.Time, bool) {
	var at sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(held_until) FROM incident_pages WHERE held_until != 0`).Scan(&at); err != nil || !at.Valid {
		return time.Time{}, false
	}
	return time.UnixMilli(at.Int64), true
}

// ReleaseHeld marks person's held pages of the incidents as gone out (or
// dropped, when the incident no longer needs them), with a timeline entry
// on each incident when detail is set.
func (s *Incidents) ReleaseHeld(ctx context.Context, person string, ids []int64, detail string) error {
	at := s.now()
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE incident_pages SET held_until = 0
				WHERE incident_id = ? AND person = ? AND held_until != 0`, id, person); err != nil {
				return fmt.Errorf("release held page of incident %d: %w", id, err)
			}
			if detail != "" {
				if err := addTimeline(ctx, tx, id, at, "notified_held", "system", detail); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
