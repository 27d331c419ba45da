package sla

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"maps"
	"slices"
	"time"
	"unicode/utf8"
)

// monthHasher computes a month's InputSHA256 without holding its days: it
// hashes the same bytes canonicalSum would, one day at a time ("[", each
// day's canonical JSON separated by ",", "]"), then the incidents, if any.
// The days must be added in canonical order; it refuses any other.
type monthHasher struct {
	h    hash.Hash
	n    int
	prev Day // keys of the last day added
}

func newMonthHasher() *monthHasher {
	h := sha256.New()
	h.Write([]byte("["))
	return &monthHasher{h: h}
}

// add hashes the next day, which must come after the previous one.
func (m *monthHasher) add(d Day) error {
	if m.n > 0 && compareDays(m.prev, d) >= 0 {
		return fmt.Errorf("day %s/%s/%s out of canonical order", d.SLI, d.Entity, d.Date)
	}
	c := normalizeDay(d, time.Time{})
	c.ClosedAt = time.Time{}
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode day: %w", err)
	}
	if m.n > 0 {
		m.h.Write([]byte(","))
	}
	m.h.Write(b)
	m.n++
	m.prev = Day{SLI: d.SLI, Entity: d.Entity, Date: d.Date}
	return nil
}

// sum closes the days' array and hashes the incidents (already normalised):
// "\n" and their JSON, only when there are any, so that a month without
// incidents keeps the checksum it had before incidents were frozen.
func (m *monthHasher) sum(incidents []IncidentRecord) (string, error) {
	m.h.Write([]byte("]"))
	if len(incidents) > 0 {
		b, err := json.Marshal(incidents)
		if err != nil {
			return "", fmt.Errorf("encode incidents: %w", err)
		}
		m.h.Write([]byte("\n"))
		m.h.Write(b)
	}
	return hex.EncodeToString(m.h.Sum(nil)), nil
}

// maxIncidentText bounds an incident's strings, in bytes: a title or a
// label longer than this is a bug upstream, not an incident.
const maxIncidentText = 4096

// normalizeIncidents copies incidents sorted by ID with times in UTC at
// millisecond precision (zero times stay zero) and no empty label map, so
// what is frozen is what is read back; it refuses duplicate IDs and text
// that is not UTF-8 or too long.
func normalizeIncidents(in []IncidentRecord) ([]IncidentRecord, error) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make([]IncidentRecord, len(in))
	for i, r := range in {
		if err := checkIncident(r); err != nil {
			return nil, fmt.Errorf("%w: incident %d: %w", ErrInvalidIncident, r.ID, err)
		}
		r.FirstFired, r.AckedAt, r.ResolvedAt = utcMilli(r.FirstFired), utcMilli(r.AckedAt), utcMilli(r.ResolvedAt)
		r.Labels = maps.Clone(r.Labels)
		if len(r.Labels) == 0 {
			r.Labels = nil
		}
		out[i] = r
	}
	slices.SortFunc(out, func(a, b IncidentRecord) int { return cmp.Compare(a.ID, b.ID) })
	for i := 1; i < len(out); i++ {
		if out[i].ID == out[i-1].ID {
			return nil, fmt.Errorf("%w: incident %d listed twice", ErrInvalidIncident, out[i].ID)
		}
	}
	return out, nil
}

func checkIncident(r IncidentRecord) error {
	texts := []string{r.Alertname, r.Severity, r.Title, r.AckedBy}
	for k, v := range r.Labels {
		texts = append(texts, k, v)
	}
	for _, s := range texts {
		if len(s) > maxIncidentText || !utf8.ValidString(s) {
			return fmt.Errorf("text %.64q longer than %d bytes or not UTF-8", s, maxIncidentText)
		}
	}
	return nil
}

// utcMilli is t in UTC at the millisecond precision the ledger keeps; the
// zero time stays zero (it means "not yet" and is left out of the JSON).
func utcMilli(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.UnixMilli(t.UnixMilli()).UTC()
}
