package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a config file.
type Problem struct {
	File string
	Line int // 0 when the problem has no place (a missing default, a cross-check)
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.File, p.Msg)
}

// Problems is every problem of one file; as an error it prints one per line, so
// that `swanwatch check-config` can print it as it is.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap lets errors.Is/As look at each problem.
func (ps Problems) Unwrap() []error {
	out := make([]error, len(ps))
	for i, p := range ps {
		out[i] = problemError(p)
	}
	return out
}

type problemError Problem

func (p problemError) Error() string { return Problem(p).String() }

// collector gathers problems and places them on the line of a config path such
// as "storage.remote_write[1].url".
type collector struct {
	file  string
	lines map[string]int
	list  Problems
}

func newCollector(file string, root *yaml.Node) *collector {
	c := &collector{file: file, lines: map[string]int{}}
	if root != nil {
		c.index(root, "", 0)
	}
	return c
}

// index records the line of every key and list item below n.
func (c *collector) index(n *yaml.Node, path string, depth int) {
	if depth > 64 {
		return // deeper than any config; fuzzed input should not cost more
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, k := range n.Content {
			c.index(k, path, depth+1)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			child := join(path, n.Content[i].Value)
			if _, seen := c.lines[child]; !seen {
				c.lines[child] = n.Content[i].Line
			}
			c.index(n.Content[i+1], child, depth+1)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			child := path + "[" + strconv.Itoa(i) + "]"
			c.lines[child] = item.Line
			c.index(item, child, depth+1)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// line finds the line of path or of its nearest ancestor in the file (a
// defaulted field has no line of its own; its section does).
func (c *collector) line(path string) int {
	for path != "" {
		if l, ok := c.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
	return 0
}

// at adds a problem about path: "path: message" on path's line.
func (c *collector) at(path, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	c.list = append(c.list, Problem{File: c.file, Line: c.line(path), Msg: msg})
}

// addLine adds a problem whose line is already known.
func (c *collector) addLine(line int, msg string) {
	c.list = append(c.list, Problem{File: c.file, Line: line, Msg: msg})
}

// err returns the problems in file order (a problem without a line first).
func (c *collector) err() error {
	if len(c.list) == 0 {
		return nil
	}
	slices.SortStableFunc(c.list, func(a, b Problem) int { return a.Line - b.Line })
	return c.list
}
