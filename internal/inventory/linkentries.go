package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// linkKeys are the keys of a link in YAML and JSON; endKeys those of an end.
var (
	linkKeys = []string{"name", "level", "district", "a", "b", "bandwidth", "group", "isp", "ipv4", "ipv6", "labels"}
	endKeys  = []string{"device", "interface"}
)

// yamlLinkEntry reads one item of a `links:` list strictly, down into its ends.
func yamlLinkEntry(name string, item *yaml.Node) (entry, []Problem) {
	lines := map[string]int{}
	probs := yamlKeys(name, item, "", linkKeys, lines)
	for _, end := range []string{"a", "b"} {
		if n := mapValue(item, end); n != nil {
			probs = append(probs, yamlKeys(name, n, end+"_", endKeys, lines)...)
		}
	}
	var l Link
	if err := item.Decode(&l); err != nil {
		probs = append(probs, yamlErrProblems(name, item.Line, err)...)
	}
	l.Source = fmt.Sprintf("%s:%d", name, item.Line)
	where := func(field string) Problem {
		if ln, ok := lines[field]; ok {
			return Problem{Source: name, Row: ln}
		}
		if end, _, ok := strings.Cut(field, "_"); ok && (end == "a" || end == "b") {
			if ln, ok := lines[end]; ok {
				return Problem{Source: name, Row: ln} // the end's line when its key is missing
			}
		}
		return Problem{Source: name, Row: item.Line}
	}
	return entry{l: &l, where: where}, probs
}

// yamlKeys records the line of each key of a mapping (as prefix+key) and
// reports the keys that are not in valid.
func yamlKeys(name string, n *yaml.Node, prefix string, valid []string, lines map[string]int) []Problem {
	if n.Kind != yaml.MappingNode {
		return nil // Decode reports the wrong shape with its line
	}
	var probs []Problem
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		lines[prefix+k.Value] = k.Line
		if !slices.Contains(valid, k.Value) {
			probs = append(probs, Problem{Source: name, Row: k.Line,
				Msg: fmt.Sprintf("unknown field %q (valid: %s)", k.Value, strings.Join(valid, ", "))})
		}
	}
	return probs
}

// mapValue returns the value of key in mapping n, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// jsonLinkEntries decodes the export's `links` list strictly, one entry at a time.
func jsonLinkEntries(src string, raws []json.RawMessage) ([]entry, []Problem) {
	var out []entry
	var probs []Problem
	for i, raw := range raws {
		at := fmt.Sprintf("links[%d]", i)
		var l Link
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			probs = append(probs, Problem{Source: src, Msg: fmt.Sprintf("%s: %v", at, err)})
			continue
		}
		l.Source = src + "#" + at
		out = append(out, entry{l: &l, where: func(string) Problem {
			return Problem{Source: src, Msg: fmt.Sprintf("%s (%q): ", at, l.Name)}
		}})
	}
	return out, probs
}
