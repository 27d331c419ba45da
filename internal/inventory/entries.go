package inventory

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// entry is one target or one link (l set) as a source read it, with a way to
// place a problem about one of its fields (an Excel cell, a YAML line, a JSON
// entry).
type entry struct {
	t     Target
	l     *Link
	where func(field string) Problem
}

// accept normalizes the entries of one source: an entry with any problem is
// reported and skipped, the rest load.
func accept(entries []entry, kinds []string) ([]Target, []Link, []Problem) {
	var out []Target
	var links []Link
	var probs []Problem
	for _, e := range entries {
		var issues []issue
		if e.l != nil {
			var l Link
			l, issues = normalizeLink(*e.l)
			if len(issues) == 0 {
				links = append(links, l)
			}
		} else {
			var t Target
			t, issues = normalize(e.t, kinds)
			if len(issues) == 0 {
				out = append(out, t)
			}
		}
		for _, is := range issues {
			p := e.where(is.Field)
			p.Msg += is.Msg
			probs = append(probs, p)
		}
	}
	return out, links, probs
}

// fieldNames are the keys a YAML or JSON entry may have.
var fieldNames = []string{"name", "kind", "address", "district", "level", "site", "system", "dept", "parent", "labels", "params"}

var yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)

// yamlEntries reads the `targets:` and `links:` lists of one YAML document
// strictly: unknown keys and bad types are problems with their line, and only
// that entry is lost.
func yamlEntries(name string, data []byte) ([]entry, []Problem) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []Problem{yamlErrProblem(name, err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil // an empty file is an empty estate
	}
	targets, links, probs := docLists(name, doc.Content[0])
	var out []entry
	for _, item := range targets {
		e, ps := yamlEntry(name, item)
		probs = append(probs, ps...)
		if ps == nil {
			out = append(out, e)
		}
	}
	for _, item := range links {
		e, ps := yamlLinkEntry(name, item)
		probs = append(probs, ps...)
		if ps == nil {
			out = append(out, e)
		}
	}
	return out, probs
}

func docLists(name string, root *yaml.Node) (targets, links []*yaml.Node, probs []Problem) {
	if root.Kind != yaml.MappingNode {
		return nil, nil, []Problem{{Source: name, Row: root.Line, Msg: "expected a mapping with a `targets:` and/or a `links:` list"}}
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		var list *[]*yaml.Node
		switch k.Value {
		case "targets":
			list = &targets
		case "links":
			list = &links
		default:
			probs = append(probs, Problem{Source: name, Row: k.Line, Msg: fmt.Sprintf("unknown field %q (only `targets:` and `links:` are allowed)", k.Value)})
			continue
		}
		switch {
		case v.Kind == yaml.SequenceNode:
			*list = v.Content
		case v.Tag != "!!null":
			probs = append(probs, Problem{Source: name, Row: v.Line, Msg: k.Value + " must be a list"})
		}
	}
	return targets, links, probs
}

func yamlEntry(name string, item *yaml.Node) (entry, []Problem) {
	var t Target
	where, probs := decodeStrict(name, item, fieldNames, &t)
	t.Source = fmt.Sprintf("%s:%d", name, item.Line)
	return entry{t: t, where: where}, probs
}

// decodeStrict decodes one mapping of a YAML list into out, reporting every
// key not in keys with its line, and returns where a problem about a field
// points (its key's line, else the item's).
func decodeStrict(name string, item *yaml.Node, keys []string, out any) (func(string) Problem, []Problem) {
	lines := map[string]int{}
	var probs []Problem
	if item.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(item.Content); i += 2 {
			k := item.Content[i]
			lines[k.Value] = k.Line
			if !slices.Contains(keys, k.Value) {
				probs = append(probs, Problem{Source: name, Row: k.Line,
					Msg: fmt.Sprintf("unknown field %q (valid: %s)", k.Value, strings.Join(keys, ", "))})
			}
		}
	}
	if err := item.Decode(out); err != nil {
		probs = append(probs, yamlErrProblems(name, item.Line, err)...)
	}
	where := func(field string) Problem {
		if l, ok := lines[field]; ok {
			return Problem{Source: name, Row: l}
		}
		return Problem{Source: name, Row: item.Line}
	}
	return where, probs
}

// yamlErrProblems splits a yaml error into one problem per line it names.
func yamlErrProblems(name string, line int, err error) []Problem {
	var probs []Problem
	if te, ok := err.(*yaml.TypeError); ok {
		for _, s := range te.Errors {
			probs = append(probs, lineProblem(name, line, s))
		}
		return probs
	}
	return []Problem{lineProblem(name, line, strings.TrimPrefix(err.Error(), "yaml: "))}
}

func yamlErrProblem(name string, err error) Problem { return yamlErrProblems(name, 0, err)[0] }

func lineProblem(name string, line int, s string) Problem {
	if m := yamlLine.FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return Problem{Source: name, Row: n, Msg: m[2]}
	}
	return Problem{Source: name, Row: line, Msg: s}
}
