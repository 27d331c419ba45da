package logstore

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// MatchType is the operator of a label matcher.
type MatchType int

// The four operators of PromQL/LogQL selectors.
const (
	MatchEqual     MatchType = iota // =
	MatchNotEqual                   // !=
	MatchRegexp                     // =~
	MatchNotRegexp                  // !~
)

var matchOps = [...]string{"=", "!=", "=~", "!~"}

func (t MatchType) String() string { return matchOps[t] }

// Matcher tests one label. A missing label has the value "", as in Prometheus.
type Matcher struct {
	Name  string
	Type  MatchType
	Value string
	re    *regexp.Regexp
}

// Matches reports whether v satisfies the matcher.
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

// Bounds on a selector from the network: a regexp is compiled per matcher, so the
// count and size are capped.
const (
	maxSelectorLen = 4096
	maxMatchers    = 32
)

// ParseMatchers parses a selector such as
//
//	{district="义马市",kind=~"agent|snmp",severity!="info"}
//
// The braces are optional and "" or "{}" selects everything. Values are Go/PromQL
// strings in double quotes, single quotes or backticks; regexps are anchored at both
// ends as Prometheus anchors them.
func ParseMatchers(s string) ([]*Matcher, error) {
	if len(s) > maxSelectorLen {
		return nil, fmt.Errorf("selector longer than %d bytes", maxSelectorLen)
	}
	p := &selParser{s: strings.TrimSpace(s)}
	if strings.HasPrefix(p.s, "{") {
		if !strings.HasSuffix(p.s, "}") {
			return nil, errors.New("selector: missing closing brace")
		}
		p.s = p.s[1 : len(p.s)-1]
	}
	return p.parse()
}

type selParser struct {
	s   string
	pos int
}

func (p *selParser) parse() ([]*Matcher, error) {
	var ms []*Matcher
	for {
		p.skipSpace()
		if p.pos == len(p.s) {
			return ms, nil
		}
		if len(ms) == maxMatchers {
			return nil, fmt.Errorf("selector: more than %d matchers", maxMatchers)
		}
		m, err := p.matcher()
		if err != nil {
			return nil, fmt.Errorf("selector at offset %d: %w", p.pos, err)
		}
		ms = append(ms, m)
		p.skipSpace()
		if p.pos == len(p.s) {
			return ms, nil
		}
		if p.s[p.pos] != ',' {
			return nil, fmt.Errorf("selector at offset %d: expected ',' or end, got %q", p.pos, p.s[p.pos])
		}
		p.pos++
	}
}

func (p *selParser) matcher() (*Matcher, error) {
	name := p.name()
	if !validLabelName(name) {
		return nil, fmt.Errorf("invalid label name %q", name)
	}
	p.skipSpace()
	typ, err := p.op()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	val, err := p.str()
	if err != nil {
		return nil, err
	}
	m := &Matcher{Name: name, Type: typ, Value: val}
	if typ == MatchRegexp || typ == MatchNotRegexp {
		if m.re, err = regexp.Compile("^(?s:" + val + ")$"); err != nil {
			return nil, fmt.Errorf("label %s: bad regexp: %w", name, err)
		}
	}
	return m, nil
}

func (p *selParser) name() string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			break
		}
		p.pos++
	}
	return p.s[start:p.pos]
}

func (p *selParser) op() (MatchType, error) {
	rest := p.s[p.pos:]
	for _, t := range []MatchType{MatchRegexp, MatchNotRegexp, MatchNotEqual, MatchEqual} {
		if strings.HasPrefix(rest, t.String()) {
			p.pos += len(t.String())
			return t, nil
		}
	}
	return 0, errors.New("expected one of =, !=, =~, !~")
}

// str reads a quoted string and unquotes it with Go's rules, as PromQL does.
func (p *selParser) str() (string, error) {
	if p.pos >= len(p.s) {
		return "", errors.New("expected a quoted value")
	}
	q := p.s[p.pos]
	if q != '"' && q != '\'' && q != '`' {
		return "", fmt.Errorf("expected a quoted value, got %q", q)
	}
	end := p.pos + 1
	for ; end < len(p.s) && p.s[end] != q; end++ {
		if p.s[end] == '\\' && q != '`' {
			end++
		}
	}
	if end >= len(p.s) {
		return "", errors.New("unterminated string")
	}
	raw := p.s[p.pos : end+1]
	p.pos = end + 1
	if q == '\'' { // Go has no single-quoted strings: re-quote the body
		raw = `"` + strings.ReplaceAll(strings.ReplaceAll(raw[1:len(raw)-1], `\'`, `'`), `"`, `\"`) + `"`
	}
	v, err := strconv.Unquote(raw)
	if err != nil {
		return "", fmt.Errorf("bad string %s: %w", raw, err)
	}
	return v, nil
}

func (p *selParser) skipSpace() {
	for p.pos < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
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
