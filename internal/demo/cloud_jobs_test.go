package demo

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/sim"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/jobs"
)

type jobEvents struct {
	mu  sync.Mutex
	evs []collectors.Event
}

func (e *jobEvents) AppendEvents(_ context.Context, evs []collectors.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, evs...)
	return nil
}

// seen reports which job/event pairs arrived.
func (e *jobEvents) seen() map[string]bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]bool{}
	for _, ev := range e.evs {
		out[ev.Labels["job"]+"/"+ev.Labels["event"]] = true
	}
	return out
}

// The demo's job watch takes the simulated cloud's pushes: a real
// rules/jobs.Service over a state database, behind its real push handler,
// records the runs that succeeded and the one that failed. The clock runs
// 120 times fast from just before a slot in which the failing job fails.
func TestDemoJobsTakeTheSimulatorsPushes(t *testing.T) {
	dir := t.TempDir()
	cfg, tokens, err := demoJobs(dir)
	require.NoError(t, err)
	require.Len(t, cfg, len(sim.DemoJobs()))
	for _, j := range cfg {
		b, err := os.ReadFile(j.TokenFile)
		require.NoError(t, err)
		assert.Equal(t, tokens[j.Name]+"\n", string(b), "the token file holds the sim's token")
		assert.True(t, filepath.IsAbs(j.TokenFile))
	}

	// A 10-minute slot whose number is 1 modulo 3: the failing job fails in it.
	slot := time.Now().Add(time.Hour).Truncate(30 * time.Minute).Add(10 * time.Minute)
	for slot.Unix()/600%3 != 1 {
		slot = slot.Add(10 * time.Minute)
	}
	base, realStart := slot.Add(-30*time.Second), time.Now()
	clock := func() time.Time { return base.Add(120 * time.Since(realStart)) }

	db, err := statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	ev := &jobEvents{}
	svc, err := jobs.New(cfg, db, jobs.WithClock(clock), jobs.WithEvents(ev))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/jobs/{name}/runs", svc.ServePush)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	s, err := sim.New(sim.Options{VMs: 20, Seed: 1, OfflineShare: -1, Now: clock,
		Cloud: &sim.CloudOptions{SecretsDir: filepath.Join(dir, "cloud-secrets")}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	<-s.Ready()
	s.SetJobPushURL(srv.URL, tokens)

	want := []string{"ybjs-db-backup/failed", "oa-db-backup/succeeded", "sjjh-hourly-sync/succeeded", "vm-snapshot/succeeded"}
	require.Eventually(t, func() bool {
		got := ev.seen()
		for _, w := range want {
			if !got[w] {
				return false
			}
		}
		return true
	}, 30*time.Second, 100*time.Millisecond, "events %v", ev.seen())

	// The clock runs 120× fast: by now a job's next run may have begun, so
	// its last run can read running; what stays is what the store kept.
	views := map[string]jobs.JobView{}
	for _, v := range svc.List() {
		views[v.Name] = v
	}
	for _, name := range []string{"oa-db-backup", "sjjh-hourly-sync", "vm-snapshot"} {
		v := views[name]
		require.NotNil(t, v.LastRun, name)
		assert.Contains(t, []string{jobs.StatusSuccess, jobs.StatusRunning}, v.LastRun.Status, name)
		assert.Equal(t, "push", v.LastRun.Source, name)
		assert.False(t, v.LastSuccessAt.IsZero(), name)
	}
	require.NotNil(t, views["ybjs-db-backup"].LastRun)
	assert.Equal(t, "push", views["ybjs-db-backup"].LastRun.Source)
}
