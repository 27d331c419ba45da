package inventory

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Load reads every source of cfg once and returns the targets that passed and a
// problem for each bad entry or failed source. Bad entries are skipped, the rest
// load; a duplicate kind/name is a problem and the first one wins (sources are
// read in order: inline, files, excel, http).
func Load(ctx context.Context, cfg Config, opts Options) ([]Target, []Problem) {
	cfg, opts = cfg.WithDefaults(), opts.withDefaults()
	var results []result
	results = append(results, loadInline(cfg.Targets, opts))
	for _, path := range cfg.Files {
		results = append(results, loadFile(path, opts))
	}
	for _, src := range cfg.Excel {
		results = append(results, loadExcel(src, opts))
	}
	for _, src := range cfg.HTTP {
		r, _ := loadHTTP(ctx, src, opts)
		results = append(results, r)
	}
	return merge(results)
}

// result is what one source produced in its last read.
type result struct {
	targets []Target
	probs   []Problem
}

func loadInline(ts []Target, o Options) result {
	entries := make([]entry, len(ts))
	for i, t := range ts {
		where := t.Source
		if where == "" {
			where = fmt.Sprintf("inventory.targets[%d]", i)
		}
		entries[i] = entry{t: t, where: func(string) Problem { return Problem{Source: where} }}
	}
	return counted("inline", accepted(entries, nil, o))
}

func loadFile(path string, o Options) result {
	data, err := readFile(path, o.MaxBodyBytes)
	if err != nil {
		return counted("yaml", result{probs: []Problem{{Source: path, Msg: err.Error()}}})
	}
	entries, probs := yamlEntries(path, data)
	return counted("yaml", accepted(entries, probs, o))
}

func loadExcel(src ExcelSource, o Options) result {
	entries, probs := readExcel(src, o.MaxBodyBytes)
	return counted("excel", accepted(entries, probs, o))
}

func loadHTTP(ctx context.Context, src HTTPSource, o Options) (result, error) {
	httpFetches.Inc()
	entries, probs, err := fetch(ctx, src, o)
	if err != nil {
		httpFetchErrors.Inc()
		return counted("http", result{probs: []Problem{{Source: redact(src.URL), Msg: err.Error()}}}), err
	}
	return counted("http", accepted(entries, probs, o)), nil
}

func accepted(entries []entry, probs []Problem, o Options) result {
	ts, more := accept(entries, o.Kinds)
	probs = append(probs, more...)
	// in the order of the file, so that a long list reads top to bottom
	slices.SortStableFunc(probs, func(a, b Problem) int { return a.Row - b.Row })
	return result{targets: ts, probs: probs}
}

func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory file: %w", stripPath(err))
	}
	defer f.Close()
	return readBounded(f, max)
}

// merge joins the sources' results; the first of a duplicate kind/name wins.
func merge(results []result) ([]Target, []Problem) {
	var out []Target
	var probs []Problem
	seen := map[string]string{}
	for _, r := range results {
		probs = append(probs, r.probs...)
		for _, t := range r.targets {
			if first, dup := seen[t.Key()]; dup {
				probs = append(probs, Problem{Source: t.Source,
					Msg: fmt.Sprintf("duplicate target %s (kind %s): already defined at %s, this one is ignored", t.Name, t.Kind, first)})
				duplicates.Inc()
				continue
			}
			seen[t.Key()] = t.Source
			out = append(out, t)
		}
	}
	targetsGauge.Set(float64(len(out)))
	return out, probs
}

// String lists problems one per line, for logs and the CLI.
func String(probs []Problem) string {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
