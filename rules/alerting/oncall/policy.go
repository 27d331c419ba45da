package oncall

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Step is one escalation step (升级): After the previous step's time (the
// first step: after the incident first fired), page Rosters' people on duty
// and People over Channels; then page again Repeat more times, After apart.
type Step struct {
	After    time.Duration `yaml:"after"`
	Rosters  []string      `yaml:"rosters,omitempty"`
	People   []string      `yaml:"people,omitempty"`
	Channels []string      `yaml:"channels"`
	Repeat   int           `yaml:"repeat,omitempty"`
}

// Policy is an escalation policy: ordered steps, for incidents at or above
// MinSeverity (empty: all). Call Validate before Due.
type Policy struct {
	Name        string          `yaml:"name"`
	MinSeverity notice.Severity `yaml:"min_severity,omitempty"`
	Steps       []Step          `yaml:"steps"`

	rounds []round // steps expanded by Repeat; the step numbers of Due
}

// round is one page: which Step, and when, counted from the first firing.
type round struct {
	step int
	at   time.Duration
}

// maxRounds bounds the expanded schedule so a typo in repeat costs nothing.
const maxRounds = 100

// Validate checks the policy and expands its schedule.
func (p *Policy) Validate() error {
	if err := p.validate(); err != nil {
		countInvalid("escalation")
		return fmt.Errorf("escalation policy %q: %w", p.Name, err)
	}
	return nil
}

func (p *Policy) validate() error {
	if p.Name == "" {
		return errors.New("name is required")
	}
	if p.MinSeverity != "" && p.MinSeverity.Rank() == 0 {
		return fmt.Errorf("min_severity %q: want critical, major, minor or warning", p.MinSeverity)
	}
	if len(p.Steps) == 0 {
		return errors.New("steps: at least one is required")
	}
	for i, s := range p.Steps {
		if err := s.validate(); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	p.rounds = p.rounds[:0]
	var at time.Duration
	for i, s := range p.Steps {
		for range s.Repeat + 1 {
			at += s.After
			p.rounds = append(p.rounds, round{step: i, at: at})
		}
	}
	if len(p.rounds) > maxRounds {
		return fmt.Errorf("steps with repeats make %d pages, over the %d limit", len(p.rounds), maxRounds)
	}
	return nil
}

func (s Step) validate() error {
	switch {
	case s.After < 0:
		return fmt.Errorf("after %s must not be negative", s.After)
	case s.Repeat < 0 || s.Repeat > maxRounds:
		return fmt.Errorf("repeat %d must be between 0 and %d", s.Repeat, maxRounds)
	case s.Repeat > 0 && s.After == 0:
		return errors.New("repeat needs a positive after")
	case len(s.Rosters)+len(s.People) == 0:
		return errors.New("give rosters or people to page")
	case len(s.Channels) == 0:
		return errors.New("channels: at least one is required")
	}
	return nil
}

// Incident is what escalation needs to know of an incident.
type Incident struct {
	Severity   notice.Severity
	FirstFired time.Time
	Acked      bool // someone acknowledged it: nobody more is paged
	Resolved   bool
	// HurryAt brings the next page forward to this time when it is earlier
	// than the schedule (a voice call nobody answered); zero: no hurry.
	HurryAt time.Time
}

// Due reports whether the incident's next page is due: step is lastStep+1
// (lastStep is the last page already sent, -1 for none). Pages are due at
// the first firing plus the sum of the delays up to them; acknowledged or
// resolved incidents, and those below MinSeverity, never escalate. A caller
// that fell behind calls Due again after each page, so no step is skipped.
func (p *Policy) Due(inc Incident, lastStep int, now time.Time) (step int, due bool) {
	at, ok := p.NextAt(inc, lastStep)
	if !ok {
		return lastStep, false
	}
	return lastStep + 1, !now.Before(at)
}

// NextAt is when the page after lastStep is due; ok is false when no page
// will ever be (acknowledged, resolved, below the floor or no steps left).
func (p *Policy) NextAt(inc Incident, lastStep int) (time.Time, bool) {
	next := lastStep + 1
	switch {
	case inc.Resolved || inc.Acked:
		return time.Time{}, false
	case !p.Covers(inc.Severity):
		return time.Time{}, false
	case next < 0 || next >= len(p.rounds):
		return time.Time{}, false
	}
	at := inc.FirstFired.Add(p.rounds[next].at)
	if !inc.HurryAt.IsZero() && inc.HurryAt.Before(at) {
		at = inc.HurryAt
	}
	return at, true
}

// Covers reports whether the policy pages for severity s.
func (p *Policy) Covers(s notice.Severity) bool {
	return p.MinSeverity == "" || s.Rank() >= p.MinSeverity.Rank()
}

// Pages is the number of pages (steps expanded by their repeats).
func (p *Policy) Pages() int { return len(p.rounds) }

// StepOf is the Step that page sends.
func (p *Policy) StepOf(page int) (Step, bool) {
	if page < 0 || page >= len(p.rounds) {
		return Step{}, false
	}
	return p.Steps[p.rounds[page].step], true
}
