package config

import (
	"encoding"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Why this walker exists: yaml.v3's KnownFields does not reach into types with
// their own UnmarshalYAML, and its message ("field x not found in type
// config.Server") names a Go type, not the place in the file. Walking the node
// tree against the yaml tags finds every unknown key, however deep, and says
// which keys would have been valid.

var (
	yamlUnmarshaler = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// checkFields reports every key below n that t has no field for.
func (c *collector) checkFields(n *yaml.Node, t reflect.Type, path string, depth int) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > 64 || n.Kind == yaml.AliasNode || (custom(t) && !walkThrough[t]) {
		return // aliases: the decoder's KnownFields still checks them
	}
	switch {
	case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
		c.checkFields(n.Content[0], t, path, depth+1)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		c.checkStruct(n, t, path, depth)
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			c.checkFields(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), depth+1)
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			c.checkFields(item, t.Elem(), path+"["+strconv.Itoa(i)+"]", depth+1)
		}
	}
}

func (c *collector) checkStruct(n *yaml.Node, t reflect.Type, path string, depth int) {
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if k.Value == "<<" {
			c.checkFields(n.Content[i+1], t, path, depth+1) // a merge key brings in a mapping
			continue
		}
		ft, ok := fields[k.Value]
		if base, isFile := strings.CutSuffix(k.Value, "_file"); !ok && isFile && fields[base] == secretType {
			continue // a secret's file, reported by inlineSecretFiles when it cannot be read
		}
		if !ok {
			where := path
			if where == "" {
				where = "the top level"
			}
			c.addLine(k.Line, "unknown field "+strconv.Quote(k.Value)+" in "+where+" (valid: "+strings.Join(sortedNames(fields), ", ")+")")
			continue
		}
		c.checkFields(n.Content[i+1], ft, join(path, k.Value), depth+1)
	}
}

// walkThrough are types with their own UnmarshalYAML that only note
// something and decode the plain struct: their keys are still checked here.
var walkThrough = map[reflect.Type]bool{reflect.TypeFor[alerting.Route](): true}

// custom reports whether t decodes itself (Secret, Bytes, Retention, ...).
func custom(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(yamlUnmarshaler) || p.Implements(textUnmarshaler)
}

// yamlFields maps each yaml key of struct t to its field type, following
// ",inline" embeddings the way yaml.v3 does.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if slices.Contains(strings.Split(opts, ","), "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

func sortedNames(m map[string]reflect.Type) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
