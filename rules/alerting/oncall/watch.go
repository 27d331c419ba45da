package oncall

import (
	"errors"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Watch is a heightened-watch period (重保期, R-A11), e.g. a festival or an
// exam: over [From, To) escalation is faster (Factor scales every delay, or
// Steps replace the policy's), more people are paged on every step, and
// MinSeverity may lower the floor so that minor incidents page as well.
type Watch struct {
	Name         string          `yaml:"name"`
	From         string          `yaml:"from"` // "YYYY-MM-DD HH:MM" Asia/Shanghai
	To           string          `yaml:"to"`
	Reason       string          `yaml:"reason"`
	Factor       float64         `yaml:"factor,omitempty"` // 0 < factor <= 1; 0 keeps the delays
	Steps        []Step          `yaml:"steps,omitempty"`
	ExtraRosters []string        `yaml:"extra_rosters,omitempty"`
	ExtraPeople  []string        `yaml:"extra_people,omitempty"`
	MinSeverity  notice.Severity `yaml:"min_severity,omitempty"`

	from, to time.Time
}

// Validate checks the period and its override.
func (w *Watch) Validate() error {
	if err := w.validate(); err != nil {
		countInvalid("watch")
		return fmt.Errorf("heightened watch %q: %w", w.Name, err)
	}
	return nil
}

func (w *Watch) validate() error {
	var err error
	switch {
	case w.Name == "":
		return errors.New("name is required")
	case w.Reason == "":
		return errors.New("reason is required")
	case w.Factor < 0 || w.Factor > 1:
		return fmt.Errorf("factor %g must be in (0, 1]", w.Factor)
	case w.Factor != 0 && len(w.Steps) > 0:
		return errors.New("give factor or steps, not both")
	case w.MinSeverity != "" && w.MinSeverity.Rank() == 0:
		return fmt.Errorf("min_severity %q: want critical, major, minor or warning", w.MinSeverity)
	}
	if w.from, err = time.ParseInLocation(oncallMinute, w.From, cst.Location); err != nil {
		return fmt.Errorf("from %q: want YYYY-MM-DD HH:MM", w.From)
	}
	if w.to, err = time.ParseInLocation(oncallMinute, w.To, cst.Location); err != nil {
		return fmt.Errorf("to %q: want YYYY-MM-DD HH:MM", w.To)
	}
	if !w.to.After(w.from) {
		return fmt.Errorf("to %s must be after from %s", w.To, w.From)
	}
	for i, s := range w.Steps {
		if err := s.validate(); err != nil {
			return fmt.Errorf("step %d: %w", i+1, err)
		}
	}
	return nil
}

// Active reports whether t falls in the period.
func (w *Watch) Active(t time.Time) bool { return !t.Before(w.from) && t.Before(w.to) }

// Watches are the configured heightened-watch periods, validated.
type Watches []Watch

// ActiveWatch is the period covering t (the first listed, when several
// overlap), or nil.
func (ws Watches) ActiveWatch(t time.Time) *Watch {
	for i := range ws {
		if ws[i].Active(t) {
			return &ws[i]
		}
	}
	return nil
}

// Apply returns the policy as it stands during the watch: scaled or replaced
// steps, the extra rosters and people on every step, and the lower of the two
// severity floors. p itself is not changed; a nil watch returns p.
func (w *Watch) Apply(p *Policy) (*Policy, error) {
	if w == nil {
		return p, nil
	}
	out := &Policy{Name: p.Name + "/" + w.Name, MinSeverity: lowerFloor(p.MinSeverity, w.MinSeverity)}
	steps := w.Steps
	if len(steps) == 0 {
		steps = p.Steps
	}
	for _, s := range steps {
		if w.Factor > 0 && s.After > 0 {
			// Whole seconds, and never zero: a delay that stays a delay.
			s.After = max(time.Duration(float64(s.After)*w.Factor).Round(time.Second), time.Second)
		}
		s.Rosters = append(append([]string(nil), s.Rosters...), w.ExtraRosters...)
		s.People = append(append([]string(nil), s.People...), w.ExtraPeople...)
		out.Steps = append(out.Steps, s)
	}
	return out, out.Validate()
}

// lowerFloor is the more permissive of two severity floors; empty pages all.
func lowerFloor(a, b notice.Severity) notice.Severity {
	if a == "" || b == "" {
		return ""
	}
	if b.Rank() < a.Rank() {
		return b
	}
	return a
}

// Banner is the line the duty page and notifications show during the
// period, e.g. "重保期：春节保障（2027-02-05 08:00:00 至 2027-02-12 20:00:00）".
func (w *Watch) Banner() string {
	return fmt.Sprintf("重保期：%s（%s 至 %s）", w.Reason, cst.FormatTime(w.from), cst.FormatTime(w.to))
}
