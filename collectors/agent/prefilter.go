package agent

import (
	"bytes"
	"strings"
)

// prefilter copies into dst only the lines that may belong to a kept family and
// leaves an empty line for every other one, so the parser's line numbers still
// match the agent's output. It is a superset filter (the parsed families are
// matched again); it exists because parsing the ~500 samples of a default
// node_exporter to keep ~50 costs ten times the allocations. A malformed line in
// a family that is not kept is never parsed, and so costs nothing.
func (k keepSet) prefilter(dst, body []byte) []byte {
	for len(body) > 0 {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if k.mayKeep(line) {
			dst = append(dst, line...)
		}
		dst = append(dst, '\n')
	}
	return dst
}

// mayKeep reports whether a line can belong to a kept family: HELP/TYPE lines and
// samples of a kept name, including the _bucket/_sum/_count series of histograms
// and summaries. Lines it cannot judge cheaply (quoted names) are kept.
func (k keepSet) mayKeep(line []byte) bool {
	line = bytes.TrimLeft(line, " \t")
	if len(line) == 0 {
		return false
	}
	if line[0] == '#' {
		f := bytes.Fields(line[1:])
		return len(f) >= 2 && (string(f[0]) == "HELP" || string(f[0]) == "TYPE") && k.match(string(f[1]))
	}
	end := bytes.IndexAny(line, "{ \t")
	if end == 0 {
		return true // {"quoted.name"} or a bare label set: let the parser judge
	}
	if end < 0 {
		end = len(line)
	}
	name := string(line[:end])
	if k.match(name) {
		return true
	}
	for _, suffix := range [...]string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && k.match(base) {
			return true
		}
	}
	return false
}
