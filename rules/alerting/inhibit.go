package alerting

import (
	"errors"
	"fmt"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// ReasonInhibited marks an alert muted by a classic inhibit rule.
const ReasonInhibited = "被抑制"

// InhibitRule is Alertmanager's inhibit_rules entry: while an alert matching
// Source fires, alerts matching Target with the same values of the Equal
// labels are suppressed. An alert never inhibits itself
// (https://prometheus.io/docs/alerting/latest/configuration/#inhibit_rule).
type InhibitRule struct {
	Source Matchers `yaml:"source_matchers"`
	Target Matchers `yaml:"target_matchers"`
	Equal  []string `yaml:"equal,omitempty"`
}

// Validate rejects rules that would mute everything or name bad labels.
func (r InhibitRule) Validate() error {
	err := r.validate()
	if err != nil {
		invalid("inhibit")
		return fmt.Errorf("inhibit rule: %w", err)
	}
	return nil
}

func (r InhibitRule) validate() error {
	if len(r.Source) == 0 || len(r.Target) == 0 {
		return errors.New("source_matchers and target_matchers are both required")
	}
	for _, l := range r.Equal {
		if !labelmatch.ValidName(l) {
			return fmt.Errorf("equal: invalid label name %q", l)
		}
	}
	return nil
}

// inhibits reports whether the firing source alert mutes target under r;
// a missing Equal label counts as empty on both sides, as in Alertmanager.
func (r InhibitRule) inhibits(source, target Alert) bool {
	if !source.Firing || source.Fingerprint == target.Fingerprint {
		return false
	}
	if !r.Source.Matches(source.Labels) || !r.Target.Matches(target.Labels) {
		return false
	}
	for _, l := range r.Equal {
		if source.Labels[l] != target.Labels[l] {
			return false
		}
	}
	return true
}

// Inhibit applies the topology inhibitor (nil: none) and then the classic
// rules to the current alerts; every alert comes back, in input order, with
// the first reason that suppresses it.
func Inhibit(alerts []Alert, topo *TopologyInhibitor, rules []InhibitRule) []Marked {
	var out []Marked
	if topo != nil {
		out = topo.Mark(alerts)
	} else {
		out = make([]Marked, len(alerts))
		for i, a := range alerts {
			out[i] = Marked{Alert: a}
		}
	}
	for i := range out {
		if !out[i].Suppressed {
			out[i] = markByRules(out[i], alerts, rules)
		}
	}
	return out
}

func markByRules(m Marked, alerts []Alert, rules []InhibitRule) Marked {
	for _, r := range rules {
		if !r.Target.Matches(m.Alert.Labels) {
			continue
		}
		for _, src := range alerts {
			if r.inhibits(src, m.Alert) {
				return Marked{Alert: m.Alert, Suppressed: true, Reason: ReasonInhibited, By: src.Fingerprint}
			}
		}
	}
	return m
}
