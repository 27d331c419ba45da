package rules

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"go.yaml.in/yaml/v3"
)

// packFS holds the shipped rule packs, so a bare binary has them.
//
//go:embed packs/*.yml
var packFS embed.FS

// packPrefix marks a rule file identifier as an embedded pack. It also names
// the pack's origin in rule-group keys and error messages.
const packPrefix = "swanwatch-pack:"

// maxRuleFileBytes bounds one rule file; real ones are a few KiB.
const maxRuleFileBytes = 16 << 20

// Packs returns the identifiers of the shipped packs, in name order.
func Packs() []string {
	names, _ := fs.Glob(packFS, "packs/*.yml") // the pattern is constant and valid
	slices.Sort(names)
	for i, n := range names {
		names[i] = packPrefix + n
	}
	return names
}

// loader is the manager's GroupLoader: embedded packs by identifier, user
// files from disk, parsed by rulefmt with errors that name file and line.
//
// The engine reads every file once per load and hands the manager a snapshot
// of the content it decided to run: a good file as it is now, a bad file as
// it last was good. Serving the snapshot (rather than reading again) is what
// lets a file with a syntax error keep its running groups, and it means the
// manager runs exactly what was checked, even if the file changes meanwhile.
type loader struct {
	parser parser.Parser
	log    *slog.Logger

	mu   sync.RWMutex
	snap map[string]*rulefmt.RuleGroups // by file identifier
}

func newLoader(log *slog.Logger) *loader { return &loader{parser: parserFor(), log: log} }

// Load implements rules.GroupLoader: the snapshot's content when it has the
// file, else the file as it is now (promtool-style tests load packs directly).
func (l *loader) Load(id string, ignoreUnknown bool, scheme model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	l.mu.RLock()
	groups, ok := l.snap[id]
	l.mu.RUnlock()
	if ok {
		return groups, nil
	}
	return l.loadFile(id, ignoreUnknown, scheme)
}

// loadFile reads and parses one file, bypassing the snapshot.
func (l *loader) loadFile(id string, ignoreUnknown bool, scheme model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	b, err := l.read(id)
	if err != nil {
		return nil, []error{err}
	}
	return l.parse(id, b, ignoreUnknown, scheme)
}

// swap installs a new snapshot and returns the previous one.
func (l *loader) swap(snap map[string]*rulefmt.RuleGroups) map[string]*rulefmt.RuleGroups {
	l.mu.Lock()
	defer l.mu.Unlock()
	prev := l.snap
	l.snap = snap
	return prev
}

// snapshot returns the content the manager runs now, by file.
func (l *loader) snapshot() map[string]*rulefmt.RuleGroups {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.snap
}

// parse validates one file's content; every error names the file.
func (l *loader) parse(id string, b []byte, ignoreUnknown bool, scheme model.ValidationScheme) (*rulefmt.RuleGroups, []error) {
	groups, errs := rulefmt.Parse(b, ignoreUnknown, scheme, l.parser, l.log)
	return groups, located(id, errs)
}

// Parse implements rules.GroupLoader.
func (l *loader) Parse(query string) (parser.Expr, error) { return l.parser.ParseExpr(query) }

func (l *loader) read(id string) ([]byte, error) {
	if name, ok := strings.CutPrefix(id, packPrefix); ok {
		return packFS.ReadFile(name)
	}
	f, err := os.Open(id)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("rule file %s: %w", id, fs.ErrNotExist)
	}
	if err != nil {
		return nil, fmt.Errorf("open rule file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRuleFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read rule file %s: %w", id, err)
	}
	if len(b) > maxRuleFileBytes {
		return nil, fmt.Errorf("rule file %s is larger than %d MiB: split it", id, maxRuleFileBytes>>20)
	}
	return b, nil
}

// check loads every file as it is now and returns all problems.
func check(l *loader, files []string) []error {
	var errs []error
	for _, f := range files {
		_, fileErrs := l.loadFile(f, false, model.UTF8Validation)
		errs = append(errs, fileErrs...)
	}
	countFileErrors(len(errs))
	return errs
}

func countFileErrors(n int) {
	if n > 0 {
		metrics.GetOrCreateCounter(`swanwatch_rules_file_errors_total`).Add(n)
	}
}

// CheckFiles validates rule files (globs allowed) without running them, for
// `swanwatch check-rules`. It is strict: every problem is returned, and the
// caller fails. Each problem reads "file:line:col: message" where the YAML
// position is known.
func CheckFiles(paths ...string) []error {
	files, errs := expand(paths)
	if len(errs) > 0 {
		return errs
	}
	if len(files) == 0 {
		return []error{errors.New("no rule files match the given paths")}
	}
	return check(newLoader(slog.New(slog.DiscardHandler)), files)
}

// expand resolves globs. A plain path is kept as it is, so that a missing
// file is reported when it is read (and a running server keeps its previous
// rules); a glob that matches nothing is fine (a rules.d directory may be
// empty). A malformed pattern is a problem; the other patterns still expand.
func expand(patterns []string) ([]string, []error) {
	var out []string
	var errs []error
	for _, p := range patterns {
		if !hasMeta(p) {
			out = append(out, p)
			continue
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			errs = append(errs, fmt.Errorf("rule file pattern %q: %w", p, err))
			continue
		}
		out = append(out, matches...)
	}
	return out, errs
}

func hasMeta(p string) bool { return strings.ContainsAny(p, `*?[\`) }

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// located prefixes each error with its file, turning YAML's "line N: msg"
// into "file:N: msg" as compilers do. rulefmt decodes twice, so a YAML
// error comes twice: each message is kept once.
func located(file string, errs []error) []error {
	var out []error
	seen := map[string]bool{}
	add := func(e error) {
		if !seen[e.Error()] {
			seen[e.Error()] = true
			out = append(out, e)
		}
	}
	for _, err := range errs {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				add(lineError(file, msg, err))
			}
			continue
		}
		add(lineError(file, err.Error(), err))
	}
	return out
}

func lineError(file, msg string, err error) error {
	msg = strings.TrimPrefix(msg, "0:0: ") // rulefmt's position when it has none
	if m := yamlLine.FindStringSubmatch(strings.TrimSpace(msg)); m != nil {
		return &fileError{pos: file + ":" + m[1] + ": ", msg: m[2], err: err}
	}
	if msg != "" && msg[0] >= '0' && msg[0] <= '9' { // rulefmt's "line:col: ..."
		return &fileError{pos: file + ":", msg: msg, err: err}
	}
	return &fileError{pos: file + ": ", msg: msg, err: err}
}

// fileError is a problem at a position in a rule file.
type fileError struct {
	pos, msg string
	err      error
}

func (e *fileError) Error() string { return e.pos + e.msg }

func (e *fileError) Unwrap() error { return e.err }
