package alerting

import (
	"errors"
	"fmt"
	"time"
)

// Silence mutes matching alerts for a while (静默); the alerts still exist and
// are shown, only their notices are held back.
type Silence struct {
	ID        string    `json:"id" yaml:"id"`
	Matchers  Matchers  `json:"matchers" yaml:"matchers"`
	StartsAt  time.Time `json:"starts_at" yaml:"starts_at"`
	EndsAt    time.Time `json:"ends_at" yaml:"ends_at"`
	CreatedBy string    `json:"created_by" yaml:"created_by"`
	Comment   string    `json:"comment" yaml:"comment"`
	ExpiredBy string    `json:"expired_by,omitempty" yaml:"expired_by,omitempty"` // who ended it early
}

// Validate applies Alertmanager's rules: an end after the start, an author,
// and at least one matcher that does not match the empty string (otherwise
// the silence would mute every alert).
func (s *Silence) Validate() error {
	if err := s.validate(); err != nil {
		invalid("silence")
		return fmt.Errorf("silence %s: %w", s.ID, err)
	}
	return nil
}

func (s *Silence) validate() error {
	switch {
	case !s.EndsAt.After(s.StartsAt):
		return errors.New("ends_at must be after starts_at")
	case s.CreatedBy == "":
		return errors.New("created_by is required")
	}
	for _, m := range s.Matchers {
		if !m.Matches("") {
			return nil
		}
	}
	return errors.New("needs at least one matcher that does not match an empty label")
}

// Active reports whether now is in [StartsAt, EndsAt).
func (s *Silence) Active(now time.Time) bool {
	return !now.Before(s.StartsAt) && now.Before(s.EndsAt)
}

// Silenced reports whether the silence mutes the alert at now.
func (s *Silence) Silenced(a Alert, now time.Time) bool {
	return s.Active(now) && s.Matchers.Matches(a.Labels)
}

// SilencedBy returns the IDs of the active silences that mute the alert.
func SilencedBy(silences []Silence, a Alert, now time.Time) []string {
	var ids []string
	for i := range silences {
		if silences[i].Silenced(a, now) {
			ids = append(ids, silences[i].ID)
		}
	}
	return ids
}
