package logparse

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"

	"go.yaml.in/yaml/v3"
)

// fileSpec is one vendor family as written in YAML: a profiles/*.yaml file, or
// one document of an operator's file (documents are separated by ---).
type fileSpec struct {
	Vendor   string        `yaml:"vendor"`
	Gate     gateSpec      `yaml:"gate"`
	Profiles []profileSpec `yaml:"profiles"`
	line     int
}

// gateSpec admits a line to the family when any literal occurs in it or its
// app is one of the names. It is the cheap test every line pays.
type gateSpec struct {
	Contains []string `yaml:"contains"`
	App      []string `yaml:"app"`
	line     int
}

// profileSpec is one kind of line of a family.
type profileSpec struct {
	Name              string            `yaml:"name"`
	App               []string          `yaml:"app"`      // any of, when given
	Contains          []string          `yaml:"contains"` // all of: the prefilter
	Unless            []string          `yaml:"unless"`   // none of
	Regex             string            `yaml:"regex"`    // named groups are labels
	KV                *kvSpec           `yaml:"kv"`
	Set               map[string]string `yaml:"set"`
	Actions           map[string]string `yaml:"actions"`
	Class             string            `yaml:"class"`
	ClassByAction     map[string]string `yaml:"class_by_action"`
	ClassIfTranslated string            `yaml:"class_if_translated"`
	Severity          string            `yaml:"severity"`
	line              int
}

// kvSpec reads key<eq>value pairs separated by sep, starting after the first
// occurrence of after (when it occurs); keys maps the vendor's key to a label.
type kvSpec struct {
	Sep   string            `yaml:"sep"`
	Eq    string            `yaml:"eq"`
	After string            `yaml:"after"`
	Keys  map[string]string `yaml:"keys"`
	line  int
}

func (f *fileSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain fileSpec
	return decodeStrict(n, (*plain)(f), &f.line, "vendor", "gate", "profiles")
}

func (g *gateSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain gateSpec
	return decodeStrict(n, (*plain)(g), &g.line, "contains", "app")
}

func (p *profileSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain profileSpec
	return decodeStrict(n, (*plain)(p), &p.line, "name", "app", "contains", "unless", "regex",
		"kv", "set", "actions", "class", "class_by_action", "class_if_translated", "severity")
}

func (k *kvSpec) UnmarshalYAML(n *yaml.Node) error {
	type plain kvSpec
	return decodeStrict(n, (*plain)(k), &k.line, "sep", "eq", "after", "keys")
}

// decodeStrict refuses keys it does not know (a misspelt "contians" would
// otherwise silently widen a profile to every line) and remembers the line.
func decodeStrict(n *yaml.Node, into any, line *int, known ...string) error {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias // a YAML anchor shared between profiles
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !slices.Contains(known, k.Value) {
			return fmt.Errorf("line %d: unknown key %q (known: %v)", k.Line, k.Value, known)
		}
	}
	*line = n.Line
	return n.Decode(into)
}

// maxSpecBytes bounds an operator's file: profiles are a page of YAML, not a
// data set, and the bound keeps a hostile file cheap to refuse.
const maxSpecBytes = 1 << 20

// decodeSpecs reads every document of a YAML stream.
func decodeSpecs(b []byte) ([]fileSpec, error) {
	if len(b) > maxSpecBytes {
		return nil, fmt.Errorf("%d bytes, more than the %d a profile file may have", len(b), maxSpecBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var out []fileSpec
	for {
		var f fileSpec
		err := dec.Decode(&f)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
}
