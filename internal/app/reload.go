package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules"
)

var (
	reloadOK       = metrics.NewGauge("swanwatch_config_last_reload_successful", nil)
	reloadTotal    = metrics.NewCounter("swanwatch_config_reloads_total")
	reloadFailures = metrics.NewCounter("swanwatch_config_reload_failures_total")
)

// reloader owns the inventory watcher (restarted with each new inventory
// configuration) and applies reloads requested by SIGHUP or POST /-/reload.
type reloader struct {
	s        *system
	mu       sync.Mutex // one reload at a time
	requests chan chan error
}

func newReloader(s *system) *reloader {
	reloadOK.Set(1)
	return &reloader{s: s, requests: make(chan chan error)}
}

// run keeps an inventory watcher running for the current configuration and
// serves reload requests until ctx ends.
func (r *reloader) run(ctx context.Context) error {
	stopWatcher := r.startWatcher(ctx, r.s.config().Inventory)
	defer func() { stopWatcher() }()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-r.s.opts.Reload:
			if err := r.apply(ctx, &stopWatcher); err != nil {
				r.s.logger.Error("reload configuration on SIGHUP failed; keeping the old one", "err", err)
			}
		case reply := <-r.requests:
			reply <- r.apply(ctx, &stopWatcher)
		}
	}
}

// startWatcher runs an inventory watcher until the returned stop is called.
func (r *reloader) startWatcher(ctx context.Context, cfg inventory.Config) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	w := inventory.NewWatcher(cfg, inventory.Options{Kinds: KindNames}, r.s.inventoryChanged)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(ctx); err != nil && ctx.Err() == nil {
			r.s.logger.Error("inventory watcher stopped", "err", err)
		}
	}()
	return func() { cancel(); <-done }
}

// apply loads the file again; on success it swaps the parts that can change
// at run time (inventory sources, rule files) and says which need a restart.
func (r *reloader) apply(ctx context.Context, stopWatcher *func()) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	reloadTotal.Inc()
	if r.s.opts.ConfigFile == "" {
		return r.fail(fmt.Errorf("this server runs on a built-in configuration: nothing to reload"))
	}
	cfg, err := config.Load(r.s.opts.ConfigFile)
	if err != nil {
		return r.fail(err)
	}
	// A rule file in error keeps its last good rules; everything else applies.
	var partial *rules.FileProblems
	if err := r.s.rules.Reload(cfg.Rules.Files); err != nil && !errors.As(err, &partial) {
		return r.fail(fmt.Errorf("reload rules: %w", err))
	}
	(*stopWatcher)()
	*stopWatcher = r.startWatcher(ctx, cfg.Inventory)
	if err := r.s.swapConfig(cfg); err != nil {
		return r.fail(fmt.Errorf("reloaded, except alerting.receivers (the running channels stay): %w", err))
	}
	if partial != nil {
		r.s.logger.Warn("configuration reloaded except rule files in error", "file", r.s.opts.ConfigFile)
		return r.fail(fmt.Errorf("reloaded, except rule files in error (their last good rules keep running):\n%w", partial))
	}
	reloadOK.Set(1)
	r.s.logger.Info("configuration reloaded", "file", r.s.opts.ConfigFile)
	return nil
}

func (r *reloader) fail(err error) error {
	reloadOK.Set(0)
	reloadFailures.Inc()
	return err
}

// handle serves POST /-/reload (admin): 200 on success, 400 with the problems.
func (r *reloader) handle(w http.ResponseWriter, req *http.Request) {
	reply := make(chan error, 1)
	select {
	case r.requests <- reply:
	case <-req.Context().Done():
		return
	}
	if err := <-reply; err != nil {
		http.Error(w, "配置重新加载失败，继续使用原配置：\n"+err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintln(w, "配置已重新加载")
}

// swapConfig makes cfg the running configuration in one step. Sections that
// are read only at start keep their running values in the new snapshot (so
// the snapshot always says what is in effect) and are named in the log.
// The receivers' channels are rebuilt where they changed (a secret alone
// included); when they cannot be built, the running ones stay and the error
// says so, while the rest of the reload applies.
func (s *system) swapConfig(cfg *config.Config) error {
	old := s.config()
	next, changed := cfg.WithRunning(old)
	for _, section := range changed {
		s.logger.Warn("configuration section changed; it takes effect after a restart", "section", section)
	}
	err := s.reloadReceivers(old, cfg)
	if err != nil {
		next.Alerting.Receivers = old.Alerting.Receivers
	}
	s.cfg.Store(&next)
	s.updateNotifier()
	return err
}
