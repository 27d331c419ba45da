package labelmatch

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxLen bounds what Parse reads: selectors come from operators and from query
// strings, never megabytes, and every regexp in one is compiled.
const MaxLen = 4096

// Parse reads a selector such as
//
//	{district="义马市", kind=~"agent|snmp", severity!="info"}
//
// The braces are optional; "" and "{}" select everything; a trailing comma is
// allowed. A value is a double-quoted or single-quoted string with Go escapes
// (as in PromQL), a backquoted raw string, or a bare word up to the next comma
// (as Alertmanager's `matchers:` lists allow: `severity=~critical|major`).
func Parse(s string) ([]*Matcher, error) {
	if len(s) > MaxLen {
		return nil, fmt.Errorf("selector longer than %d bytes", MaxLen)
	}
	body := strings.TrimSpace(s)
	if strings.HasPrefix(body, "{") {
		if len(body) < 2 || !strings.HasSuffix(body, "}") {
			return nil, errors.New("missing closing brace")
		}
		body = body[1 : len(body)-1]
	}
	p := &parser{s: body}
	return p.selector()
}

// parser walks one selector body (without braces).
type parser struct {
	s   string
	pos int
}

func (p *parser) selector() ([]*Matcher, error) {
	var ms []*Matcher
	for p.skipSpace(); !p.done(); p.skipSpace() {
		start := p.pos
		m, err := p.matcher()
		if err != nil {
			return nil, fmt.Errorf("at offset %d: %w", start, err)
		}
		ms = append(ms, m)
		if p.skipSpace(); p.done() {
			break
		}
		if p.s[p.pos] != ',' {
			return nil, fmt.Errorf("expected ',' at %q", Clip(p.s[p.pos:]))
		}
		p.pos++
	}
	return ms, nil
}

// matcher reads `name op value`.
func (p *parser) matcher() (*Matcher, error) {
	start := p.pos
	for !p.done() && !strings.ContainsRune("=!~, \t\r\n", rune(p.s[p.pos])) {
		p.pos++
	}
	name := p.s[start:p.pos]
	p.skipSpace()
	if name == "" || p.done() || (p.s[p.pos] != '=' && p.s[p.pos] != '!') {
		return nil, fmt.Errorf("expected name and operator at %q", Clip(p.s[start:]))
	}
	op, err := p.op()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	value, err := p.value()
	if err != nil {
		return nil, fmt.Errorf("label %s: %w", name, err)
	}
	return New(name, op, value)
}

func (p *parser) op() (Type, error) {
	rest := p.s[p.pos:]
	for _, t := range []Type{Regexp, NotRegexp, NotEqual, Equal} { // two-byte operators first
		if strings.HasPrefix(rest, t.String()) {
			p.pos += len(t.String())
			return t, nil
		}
	}
	return 0, fmt.Errorf("bad operator at %q", Clip(rest))
}

func (p *parser) value() (string, error) {
	if !p.done() && strings.IndexByte("\"'`", p.s[p.pos]) >= 0 {
		return p.quoted()
	}
	end := strings.IndexByte(p.s[p.pos:], ',')
	if end < 0 {
		end = len(p.s) - p.pos
	}
	v := strings.TrimSpace(p.s[p.pos : p.pos+end])
	if strings.ContainsAny(v, "\"{}") {
		return "", fmt.Errorf("bad bare value %q", Clip(v))
	}
	p.pos += end
	return v, nil
}

// quoted reads a string up to its closing quote and unquotes it.
func (p *parser) quoted() (string, error) {
	q := p.s[p.pos]
	end := p.pos + 1
	for ; end < len(p.s) && p.s[end] != q; end++ {
		if p.s[end] == '\\' && q != '`' {
			end++
		}
	}
	if end >= len(p.s) {
		return "", fmt.Errorf("unterminated or bad quoted value %q", Clip(p.s[p.pos:]))
	}
	raw := p.s[p.pos : end+1]
	p.pos = end + 1
	v, err := unquote(raw)
	if err != nil {
		return "", fmt.Errorf("bad quoted value %q: %w", Clip(raw), err)
	}
	return v, nil
}

// unquote follows strconv.Unquote and extends it, as PromQL does, to
// single-quoted strings of any length (Go allows one rune between them).
func unquote(raw string) (string, error) {
	q := raw[0]
	if q == '`' {
		return strconv.Unquote(raw)
	}
	body := raw[1 : len(raw)-1]
	var b strings.Builder
	for body != "" {
		if body[0] == '\n' {
			return "", errors.New("newline in string")
		}
		r, multibyte, tail, err := strconv.UnquoteChar(body, q)
		if err != nil {
			return "", err
		}
		if r < utf8.RuneSelf || !multibyte {
			b.WriteByte(byte(r))
		} else {
			b.WriteRune(r)
		}
		body = tail
	}
	return b.String(), nil
}

func (p *parser) done() bool { return p.pos >= len(p.s) }

func (p *parser) skipSpace() {
	for !p.done() && strings.IndexByte(" \t\r\n", p.s[p.pos]) >= 0 {
		p.pos++
	}
}

// Clip keeps an error message short when its input is long: at most 64
// bytes, cut at a character boundary so Chinese text stays whole.
func Clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	n := 64
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
