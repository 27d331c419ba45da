package inventory

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"sync"
	"time"
)

// Watcher keeps the inventory current: it re-reads a YAML or Excel file when its
// modification time or size changes (polled every Options.PollInterval) and
// polls each HTTP source on its interval. An HTTP source that fails keeps its
// last good targets and reports a problem.
type Watcher struct {
	cfg      Config
	opts     Options
	onChange func([]Target, []Problem)

	mu      sync.Mutex
	results []result    // inline, files..., excel..., http...
	stamps  []fileStamp // files..., excel...
	lastT   []Target
	lastP   []Problem
	emitted bool
}

type fileStamp struct {
	mod  time.Time
	size int64
	err  string
}

// NewWatcher returns a Watcher that calls onChange with the whole inventory
// after the first load and after every change. Calls are serialized; onChange
// must return promptly (hand the targets over, do not collect in it).
func NewWatcher(cfg Config, opts Options, onChange func([]Target, []Problem)) *Watcher {
	cfg = cfg.WithDefaults()
	n := 1 + len(cfg.Files) + len(cfg.Excel) + len(cfg.HTTP)
	return &Watcher{cfg: cfg, opts: opts.withDefaults(), onChange: onChange,
		results: make([]result, n), stamps: make([]fileStamp, len(cfg.Files)+len(cfg.Excel))}
}

// Run loads every source, reports, and then watches until ctx is done. It
// returns nil when ctx is cancelled; every goroutine it starts has ended.
func (w *Watcher) Run(ctx context.Context) error {
	w.results[0] = loadInline(w.cfg.Targets, w.cfg.Links, w.opts)
	w.pollFiles(true)
	for i := range w.cfg.HTTP {
		w.pollHTTP(ctx, i)
	}
	w.emit()
	var wg sync.WaitGroup
	wg.Go(func() { w.every(ctx, w.opts.PollInterval, func() { w.pollFiles(false) }) })
	for i, src := range w.cfg.HTTP {
		wg.Go(func() { w.every(ctx, src.Interval, func() { w.pollHTTP(ctx, i) }) })
	}
	wg.Wait()
	return nil
}

// every runs f on each tick until ctx is done; a slow f skips ticks (the
// ticker drops them), it never queues them.
func (w *Watcher) every(ctx context.Context, d time.Duration, f func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f()
			w.emit()
		}
	}
}

// pollFiles re-reads the files whose stamp changed (all of them when force).
func (w *Watcher) pollFiles(force bool) {
	for i, path := range w.cfg.Files {
		if w.changed(i, path) || force {
			w.set(1+i, loadFile(path, w.opts))
		}
	}
	for j, src := range w.cfg.Excel {
		i := len(w.cfg.Files) + j
		if w.changed(i, src.Path) || force {
			w.set(1+i, loadExcel(src, w.opts))
		}
	}
}

func (w *Watcher) changed(i int, path string) bool {
	var s fileStamp
	if st, err := os.Stat(path); err != nil {
		s.err = err.Error()
	} else {
		s.mod, s.size = st.ModTime(), st.Size()
	}
	if s == w.stamps[i] {
		return false
	}
	w.stamps[i] = s
	return true
}

func (w *Watcher) pollHTTP(ctx context.Context, i int) {
	if ctx.Err() != nil {
		return
	}
	src := w.cfg.HTTP[i]
	idx := 1 + len(w.cfg.Files) + len(w.cfg.Excel) + i
	r, err := loadHTTP(ctx, src, w.opts)
	if ctx.Err() != nil {
		return // shutting down: a cancelled fetch is not a failed source
	}
	if err != nil {
		w.opts.Logger.Warn("inventory source failed, keeping its last good targets",
			"url", redact(src.URL), "err", err)
		w.mu.Lock()
		r.targets, r.links = w.results[idx].targets, w.results[idx].links
		w.mu.Unlock()
	}
	w.set(idx, r)
}

func (w *Watcher) set(idx int, r result) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.results[idx] = r
}

// emit merges the sources and calls onChange when anything changed.
func (w *Watcher) emit() {
	w.mu.Lock()
	defer w.mu.Unlock()
	ts, ps := merge(w.results, w.opts.Kinds)
	if w.emitted && reflect.DeepEqual(ts, w.lastT) && reflect.DeepEqual(ps, w.lastP) {
		return
	}
	w.emitted, w.lastT, w.lastP = true, ts, ps
	reloads.Inc()
	w.opts.Logger.Info("inventory loaded", "targets", len(ts), "problems", len(ps))
	if w.onChange != nil {
		w.onChange(ts, ps)
	}
}

// String names the watcher's sources for logs.
func (w *Watcher) String() string {
	return fmt.Sprintf("inventory watcher (%d files, %d workbooks, %d http)", len(w.cfg.Files), len(w.cfg.Excel), len(w.cfg.HTTP))
}
