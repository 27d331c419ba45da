package inventory

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
)

// Load reads every source of cfg once and returns the targets that passed —
// each link's targets included (Link.Targets) — and a problem for each bad
// entry or failed source. Bad entries are skipped, the rest load; a duplicate
// kind/name or link name is a problem and the first one wins (sources are read
// in order: inline, files, excel, http).
func Load(ctx context.Context, cfg Config, opts Options) ([]Target, []Problem) {
	cfg, opts = cfg.WithDefaults(), opts.withDefaults()
	var results []result
	results = append(results, loadInline(cfg.Targets, cfg.Links, opts))
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
	return merge(results, opts.Kinds)
}

// result is what one source produced in its last read.
type result struct {
	targets []Target
	links   []Link
	probs   []Problem
}

func loadInline(ts []Target, ls []Link, o Options) result {
	entries := make([]entry, 0, len(ts)+len(ls))
	for i, t := range ts {
		where := t.Source
		if where == "" {
			where = fmt.Sprintf("inventory.targets[%d]", i)
		}
		entries = append(entries, entry{t: t, where: func(string) Problem { return Problem{Source: where} }})
	}
	for i, l := range ls {
		if l.Source == "" {
			l.Source = fmt.Sprintf("inventory.links[%d]", i)
		}
		where := l.Source
		entries = append(entries, entry{l: &l, where: func(string) Problem { return Problem{Source: where} }})
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
	ts, ls, more := accept(entries, o.Kinds)
	probs = append(probs, more...)
	// in the order of the file, so that a long list reads top to bottom
	slices.SortStableFunc(probs, func(a, b Problem) int { return a.Row - b.Row })
	return result{targets: ts, links: ls, probs: probs}
}

func readFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read inventory file: %w", stripPath(err))
	}
	defer f.Close()
	return readBounded(f, max)
}

// merge joins the sources' results and turns each link into its targets of
// the given kinds (nil: all); the first of a duplicate kind/name, or of a
// duplicate link name, wins.
func merge(results []result, kinds []string) ([]Target, []Problem) {
	m := merger{seen: map[string]string{}, seenLink: map[string]string{}}
	for _, r := range results {
		m.probs = append(m.probs, r.probs...)
		for _, t := range r.targets {
			m.add(t)
		}
		for _, l := range r.links {
			m.addLink(l, kinds)
		}
	}
	targetsGauge.Set(float64(len(m.out)))
	linksGauge.Set(float64(len(m.seenLink)))
	return m.out, m.probs
}

type merger struct {
	out            []Target
	probs          []Problem
	seen, seenLink map[string]string // key -> source of the first
}

func (m *merger) add(t Target) {
	if first, dup := m.seen[t.Key()]; dup {
		m.probs = append(m.probs, Problem{Source: t.Source,
			Msg: fmt.Sprintf("duplicate target %s (kind %s): already defined at %s, this one is ignored", t.Name, t.Kind, first)})
		duplicates.Inc()
		return
	}
	m.seen[t.Key()] = t.Source
	m.out = append(m.out, t)
}

func (m *merger) addLink(l Link, kinds []string) {
	if first, dup := m.seenLink[l.Name]; dup {
		m.probs = append(m.probs, Problem{Source: l.Source,
			Msg: fmt.Sprintf("duplicate link %s: already defined at %s, this one is ignored", l.Name, first)})
		duplicates.Inc()
		return
	}
	m.seenLink[l.Name] = l.Source
	for _, t := range l.Targets() {
		if kinds == nil || slices.Contains(kinds, t.Kind) {
			m.add(t)
		}
	}
}

// String lists problems one per line, for logs and the CLI.
func String(probs []Problem) string {
	lines := make([]string, len(probs))
	for i, p := range probs {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
