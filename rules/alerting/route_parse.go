package alerting

import (
	"fmt"
	"strconv"
	"strings"
)

// maxMatcherInput bounds what ParseMatchers reads: selectors come from
// operators (config, silence forms), never megabytes.
const maxMatcherInput = 4096

// ParseMatchers parses `{district="灵宝市",severity=~"critical|major"}`; the
// braces are optional, values may be double-quoted (Go escapes) or bare.
func ParseMatchers(s string) (Matchers, error) {
	ms, err := parseMatchers(s)
	if err != nil {
		invalid("matcher")
		return nil, fmt.Errorf("parse matchers %q: %w", clip(s), err)
	}
	return ms, nil
}

func parseMatchers(s string) (Matchers, error) {
	if len(s) > maxMatcherInput {
		return nil, fmt.Errorf("longer than %d bytes", maxMatcherInput)
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "{") {
		if !strings.HasSuffix(s, "}") || len(s) < 2 {
			return nil, fmt.Errorf("missing closing brace")
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	var ms Matchers
	for s != "" {
		m, rest, err := parseOne(s)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
		s = strings.TrimSpace(rest)
		if s == "" {
			break
		}
		if s[0] != ',' {
			return nil, fmt.Errorf("expected ',' at %q", clip(s))
		}
		s = strings.TrimSpace(s[1:])
	}
	return ms, nil
}

// parseOne reads `name op value` from the front of s and returns the rest.
func parseOne(s string) (*Matcher, string, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return nil, "", fmt.Errorf("expected name and operator at %q", clip(s))
	}
	name := strings.TrimSpace(s[:i])
	op, rest, err := parseOp(s[i:])
	if err != nil {
		return nil, "", err
	}
	value, rest, err := parseValue(strings.TrimSpace(rest))
	if err != nil {
		return nil, "", fmt.Errorf("label %s: %w", name, err)
	}
	m, err := NewMatcher(name, op, value)
	return m, rest, err
}

func parseOp(s string) (MatchType, string, error) {
	for _, t := range []MatchType{MatchRegexp, MatchNotRegexp, MatchNotEqual, MatchEqual} {
		if strings.HasPrefix(s, t.String()) {
			return t, s[len(t.String()):], nil
		}
	}
	return 0, "", fmt.Errorf("bad operator at %q", clip(s))
}

// parseValue reads a quoted string (up to its closing quote) or a bare word
// (up to the next comma).
func parseValue(s string) (string, string, error) {
	if !strings.HasPrefix(s, `"`) {
		end := strings.IndexByte(s, ',')
		if end < 0 {
			end = len(s)
		}
		v := strings.TrimSpace(s[:end])
		if strings.ContainsAny(v, `"{}`) {
			return "", "", fmt.Errorf("bad bare value %q", clip(v))
		}
		return v, s[end:], nil
	}
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		return "", "", fmt.Errorf("unterminated or bad quoted value %q", clip(s))
	}
	v, err := strconv.Unquote(q)
	if err != nil {
		return "", "", fmt.Errorf("bad quoted value %q: %w", clip(q), err)
	}
	return v, s[len(q):], nil
}

// clip keeps error strings short when the input is long.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
