package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// Every secret may come from a file: for any field `x` of type Secret that has
// no declared `x_file` sibling (the channels' robot URLs, keys, passwords),
// `x_file: path` is read here and replaced in the node tree by `x: <content>`
// before decoding, so the packages that own those configs need not know.

var secretType = reflect.TypeFor[secret.Secret]()

// maxSecretFile bounds what a *_file may hold; a key or a password is tiny.
const maxSecretFile = 64 << 10

// inlineSecretFiles replaces generic *_file keys below n; changed reports
// whether the tree was rewritten.
func (c *collector) inlineSecretFiles(n *yaml.Node, t reflect.Type, dir string, depth int) (changed bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > 64 || n.Kind == yaml.AliasNode || (custom(t) && !walkThrough[t]) {
		return false
	}
	switch {
	case n.Kind == yaml.DocumentNode && len(n.Content) > 0:
		return c.inlineSecretFiles(n.Content[0], t, dir, depth+1)
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		return c.inlineStruct(n, t, dir, depth)
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			changed = c.inlineSecretFiles(n.Content[i+1], t.Elem(), dir, depth+1) || changed
		}
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && n.Kind == yaml.SequenceNode:
		for _, item := range n.Content {
			changed = c.inlineSecretFiles(item, t.Elem(), dir, depth+1) || changed
		}
	}
	return changed
}

func (c *collector) inlineStruct(n *yaml.Node, t reflect.Type, dir string, depth int) (changed bool) {
	fields := yamlFields(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		base, isFile := strings.CutSuffix(k.Value, "_file")
		if _, declared := fields[k.Value]; isFile && !declared && fields[base] == secretType {
			c.readSecretFile(n, k, v, base, dir)
			changed = true
			continue
		}
		if ft, ok := fields[k.Value]; ok {
			changed = c.inlineSecretFiles(v, ft, dir, depth+1) || changed
		}
	}
	return changed
}

// readSecretFile turns `base_file: path` into `base: content` in place.
func (c *collector) readSecretFile(n, k, v *yaml.Node, base, dir string) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == base {
			c.addLine(k.Line, fmt.Sprintf("set either %s or %s, not both", base, k.Value))
			return
		}
	}
	path := v.Value
	if !filepath.IsAbs(path) && dir != "" {
		path = filepath.Join(dir, path)
	}
	content, err := readSmall(path)
	if err != nil {
		c.addLine(v.Line, fmt.Sprintf("%s: %v", k.Value, err))
		return
	}
	k.Value = base
	*v = yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: content, Style: yaml.DoubleQuotedStyle, Line: v.Line}
}

func readSmall(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read secret file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return "", fmt.Errorf("read secret file: %w", err)
	}
	if len(b) > maxSecretFile {
		return "", fmt.Errorf("secret file %s is larger than %s bytes", path, strconv.Itoa(maxSecretFile))
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("secret file %s is empty", path)
	}
	return s, nil
}
