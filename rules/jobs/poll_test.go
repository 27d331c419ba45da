package jobs

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lastRunTool answers its last run as JSON, the documented shape, behind a
// bearer token: the tools that expose a status page instead of pushing.
type lastRunTool struct {
	mu     sync.Mutex
	body   string
	code   int
	hits   int
	bearer string
}

func (l *lastRunTool) set(code int, body string) {
	l.mu.Lock()
	l.code, l.body = code, body
	l.mu.Unlock()
}

func (l *lastRunTool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.hits++
	l.bearer = r.Header.Get("Authorization")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(l.code)
	_, _ = w.Write([]byte(l.body))
}

func TestPollRecordsTheToolsLastRun(t *testing.T) {
	tool := &lastRunTool{code: http.StatusOK}
	srv := httptest.NewServer(tool)
	defer srv.Close()
	dir := t.TempDir()
	j := Job{Name: "nbu-policy-oa", System: "协同办公", Kind: KindBackup, Schedule: "0 1 * * *",
		MaxDuration: 3 * time.Hour, Poll: &Poll{URL: srv.URL + "/last?policy=oa",
			BearerTokenFile: writeToken(t, dir, "tool", "tool-api-key")}}
	f := newFixture(t, at(2026, 12, 7, 0, 0), j)
	ctx := context.Background()
	pj := f.svc.jobs["nbu-policy-oa"]

	f.clock.set(at(2026, 12, 7, 1, 5))
	tool.set(http.StatusOK, `{"status":"running","started_at":"2026-12-07T01:00:00+08:00"}`)
	require.NoError(t, f.svc.pollOnce(ctx, pj))
	assert.Equal(t, "Bearer tool-api-key", tool.bearer)
	require.NoError(t, f.svc.pollOnce(ctx, pj), "the same running run again")
	assert.Empty(t, f.events.take())
	assert.True(t, f.svc.List()[0].Running)

	f.clock.set(at(2026, 12, 7, 2, 30))
	tool.set(http.StatusOK, `{"status":"failed","started_at":"2026-12-07T01:00:00+08:00",
		"finished_at":"2026-12-07T02:29:00+08:00","message":"status 96: unable to allocate media"}`)
	require.NoError(t, f.svc.pollOnce(ctx, pj))
	require.NoError(t, f.svc.pollOnce(ctx, pj))
	evs := f.events.take()
	require.Equal(t, []string{EventFailed}, kinds(evs), "one run, one event, however often it is polled")
	assert.Contains(t, evs[0].Text, "status 96")

	tool.set(http.StatusInternalServerError, `oops`)
	assert.ErrorContains(t, f.svc.pollOnce(ctx, pj), "HTTP 500")
	tool.set(http.StatusOK, `{"status":"success","message":"`+strings.Repeat("x", MaxBodyBytes)+`"}`)
	assert.ErrorContains(t, f.svc.pollOnce(ctx, pj), "larger than")
	srv.Close()
	err := f.svc.pollOnce(ctx, pj)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "policy=oa", "the URL (and a key in its query) is not repeated")
}

// Run polls on its own, checks at once, and stops with its context.
func TestRunPollsAndStops(t *testing.T) {
	tool := &lastRunTool{code: http.StatusOK, body: `{"status":"success","started_at":"2026-12-07T01:00:00+08:00",
		"finished_at":"2026-12-07T01:30:00+08:00"}`}
	srv := httptest.NewServer(tool)
	defer srv.Close()
	j := Job{Name: "polled", System: "协同办公", Schedule: "0 1 * * *", MaxDuration: time.Hour,
		Poll: &Poll{URL: srv.URL, Interval: time.Minute}}
	f := newFixture(t, at(2026, 12, 7, 0, 0), j)
	f.clock.set(at(2026, 12, 7, 1, 40))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.svc.Run(ctx) }()
	require.Eventually(t, func() bool { return f.svc.List()[0].LastRun != nil }, 10*time.Second, 10*time.Millisecond)
	require.Eventually(t, func() bool { _, ok := f.series.get(seriesLastStatus, "polled"); return ok },
		10*time.Second, 10*time.Millisecond)
	assert.Equal(t, []string{EventSucceeded}, kinds(f.events.take()))
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop with its context")
	}
}
