package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.yaml.in/yaml/v3"
)

// linkKeys are the keys of a link in YAML and JSON.
var linkKeys = []string{"name", "level", "district", "a_device", "a_interface", "b_device", "b_interface",
	"bandwidth", "group", "isp", "ipv4", "ipv6", "labels", "params"}

// yamlLinkEntry reads one item of a `links:` list strictly.
func yamlLinkEntry(name string, item *yaml.Node) (entry, []Problem) {
	var l Link
	where, probs := decodeStrict(name, item, linkKeys, &l)
	l.Source = fmt.Sprintf("%s:%d", name, item.Line)
	return entry{l: &l, where: where}, probs
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
