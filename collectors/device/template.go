package device

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// tmpl is a parsed text with {{...}} variables: a request path or body, or a
// label value. Variables:
//
//	{{param.X}}   the target's param X        {{target}}   the target's name
//	{{raw}}       the value read, as text      {{index}}    the array index or SNMP row index
//	{{item.P}}    gjson path P in the element of an `each` array
//	{{col.C}}     column C of the same SNMP row, as text
//	{{day_start}} {{day_end}} {{now}}         CST times as 2006-01-02T15:04:05+08:00
//	{{date}}      the CST date, 2006-01-02
type tmpl struct {
	src   string
	parts []tpart
}

type tpart struct {
	lit     string
	ns, key string // ns == "": a literal
}

// Variable namespaces and where they may be used.
var (
	nsWithKey    = map[string]bool{"param": true, "item": true, "col": true}
	requestVars  = []string{"param", "target", "day_start", "day_end", "now", "date"}
	labelVars    = []string{"param", "target", "raw", "index", "item", "col"}
	allNamespace = map[string]bool{"param": true, "target": true, "raw": true, "index": true, "item": true,
		"col": true, "day_start": true, "day_end": true, "now": true, "date": true}
)

// parseTmpl splits s into literals and variables.
func parseTmpl(s string) (tmpl, error) {
	t := tmpl{src: s}
	rest := s
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			t.parts = append(t.parts, tpart{lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{lit: rest[:i]})
		}
		j := strings.Index(rest[i:], "}}")
		if j < 0 {
			return tmpl{}, fmt.Errorf("template %q: {{ without }}", s)
		}
		p, err := parseVar(strings.TrimSpace(rest[i+2 : i+j]))
		if err != nil {
			return tmpl{}, fmt.Errorf("template %q: %w", s, err)
		}
		t.parts = append(t.parts, p)
		rest = rest[i+j+2:]
	}
	return t, nil
}

func parseVar(v string) (tpart, error) {
	ns, key, _ := strings.Cut(v, ".")
	switch {
	case !allNamespace[ns]:
		return tpart{}, fmt.Errorf("unknown variable {{%s}}", v)
	case nsWithKey[ns] && key == "":
		return tpart{}, fmt.Errorf("{{%s}} needs a name after the dot", ns)
	case !nsWithKey[ns] && key != "":
		return tpart{}, fmt.Errorf("{{%s}} takes no name", ns)
	}
	return tpart{ns: ns, key: key}, nil
}

// uses reports whether the template uses namespace ns.
func (t tmpl) uses(ns string) bool {
	for _, p := range t.parts {
		if p.ns == ns {
			return true
		}
	}
	return false
}

// checkVars reports a variable outside allowed.
func (t tmpl) checkVars(allowed []string) error {
	for _, p := range t.parts {
		if p.ns == "" {
			continue
		}
		ok := false
		for _, a := range allowed {
			ok = ok || a == p.ns
		}
		if !ok {
			return fmt.Errorf("template %q: {{%s}} cannot be used here", t.src, p.ns)
		}
	}
	return nil
}

// isConst reports whether the template has no variables.
func (t tmpl) isConst() bool {
	for _, p := range t.parts {
		if p.ns != "" {
			return false
		}
	}
	return true
}

// tplEnv holds what variables stand for in one rendering.
type tplEnv struct {
	params map[string]string
	target string
	raw    string
	index  string
	item   func(path string) string
	col    func(id string) string
	now    time.Time
}

// render fills the variables in, each passed through esc (nil: as is).
func (t tmpl) render(env *tplEnv, esc func(string) string) string {
	if len(t.parts) == 1 && t.parts[0].ns == "" {
		return t.parts[0].lit
	}
	var b strings.Builder
	for _, p := range t.parts {
		if p.ns == "" {
			b.WriteString(p.lit)
			continue
		}
		v := env.value(p)
		if esc != nil {
			v = esc(v)
		}
		b.WriteString(v)
	}
	return b.String()
}

func (env *tplEnv) value(p tpart) string {
	day := cst.StartOfDay(env.now)
	switch p.ns {
	case "param":
		return env.params[p.key]
	case "target":
		return env.target
	case "raw":
		return env.raw
	case "index":
		return env.index
	case "item":
		if env.item != nil {
			return env.item(p.key)
		}
	case "col":
		if env.col != nil {
			return env.col(p.key)
		}
	case "day_start":
		return day.Format(time.RFC3339)
	case "day_end":
		return day.Add(24*time.Hour - time.Second).Format(time.RFC3339)
	case "now":
		return env.now.In(cst.Location).Format(time.RFC3339)
	case "date":
		return day.Format(time.DateOnly)
	}
	return ""
}

// jsonEscape makes a value safe inside a JSON string literal of a body.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// pathEscape makes a value safe inside a URL path segment or query value.
func pathEscape(s string) string { return url.PathEscape(s) }
