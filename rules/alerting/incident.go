package alerting

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// Incident is an alert's life from first firing to resolution, with who
// acknowledged it and when: the evidence behind MTTA and MTTR (R-A4, R-A11).
type Incident struct {
	ID             int64             `json:"id"`
	Fingerprint    string            `json:"fingerprint"`
	Alertname      string            `json:"alertname"`
	Severity       Severity          `json:"severity"`
	Labels         map[string]string `json:"labels"`
	Annotations    map[string]string `json:"annotations"`
	FirstFired     time.Time         `json:"first_fired"`
	LastSeen       time.Time         `json:"last_seen"`
	AckedBy        string            `json:"acked_by,omitempty"`
	AckedAt        time.Time         `json:"acked_at,omitzero"`
	EscalationStep int               `json:"escalation_step"`
	ResolvedAt     time.Time         `json:"resolved_at,omitzero"`
	SuppressedBy   int64             `json:"suppressed_by,omitempty"` // root incident id
	SuppressReason string            `json:"suppress_reason,omitempty"`
	// HurryAt: the next escalation page is due now, not at its scheduled time
	// (a voice call nobody answered); zero: the schedule alone.
	HurryAt  time.Time `json:"hurry_at,omitzero"`
	Assignee string    `json:"assignee,omitempty"` // the roster person it was handed over to (转派)
	// NotifyState is what the notifier has announced: NotifyNone, NotifyFiring, NotifyDone.
	NotifyState int `json:"-"`
}

// What the notifier has announced of an incident (incidents.notify_state).
const (
	NotifyNone   = 0 // nothing yet
	NotifyFiring = 1 // the firing; the resolution is owed
	NotifyDone   = 2 // the resolution, or nothing is owed
)

// Open reports whether the incident is still going on.
func (i Incident) Open() bool { return i.ResolvedAt.IsZero() }

// MTTA is the time to acknowledgement; ok is false until someone acknowledged.
func (i Incident) MTTA() (time.Duration, bool) {
	if i.AckedAt.IsZero() {
		return 0, false
	}
	return i.AckedAt.Sub(i.FirstFired), true
}

// MTTR is the time to resolution; ok is false while the incident is open.
func (i Incident) MTTR() (time.Duration, bool) {
	if i.ResolvedAt.IsZero() {
		return 0, false
	}
	return i.ResolvedAt.Sub(i.FirstFired), true
}

// TimelineEntry is one thing that happened to an incident.
type TimelineEntry struct {
	At     time.Time `json:"at"`
	Kind   string    `json:"kind"`  // fired, acked, escalated, notify_attempt, notify_retry, notified, notify_failed, resolved, note, suppressed, unsuppressed, silenced
	Actor  string    `json:"actor"` // user name or "system"
	Detail string    `json:"detail"`
}

// Errors of the incident store.
var (
	ErrNoIncident   = errors.New("no such incident")
	ErrNotOpen      = errors.New("incident is already resolved")
	ErrAlreadyAcked = errors.New("incident is already acknowledged")
)

// Incidents is the incident store over the state database.
type Incidents struct {
	db  *sql.DB
	now func() time.Time

	decoded decodeCache // Pending's decoded labels and annotations
}

// NewIncidents opens the store; now may be nil (time.Now).
func NewIncidents(db *statestore.DB, now func() time.Time) *Incidents {
	if now == nil {
		now = time.Now
	}
	return &Incidents{db: db.SQL(), now: now}
}

const incidentCols = `id, fingerprint, alertname, severity, labels, annotations, first_fired, last_seen,
	acked_by, acked_at, escalation_step, resolved_at, suppressed_by, suppress_reason, notify_state, hurry_at, assignee`

func scanIncident(row interface{ Scan(...any) error }) (Incident, error) {
	var i Incident
	var labels, annotations string
	var t incidentTimes
	if err := row.Scan(i.columns(&labels, &annotations, &t)...); err != nil {
		return i, err
	}
	t.set(&i)
	if err := json.Unmarshal([]byte(labels), &i.Labels); err != nil {
		return i, fmt.Errorf("incident %d labels: %w", i.ID, err)
	}
	if err := json.Unmarshal([]byte(annotations), &i.Annotations); err != nil {
		return i, fmt.Errorf("incident %d annotations: %w", i.ID, err)
	}
	return i, nil
}

// incidentTimes are the columns stored as unix milliseconds.
type incidentTimes struct{ first, last, acked, resolved, hurry int64 }

// columns are the Scan destinations of incidentCols, in its order; the JSON
// columns go to labels and annotations (a string or sql.RawBytes).
func (i *Incident) columns(labels, annotations any, t *incidentTimes) []any {
	return []any{&i.ID, &i.Fingerprint, &i.Alertname, &i.Severity, labels, annotations, &t.first, &t.last,
		&i.AckedBy, &t.acked, &i.EscalationStep, &t.resolved, &i.SuppressedBy, &i.SuppressReason, &i.NotifyState,
		&t.hurry, &i.Assignee}
}

func (t incidentTimes) set(i *Incident) {
	i.FirstFired, i.LastSeen = time.UnixMilli(t.first), time.UnixMilli(t.last)
	i.AckedAt, i.ResolvedAt, i.HurryAt = fromMilli(t.acked), fromMilli(t.resolved), fromMilli(t.hurry)
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}
