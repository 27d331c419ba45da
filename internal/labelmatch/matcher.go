// Package labelmatch owns the one label-matcher language of SwanWatch:
// `{district="义马市",kind=~"agent|snmp",severity!="info"}`. The log store's query
// API, alert routes, silences, inhibition and event rules all parse it here, so a
// selector means the same wherever an operator writes it.
//
// Regexps follow Prometheus (model/labels): anchored at both ends and compiled with
// the s flag, `^(?s:…)$`, so `.` also matches a newline. Users copy matchers between
// PromQL, Grafana and our config, and a multi-line trap varbind or syslog label
// must match `.*` as it would in Prometheus. (Alertmanager anchors without the s
// flag; the two differ only for values that hold a newline.)
//
// The package does not import github.com/prometheus/prometheus: the log store and
// the collectors must not link it.
package labelmatch

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
)

// Type is the operator of a matcher.
type Type int

// The four operators of PromQL, LogQL and Alertmanager selectors.
const (
	Equal     Type = iota // =
	NotEqual              // !=
	Regexp                // =~
	NotRegexp             // !~
)

var ops = [...]string{"=", "!=", "=~", "!~"}

func (t Type) String() string {
	if t < Equal || t > NotRegexp {
		return "Type(" + strconv.Itoa(int(t)) + ")"
	}
	return ops[t]
}

// Matcher tests one label. A missing label has the value "", as in Prometheus.
type Matcher struct {
	Name  string
	Type  Type
	Value string
	re    *regexp.Regexp // for Regexp and NotRegexp
}

// New checks the label name and compiles a regexp value.
func New(name string, t Type, value string) (*Matcher, error) {
	if !ValidName(name) {
		return nil, fmt.Errorf("invalid label name %q", name)
	}
	if t < Equal || t > NotRegexp {
		return nil, fmt.Errorf("label %s: unknown operator %d", name, t)
	}
	m := &Matcher{Name: name, Type: t, Value: value}
	if t == Regexp || t == NotRegexp {
		re, err := anchored(value)
		if err != nil {
			return nil, fmt.Errorf("label %s: bad regexp %q: %w", name, value, err)
		}
		m.re = re
	}
	return m, nil
}

// anchored compiles value as Prometheus does. The value is parsed on its own
// first: otherwise `a)|(b` would compile as `^(?s:a)|(b)$`, an unanchored
// alternation.
func anchored(value string) (*regexp.Regexp, error) {
	if _, err := syntax.Parse(value, syntax.Perl|syntax.DotNL); err != nil {
		return nil, err
	}
	return regexp.Compile("^(?s:" + value + ")$")
}

// Matches reports whether the label value v satisfies the matcher.
func (m *Matcher) Matches(v string) bool {
	switch m.Type {
	case Equal:
		return v == m.Value
	case NotEqual:
		return v != m.Value
	case Regexp:
		return m.re.MatchString(v)
	default:
		return !m.re.MatchString(v)
	}
}

// String renders the matcher so that Parse reads it back: name, operator and the
// value as a Go double-quoted string.
func (m *Matcher) String() string {
	return m.Name + m.Type.String() + strconv.Quote(m.Value)
}

// ValidName follows the Prometheus rule [a-zA-Z_][a-zA-Z0-9_]*.
func ValidName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		letter := c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}
