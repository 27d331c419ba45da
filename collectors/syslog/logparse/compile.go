package logparse

import (
	"fmt"
	"regexp"
	"strings"
)

// family is a compiled vendor family.
type family struct {
	vendor       string
	gateContains []string
	gateApps     map[string]bool
	profiles     []*profile
}

// profile is a compiled profile: literals for the prefilter, then the
// extraction, then what the Record says.
type profile struct {
	name, vendor, class, severity string
	apps                          map[string]bool
	contains, unless              []string
	re                            *regexp.Regexp
	groups                        []string // label per subexpression, "" to ignore
	kv                            *kvRule
	set                           [][2]string
	actions                       map[string]string
	classByAction                 map[string]string
	classIfTranslated             string
}

// kvRule is a compiled kvSpec; keys are lower-cased.
type kvRule struct {
	sep, eq, after string
	sepAlt, eqAlt  string // the full-width form Chinese text may use instead
	keys           map[string]string
}

// fullWidth maps ASCII punctuation to the full-width form that Chinese device
// text writes as often as the ASCII one (日志类型：…，源IP：…).
var fullWidth = map[string]string{":": "：", ",": "，", ";": "；", "=": "＝"}

// Limits that keep a hostile or mistaken operator file cheap to refuse.
const (
	maxProfiles = 2000
	maxRegex    = 4096
	maxLiteral  = 256
)

// compileFamily validates one family; where names the file in errors.
func compileFamily(f fileSpec, where string) (*family, error) {
	at := func(line int, format string, a ...any) error {
		return fmt.Errorf("%s: line %d: %s", where, line, fmt.Sprintf(format, a...))
	}
	if !isName(f.Vendor) {
		return nil, at(f.line, "vendor %q: want lower-case letters, digits and '-'", f.Vendor)
	}
	fam := &family{vendor: f.Vendor, gateApps: lowerSet(f.Gate.App)}
	for _, c := range f.Gate.Contains {
		if c == "" || len(c) > maxLiteral {
			return nil, at(f.Gate.line, "gate: empty or overlong literal")
		}
		fam.gateContains = append(fam.gateContains, c)
	}
	if len(fam.gateContains) == 0 && len(fam.gateApps) == 0 {
		return nil, at(f.line, "vendor %s: gate needs contains or app, or every line would enter it", f.Vendor)
	}
	if len(f.Profiles) == 0 {
		return nil, at(f.line, "vendor %s: no profiles", f.Vendor)
	}
	for _, ps := range f.Profiles {
		p, err := compileProfile(ps, f.Vendor)
		if err != nil {
			return nil, at(ps.line, "profile %q: %v", ps.Name, err)
		}
		fam.profiles = append(fam.profiles, p)
	}
	return fam, nil
}

func compileProfile(ps profileSpec, vendor string) (*profile, error) {
	if !isName(ps.Name) {
		return nil, fmt.Errorf("name: want lower-case letters, digits and '-'")
	}
	p := &profile{name: ps.Name, vendor: vendor, apps: lowerSet(ps.App)}
	if len(ps.Contains) == 0 {
		return nil, fmt.Errorf("contains: at least one literal is needed, it is the prefilter that keeps the regexp off other lines")
	}
	for _, list := range [][]string{ps.Contains, ps.Unless} {
		for _, c := range list {
			if c == "" || len(c) > maxLiteral {
				return nil, fmt.Errorf("contains/unless: empty or overlong literal")
			}
		}
	}
	p.contains, p.unless = ps.Contains, ps.Unless
	if err := p.compileClass(ps); err != nil {
		return nil, err
	}
	if err := p.compileActions(ps); err != nil {
		return nil, err
	}
	if err := p.compileRegex(ps.Regex); err != nil {
		return nil, err
	}
	if err := p.compileKV(ps.KV); err != nil {
		return nil, err
	}
	return p, p.compileSet(ps.Set)
}

func (p *profile) compileClass(ps profileSpec) error {
	for _, c := range []string{ps.Class, ps.ClassIfTranslated} {
		if c != "" && !IsClass(c) {
			return fmt.Errorf("class %q is none of %v", c, Classes())
		}
	}
	if ps.Severity != "" && !severities[ps.Severity] {
		return fmt.Errorf("severity %q: want critical, major, warning or info", ps.Severity)
	}
	p.class, p.classIfTranslated, p.severity = ps.Class, ps.ClassIfTranslated, ps.Severity
	p.classByAction = map[string]string{}
	for a, c := range ps.ClassByAction {
		if !actionWords[a] || !IsClass(c) {
			return fmt.Errorf("class_by_action %s: %s: want an action (permit, deny, drop, reset, alert, block) and a class", a, c)
		}
		p.classByAction[a] = c
	}
	return nil
}

func (p *profile) compileActions(ps profileSpec) error {
	p.actions = map[string]string{}
	for k, v := range ps.Actions {
		if !actionWords[v] {
			return fmt.Errorf("actions %s: %q is not permit, deny, drop, reset, alert or block", k, v)
		}
		p.actions[strings.ToLower(k)] = v
	}
	return nil
}

func (p *profile) compileRegex(src string) error {
	if src == "" {
		return nil
	}
	if len(src) > maxRegex {
		return fmt.Errorf("regex longer than %d bytes", maxRegex)
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return fmt.Errorf("regex: %v", err)
	}
	p.re, p.groups = re, re.SubexpNames()
	for _, g := range p.groups[1:] {
		if g != "" && !IsLabel(g) && g != severityTarget {
			return fmt.Errorf("regex group %q is no label of docs/logs.md", g)
		}
	}
	return nil
}

func (p *profile) compileKV(k *kvSpec) error {
	if k == nil {
		return nil
	}
	if k.Sep == "" || k.Eq == "" || len(k.Keys) == 0 {
		return fmt.Errorf("kv: sep, eq and keys are all needed")
	}
	p.kv = &kvRule{sep: k.Sep, eq: k.Eq, after: k.After, sepAlt: fullWidth[k.Sep], eqAlt: fullWidth[k.Eq],
		keys: map[string]string{}}
	for key, label := range k.Keys {
		if !IsLabel(label) && label != severityTarget {
			return fmt.Errorf("kv key %s: %q is no label of docs/logs.md", key, label)
		}
		if key == "" || len(key) > maxLiteral {
			return fmt.Errorf("kv: empty or overlong key")
		}
		p.kv.keys[strings.ToLower(key)] = label
	}
	return nil
}

func (p *profile) compileSet(set map[string]string) error {
	for label, v := range set {
		if !IsLabel(label) {
			return fmt.Errorf("set %s: no label of docs/logs.md", label)
		}
		n := normalField(label, v, p.actions)
		if n == "" {
			return fmt.Errorf("set %s: %q is not a valid value for it", label, v)
		}
		p.set = append(p.set, [2]string{label, n})
	}
	return nil
}

func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func lowerSet(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		if x != "" {
			m[strings.ToLower(x)] = true
		}
	}
	return m
}
