package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"go.yaml.in/yaml/v3"
)

// MaxFileBytes bounds swanwatch.yaml: a larger file is a mistake (an inventory
// belongs in inventory.files or a workbook).
const MaxFileBytes = 16 << 20

var (
	loads        = metrics.GetOrCreateCounter(`swanwatch_config_loads_total`)
	loadFailures = metrics.GetOrCreateCounter(`swanwatch_config_load_failures_total`)
	problemCount = metrics.GetOrCreateCounter(`swanwatch_config_problems_total`)
)

// Load reads and parses the config file at path. A file it cannot read is a
// plain error; everything wrong inside the file is a Problems error.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read config %s: %w", path, err)
	}
	if len(data) > MaxFileBytes {
		return nil, fmt.Errorf("read config %s: larger than %d bytes", path, MaxFileBytes)
	}
	return Parse(path, data)
}

// Parse parses data as the config file name: strict decoding, defaults, paths
// and *_file secrets resolved against name's directory, then validation. On any
// problem it returns nil and a Problems error listing all of them.
func Parse(name string, data []byte) (*Config, error) {
	loads.Inc()
	cfg, err := parse(name, data)
	if err != nil {
		loadFailures.Inc()
		var ps Problems
		if errors.As(err, &ps) {
			problemCount.Add(len(ps))
		}
		return nil, err
	}
	return cfg, nil
}

func parse(name string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c := newCollector(name, nil)
		c.yamlError(err, nil)
		return nil, c.err()
	}
	c := newCollector(name, &root)
	dir, err := filepath.Abs(filepath.Dir(name))
	if err != nil {
		c.at("", "resolve the config directory: %v", err)
	}
	inlined := c.inlineSecretFiles(&root, reflect.TypeFor[Config](), dir, 0)
	c.checkFields(&root, reflect.TypeFor[Config](), "", 0)
	cfg := &Config{File: name}
	if err := decode(data, &root, inlined, cfg); err != nil {
		c.yamlError(err, c.unknownLines())
	}
	cfg.Dir = dir
	cfg.applyDefaults()
	c.resolve(cfg)
	c.setSources(cfg)
	c.validate(cfg)
	if err := c.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// decode reads the file; once *_file secrets were inlined into the node tree
// it decodes the tree instead (its lines are the file's; the walker above has
// already reported unknown keys, which KnownFields would have).
func decode(data []byte, root *yaml.Node, inlined bool, cfg *Config) error {
	if inlined {
		return root.Decode(cfg)
	}
	return decodeStrict(data, cfg)
}

func decodeStrict(data []byte, cfg *Config) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(cfg); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlError turns a yaml.v3 error into problems with lines. The decoder's own
// unknown-field messages are dropped where the walker already reported the line.
func (c *collector) yamlError(err error, known map[int]bool) {
	msgs := []string{err.Error()}
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	}
	for _, m := range msgs {
		line, msg := 0, strings.TrimPrefix(m, "yaml: ")
		if g := yamlLine.FindStringSubmatch(m); g != nil {
			line, _ = strconv.Atoi(g[1])
			msg = g[2]
		}
		if strings.Contains(msg, " not found in type ") && known[line] {
			continue
		}
		msg = rewordType(msg)
		if p := c.pathAt(line); p != "" && !strings.HasPrefix(p, "[") {
			msg = p + ": " + msg
		}
		c.addLine(line, msg)
	}
}

// unknownLines are the lines the walker reported an unknown field on.
func (c *collector) unknownLines() map[int]bool {
	out := map[int]bool{}
	for _, p := range c.list {
		if strings.HasPrefix(p.Msg, "unknown field ") {
			out[p.Line] = true
		}
	}
	return out
}

var typeMsg = regexp.MustCompile("^cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// rewordType says what was expected in words an operator knows.
func rewordType(msg string) string {
	g := typeMsg.FindStringSubmatch(msg)
	if g == nil {
		return msg
	}
	if g[3] == "config.Config" {
		return "the file must be a mapping of sections (server:, storage:, events:, ...)"
	}
	want := map[string]string{"time.Duration": "a duration such as 30s or 5m", "int": "a whole number",
		"int64": "a whole number", "bool": "true or false", "string": "a string"}[g[3]]
	if want == "" {
		if strings.HasPrefix(g[3], "[]") {
			want = "a list"
		} else {
			want = "a mapping"
		}
	}
	if g[2] == "" {
		return fmt.Sprintf("bad value: a %s where %s is expected", g[1], want)
	}
	return fmt.Sprintf("bad value %q: expected %s", g[2], want)
}

// pathAt names the deepest key on line, for messages that only know the line.
func (c *collector) pathAt(line int) string {
	best := ""
	for p, l := range c.lines {
		if l == line && (len(p) > len(best) || (len(p) == len(best) && p < best)) {
			best = p
		}
	}
	return best
}
