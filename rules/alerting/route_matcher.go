package alerting

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"go.yaml.in/yaml/v3"
)

// MatchType is the operator of a label matcher.
type MatchType int

// The four operators, as in PromQL and Alertmanager.
const (
	MatchEqual     MatchType = iota // =
	MatchNotEqual                   // !=
	MatchRegexp                     // =~
	MatchNotRegexp                  // !~
)

var matchOps = [...]string{"=", "!=", "=~", "!~"}

func (t MatchType) String() string { return matchOps[t] }

// Matcher tests one label. Regexps are anchored (the whole value must match),
// like Alertmanager's, so `severity=~"major"` does not match "majority".
type Matcher struct {
	Name  string
	Type  MatchType
	Value string
	re    *regexp.Regexp
}

// NewMatcher checks the label name and compiles a regexp value.
func NewMatcher(name string, t MatchType, value string) (*Matcher, error) {
	if !labelName.MatchString(name) {
		return nil, fmt.Errorf("invalid label name %q", name)
	}
	m := &Matcher{Name: name, Type: t, Value: value}
	if t == MatchRegexp || t == MatchNotRegexp {
		re, err := regexp.Compile("^(?:" + value + ")$")
		if err != nil {
			return nil, fmt.Errorf("label %s: bad regexp %q: %w", name, value, err)
		}
		m.re = re
	}
	return m, nil
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Matches tests a label value; a missing label is the empty string.
func (m *Matcher) Matches(v string) bool {
	switch m.Type {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegexp:
		return m.re.MatchString(v)
	default:
		return !m.re.MatchString(v)
	}
}

func (m *Matcher) String() string {
	return m.Name + m.Type.String() + strconv.Quote(m.Value)
}

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
