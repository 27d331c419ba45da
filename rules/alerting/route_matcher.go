package alerting

import (
	"fmt"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// The matcher language (parser, anchoring, semantics) is labelmatch's, shared
// with the log store.

// Matcher tests one label. Regexps are anchored (the whole value must match) and
// `.` matches a newline, as in Prometheus: `severity=~"major"` does not match
// "majority".
type Matcher = labelmatch.Matcher

// Matchers is a conjunction: all must match.
type Matchers []*Matcher

// Matches reports whether every matcher accepts the labels.
func (ms Matchers) Matches(labels map[string]string) bool {
	for _, m := range ms {
		if !m.Matches(labels[m.Name]) {
			return false
		}
	}
	return true
}

func (ms Matchers) String() string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// UnmarshalYAML accepts a selector string (`'{a="b"}'`) or a list of matcher
// strings (`["a=b", "c=~d|e"]`), the two forms Alertmanager configs use.
func (ms *Matchers) UnmarshalYAML(n *yaml.Node) error {
	var parts []string
	if n.Kind == yaml.ScalarNode {
		parts = []string{n.Value}
	} else if err := n.Decode(&parts); err != nil {
		return fmt.Errorf("matchers: %w", err)
	}
	var all Matchers
	for _, p := range parts {
		got, err := ParseMatchers(p)
		if err != nil {
			return err
		}
		all = append(all, got...)
	}
	*ms = all
	return nil
}

// invalid counts rejected configuration by kind (matcher, route, silence,
// maintenance, topology, inhibit); the kinds are a fixed set.
func invalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="` + kind + `"}`).Inc()
}

// MarshalText renders the selector form, so JSON stores `{a="b"}`.
func (ms Matchers) MarshalText() ([]byte, error) { return []byte(ms.String()), nil }

// UnmarshalText parses the selector form.
func (ms *Matchers) UnmarshalText(b []byte) error {
	got, err := ParseMatchers(string(b))
	if err != nil {
		return err
	}
	*ms = got
	return nil
}
