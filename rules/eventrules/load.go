package eventrules

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"go.yaml.in/yaml/v3"
)

// packFS holds the shipped event pack. It lives here, not in rules/packs,
// because the PromQL engine loads every rules/packs/*.yml as a Prometheus
// rule file.
//
//go:embed packs/*.yml
var packFS embed.FS

// maxRuleFileBytes bounds one event rule file; real ones are a few KiB.
const maxRuleFileBytes = 1 << 20

// Pack returns the shipped event rules: every rules/eventrules/packs/*.yml,
// in name order (events.yml for the network, one file per later area).
func Pack() ([]Rule, error) {
	names, err := fs.Glob(packFS, "packs/*.yml")
	if err != nil {
		return nil, fmt.Errorf("list event packs: %w", err)
	}
	var all []Rule
	var problems []error
	for _, name := range names { // Glob sorts
		b, err := packFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read event pack: %w", err)
		}
		rules, errs := Parse("swanwatch-pack:"+path.Base(name), b)
		all, problems = append(all, rules...), append(problems, errs...)
	}
	return all, errors.Join(problems...)
}

// LoadFile reads and compiles one event rule file. Each problem reads
// "file:line: message".
func LoadFile(path string) ([]Rule, []error) {
	b, err := readBounded(path)
	if err != nil {
		countFileErrors(1)
		return nil, []error{err}
	}
	return Parse(path, b)
}

// CheckFile validates an event rule file without running it, for
// `swanwatch check-rules`; nil means the file is good.
func CheckFile(path string) []error {
	_, errs := LoadFile(path)
	return errs
}

// Parse compiles event rules from b; file names them in errors. All problems
// are reported, not only the first, and no rule is returned if any exists.
func Parse(file string, b []byte) ([]Rule, []error) {
	var f fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true) // a misspelt field is an error, not a silent default
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		errs := yamlErrors(file, err)
		countFileErrors(len(errs))
		return nil, errs
	}
	rules, errs := compileAll(file, f.EventRules, ruleLines(b))
	if len(errs) > 0 {
		countFileErrors(len(errs))
		return nil, errs
	}
	return rules, nil
}

func compileAll(file string, ys []ruleYAML, lines []int) ([]Rule, []error) {
	var errs []error
	rules := make([]Rule, 0, len(ys))
	for i, y := range ys {
		if i < len(lines) {
			y.defaultLines(lines[i])
		}
		r, rerrs := y.compile(file)
		errs = append(errs, rerrs...)
		rules = append(rules, r)
	}
	return rules, errs
}

// ruleLines finds where each rule starts, so a problem with a field that is
// missing still points at its rule. The strict decode already succeeded.
func ruleLines(b []byte) []int {
	var f struct {
		EventRules []yaml.Node `yaml:"event_rules"`
	}
	_ = yaml.Unmarshal(b, &f) // same document: cannot fail now
	lines := make([]int, len(f.EventRules))
	for i, n := range f.EventRules {
		lines[i] = n.Line
	}
	return lines
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open event rule file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRuleFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read event rule file %s: %w", path, err)
	}
	if len(b) > maxRuleFileBytes {
		return nil, fmt.Errorf("event rule file %s is larger than %d MiB: split it", path, maxRuleFileBytes>>20)
	}
	return b, nil
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrors turns YAML's "line N: msg" into "file:N: msg", one error per
// problem (a TypeError carries several).
func yamlErrors(file string, err error) []error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]error, 0, len(msgs))
	for _, m := range msgs {
		if g := yamlLine.FindStringSubmatch(strings.TrimSpace(m)); g != nil {
			out = append(out, fmt.Errorf("%s:%s: %s", file, g[1], g[2]))
			continue
		}
		out = append(out, fmt.Errorf("%s: %s", file, strings.TrimPrefix(m, "yaml: ")))
	}
	return out
}

func countFileErrors(n int) {
	metrics.GetOrCreateCounter(`swanwatch_eventrules_file_errors_total`).Add(n)
}
