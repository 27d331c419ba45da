package logstore

import (
	"fmt"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// Matcher tests one label; the language is labelmatch's, shared with alerting.
type Matcher = labelmatch.Matcher

// MatchType is the operator of a label matcher.
type MatchType = labelmatch.Type

// The four operators of PromQL/LogQL selectors.
const (
	MatchEqual     = labelmatch.Equal
	MatchNotEqual  = labelmatch.NotEqual
	MatchRegexp    = labelmatch.Regexp
	MatchNotRegexp = labelmatch.NotRegexp
)

// Bounds on a selector from the network: a regexp is compiled per matcher, so the
// count and size are capped.
const (
	maxSelectorLen = labelmatch.MaxLen
	maxMatchers    = 32
)

// ParseMatchers parses a selector such as
//
//	{district="义马市",kind=~"agent|snmp",severity!="info"}
//
// with labelmatch.Parse ("" or "{}" selects everything; regexps are anchored as
// Prometheus anchors them) and caps the number of matchers.
func ParseMatchers(s string) ([]*Matcher, error) {
	ms, err := labelmatch.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	if len(ms) > maxMatchers {
		return nil, fmt.Errorf("selector: more than %d matchers", maxMatchers)
	}
	return ms, nil
}

// matchLabels reports whether a label set satisfies every matcher.
func matchLabels(ms []*Matcher, ls []labelPair) bool {
	for _, m := range ms {
		v := ""
		for _, l := range ls {
			if l.Name == m.Name {
				v = l.Value
				break
			}
		}
		if !m.Matches(v) {
			return false
		}
	}
	return true
}
