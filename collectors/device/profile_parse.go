package device

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxProfileBytes bounds one profile file: a profile is a few kB.
const maxProfileBytes = 1 << 20

// ParseProfile reads one profile strictly. file names it in errors, which
// carry the line: an unknown field, a wrong type, a series outside the
// contract, a label the series lacks, a request no metric can use.
func ParseProfile(r io.Reader, file string) (Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return Profile{}, fmt.Errorf("%s: read: %w", file, err)
	}
	if len(data) > maxProfileBytes {
		return Profile{}, fmt.Errorf("%s: larger than %d bytes", file, maxProfileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return Profile{}, fmt.Errorf("%s: empty profile", file)
		}
		return Profile{}, fmt.Errorf("%s: %w", file, err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return Profile{}, fmt.Errorf("%s: %w", file, err)
	}
	p.file, p.lines = file, nodeLines(&root)
	if err := p.compile(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// nodeLines records the line of every list item and mapping key, by a path
// such as "metrics[3]" or "http.requests[0]".
func nodeLines(root *yaml.Node) map[string]int {
	lines := map[string]int{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := join(path, n.Content[i].Value)
				lines[k] = n.Content[i].Line
				walk(n.Content[i+1], k)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				k := fmt.Sprintf("%s[%d]", path, i)
				lines[k] = c.Line
				walk(c, k)
			}
		}
	}
	walk(root, "")
	return lines
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// errAt formats a problem of the item at path with its file and line.
func (p *Profile) errAt(path, format string, a ...any) error {
	where := p.file
	if l := p.lines[path]; l > 0 {
		where = fmt.Sprintf("%s:%d", p.file, l)
	}
	return fmt.Errorf("%s: %s: %s", where, path, fmt.Sprintf(format, a...))
}

// errTop formats a problem of the profile as a whole.
func (p *Profile) errTop(key, format string, a ...any) error {
	return p.errAt(key, format, a...)
}

// validID accepts the short names of requests, registers, tables and columns.
func validID(s string) bool {
	return len(s) >= 1 && len(s) <= 64 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == ""
}
