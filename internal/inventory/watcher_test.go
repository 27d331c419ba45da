package inventory

import (
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type snapshot struct {
	targets []string
	probs   []string
}

// recorder collects the watcher's calls for the test to wait on.
type recorder struct {
	mu   sync.Mutex
	all  []snapshot
	next chan struct{}
}

func newRecorder() *recorder { return &recorder{next: make(chan struct{}, 100)} }

func (r *recorder) onChange(ts []Target, ps []Problem) {
	r.mu.Lock()
	r.all = append(r.all, snapshot{names(ts), problemStrings(ps)})
	r.mu.Unlock()
	r.next <- struct{}{}
}

func (r *recorder) calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.all)
}

// wait returns the first snapshot that satisfies ok, failing after 10s.
func (r *recorder) wait(t *testing.T, ok func(snapshot) bool) snapshot {
	t.Helper()
	return r.waitFrom(t, 0, ok)
}

// waitFrom looks only at the calls from the from-th on.
func (r *recorder) waitFrom(t *testing.T, from int, ok func(snapshot) bool) snapshot {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		for _, s := range r.all[from:] {
			if ok(s) {
				r.mu.Unlock()
				return s
			}
		}
		r.mu.Unlock()
		select {
		case <-r.next:
		case <-deadline:
			t.Fatalf("no matching inventory; got %+v", r.all)
		}
	}
}

func TestWatcherReloadsFiles(t *testing.T) {
	path := writeFile(t, "e.yaml", "targets:\n  - {name: a, kind: agent, address: 'http://a/', district: 湖滨区}\n")
	rec := newRecorder()
	w := NewWatcher(Config{Files: []string{path}}, Options{Kinds: []string{"agent"}, PollInterval: 20 * time.Millisecond}, rec.onChange)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	rec.wait(t, func(s snapshot) bool { return len(s.targets) == 1 })
	require.NoError(t, os.WriteFile(path, []byte("targets:\n  - {name: a, kind: agent, address: 'http://a/', district: 湖滨区}\n  - {name: b, kind: agent, address: 'http://b/', district: 义马市}\n"), 0o644))
	rec.wait(t, func(s snapshot) bool { return len(s.targets) == 2 })
	require.NoError(t, os.WriteFile(path, []byte("targets:\n  - {name: c, kind: agent, address: 'http://c/', district: 火星}\n"), 0o644))
	s := rec.wait(t, func(s snapshot) bool { return len(s.probs) == 1 })
	assert.Empty(t, s.targets, "a bad entry is skipped after a reload too")
	require.NoError(t, os.Remove(path))
	s = rec.wait(t, func(s snapshot) bool { return len(s.probs) == 1 && strings.Contains(s.probs[0], "no such file") })
	assert.Equal(t, path+": read inventory file: open: no such file or directory", s.probs[0])

	cancel()
	require.NoError(t, <-done)
}

func TestWatcherHTTPKeepsLastGood(t *testing.T) {
	var fail atomic.Bool
	url := exportServer(t, func(w http.ResponseWriter, r *http.Request) {
		if fail.Load() {
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		io.WriteString(w, `{"targets":[{"name":"vm-1","kind":"agent","address":"http://a/","district":"湖滨区"}]}`)
	})
	rec := newRecorder()
	cfg := Config{HTTP: []HTTPSource{{URL: url, Interval: 30 * time.Millisecond, Timeout: 2 * time.Second}}}
	w := NewWatcher(cfg, Options{Kinds: []string{"agent"}}, rec.onChange)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w.Run(ctx) }()

	rec.wait(t, func(s snapshot) bool { return len(s.targets) == 1 && len(s.probs) == 0 })
	fail.Store(true)
	s := rec.wait(t, func(s snapshot) bool { return len(s.probs) == 1 })
	assert.Equal(t, []string{"vm-1"}, s.targets, "a failing source keeps its last good targets")
	assert.Contains(t, s.probs[0], "502 Bad Gateway")
	fail.Store(false)
	rec.waitFrom(t, rec.calls(), func(s snapshot) bool { return len(s.probs) == 0 && len(s.targets) == 1 })

	cancel()
	require.NoError(t, <-done)
}
