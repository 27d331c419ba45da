package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/rulefmt"
)

// filesInError is the number of rule files (or patterns) whose problems kept
// them from loading as they are now. No file names as labels: the log and
// Problems say which.
var filesInError = metrics.NewGauge(`swanwatch_rules_file_errors`, nil)

// FileProblems is the error of a load that went ahead without some files:
// every other file runs, each bad file either keeps the rules it had when it
// was last good or, if it never was, is skipped. Errs name file and line.
type FileProblems struct {
	Errs  []error
	Files int // files (or patterns) in error
}

func (p *FileProblems) Error() string {
	lines := make([]string, len(p.Errs))
	for i, err := range p.Errs {
		lines[i] = err.Error()
	}
	return fmt.Sprintf("%d rule file(s) in error, the other files loaded:\n%s", p.Files, strings.Join(lines, "\n"))
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (p *FileProblems) Unwrap() []error { return p.Errs }

// loadResult is what one pass over the rule files decided.
type loadResult struct {
	files    []string                       // to run: packs first, then user files
	groups   map[string]*rulefmt.RuleGroups // content to run, by file
	problems []error
	bad      int // files or patterns in error
}

// prepare resolves globs, puts the packs first and reads every file once. A
// file in error keeps its content from the snapshot the manager runs now,
// so its groups keep running unchanged; a new bad file is left out.
func (e *Engine) prepare(patterns []string) loadResult {
	user, errs := expand(patterns)
	res := loadResult{groups: map[string]*rulefmt.RuleGroups{}, problems: errs, bad: len(errs)}
	prev := e.loader.snapshot()
	for _, id := range append(Packs(), user...) {
		if _, dup := res.groups[id]; dup {
			continue // matched by two patterns: Prometheus would load its groups twice
		}
		groups, fileErrs := e.loader.loadFile(id, false, model.UTF8Validation)
		if len(fileErrs) > 0 {
			res.problems = append(res.problems, fileErrs...)
			res.bad++
			if groups = prev[id]; groups == nil {
				continue
			}
		}
		res.files = append(res.files, id)
		res.groups[id] = groups
	}
	countFileErrors(len(res.problems))
	return res
}

// err returns the result's problems as an error, nil when there are none.
func (r loadResult) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	return &FileProblems{Errs: slices.Clone(r.problems), Files: r.bad}
}

// apply hands the result to the manager (when it runs) and records it.
// Callers other than New hold e.mu.
func (e *Engine) apply(res loadResult) error {
	prev := e.loader.swap(res.groups)
	if e.running {
		if err := e.update(res.files); err != nil {
			e.loader.swap(prev) // the manager restored its previous rule set
			return err
		}
	}
	e.capper.setRules(ruleInfos(e.loader, res.groups, e.opts.AlertLimit))
	e.files, e.problems = res.files, res.problems
	filesInError.Set(float64(res.bad))
	return nil
}

// Reload replaces the user's rule files. Every good file takes effect; a file
// in error keeps the rules it had (a new one is skipped), and the problems
// come back as a *FileProblems, each with file:line. Another error means
// nothing changed. Both are logged here and counted in own metrics.
func (e *Engine) Reload(patterns []string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	res := e.prepare(patterns)
	e.logProblems(res)
	result := "success"
	err := e.apply(res)
	switch {
	case err != nil:
		result = "failure"
		e.log.Warn("rule reload failed, previous rules kept", "err", err)
	case res.bad > 0:
		result, err = "partial", res.err()
		e.log.Warn("rules reloaded without the files in error", "files_in_error", res.bad)
	}
	metrics.GetOrCreateCounter(`swanwatch_rules_reloads_total{result="` + result + `"}`).Inc()
	return err
}

// Problems returns the problems of the last load (New or Reload), each
// naming its file and line; nil when every file loaded. For a rules page or
// a startup banner: they are already logged.
func (e *Engine) Problems() []error {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.problems)
}

// logProblems logs once per problem: what is wrong and where.
func (e *Engine) logProblems(res loadResult) {
	for _, p := range res.problems {
		e.log.Warn("rule file in error: skipped, or its last good rules kept", "err", p)
	}
}
