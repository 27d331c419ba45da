package logstore

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeLoki answers pushes with scripted status codes (the faults VictoriaLogs cannot
// be made to produce on demand) and keeps the decoded requests.
type fakeLoki struct {
	mu      sync.Mutex
	script  []int // status per request; 204 once exhausted
	reqs    []push.PushRequest
	headers []http.Header
}

func (f *fakeLoki) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	raw, err := snappy.Decode(nil, body)
	var req push.PushRequest
	if err == nil {
		err = req.Unmarshal(raw)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.reqs, f.headers = append(f.reqs, req), append(f.headers, r.Header.Clone())
	code := http.StatusNoContent
	if len(f.script) > 0 {
		code, f.script = f.script[0], f.script[1:]
	}
	w.WriteHeader(code)
}

func (f *fakeLoki) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.reqs)
}

func TestLokiRetriesOn5xxAnd429AndDrops4xx(t *testing.T) {
	fake := &fakeLoki{script: []int{503, 429, 204, 400}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := fastLoki(srv.URL + "/loki/api/v1/push")
	o.Username, o.Password, o.TenantID = "swan", "s3cret", "sanmenxia"
	s := openTest(t, t.TempDir(), nil, o)
	before := [3]uint64{lokiFailed5xx.Get(), lokiFailed429.Get(), lokiDropped4xx.Get()}
	now := time.Now()
	require.NoError(t, s.Append(context.Background(),
		ev(now, "b2", "kind", "b"), ev(now.Add(-time.Second), "a1", "kind", "a"), ev(now.Add(-2*time.Second), "b1", "kind", "b"),
	))
	runStore(t, s)
	require.Eventually(t, func() bool { return fake.count() == 3 }, waitFor, 10*time.Millisecond)

	req, hdr := fake.reqs[2], fake.headers[2]
	assert.Equal(t, "application/x-protobuf", hdr.Get("Content-Type"))
	assert.Equal(t, "sanmenxia", hdr.Get("X-Scope-OrgID"))
	user, pass, ok := (&http.Request{Header: hdr}).BasicAuth()
	assert.True(t, ok)
	assert.Equal(t, []string{"swan", "s3cret"}, []string{user, pass})
	require.Len(t, req.Streams, 2, "one stream per label set")
	assert.Equal(t, `{kind="a", source="swanwatch"}`, req.Streams[0].Labels)
	assert.Equal(t, `{kind="b", source="swanwatch"}`, req.Streams[1].Labels)
	assert.Equal(t, []string{"b1", "b2"}, lines(req.Streams[1]), "entries sorted by time within a stream")
	assert.Equal(t, before[0]+1, lokiFailed5xx.Get())
	assert.Equal(t, before[1]+1, lokiFailed429.Get())

	// The next batch meets a 400: dropped and counted, and the queue moves on.
	require.NoError(t, s.Append(context.Background(), ev(time.Now(), "rejected", "kind", "c")))
	require.Eventually(t, func() bool { return lokiDropped4xx.Get() == before[2]+1 }, waitFor, 10*time.Millisecond)
	require.NoError(t, s.Append(context.Background(), ev(time.Now(), "after", "kind", "c")))
	require.Eventually(t, func() bool { return fake.count() == 5 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, []string{"after"}, lines(fake.reqs[4].Streams[0]))
	require.Eventually(t, func() bool { return s.pusher.spool.Pending() == 0 }, waitFor, 10*time.Millisecond)
}

func TestAppendNeverWaitsForAHungReceiver(t *testing.T) {
	release, arrived := make(chan struct{}), make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case arrived <- struct{}{}:
		default:
		}
		<-release
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	defer close(release) // unblock the handler before the server and the pusher stop
	o := fastLoki(srv.URL)
	o.Timeout = time.Minute
	s := openTest(t, t.TempDir(), nil, o)
	runStore(t, s)
	require.NoError(t, s.Append(context.Background(), ev(time.Now(), "first", "kind", "x")))
	<-arrived // the pusher now hangs inside a request
	for i := range 100 {
		require.NoError(t, s.Append(context.Background(), ev(time.Now(), "while hung", "kind", "x", "i", string(rune('a'+i%26)))))
	}
	got, err := s.Query(context.Background(), Query{Start: time.Now().Add(-time.Minute), End: time.Now(), Text: "while hung"})
	require.NoError(t, err)
	assert.Len(t, got, 100)
	assert.Positive(t, s.pusher.spool.Pending())
}

func TestLokiOptionsValidation(t *testing.T) {
	for name, o := range map[string]LokiOptions{
		"no url":        {},
		"relative url":  {URL: "/push"},
		"ftp":           {URL: "ftp://x/push"},
		"both auths":    {URL: "http://x", Username: "u", BearerToken: "t"},
		"bad extra":     {URL: "http://x", ExtraLabels: map[string]string{"a-b": "c"}},
		"batch too big": {URL: "http://x", BatchSize: 1 << 20},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Open(Options{Dir: t.TempDir(), Loki: &o})
			require.Error(t, err)
		})
	}
	_, err := Open(Options{Dir: t.TempDir(), Loki: &LokiOptions{URL: "http://user:hunter2@[::1"}})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2", "credentials never reach an error string")
}

func lines(st push.Stream) []string {
	var out []string
	for _, e := range st.Entries {
		out = append(out, e.Line)
	}
	return slices.Clip(out)
}

func TestBearerTokenHeader(t *testing.T) {
	fake := &fakeLoki{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	o := fastLoki(srv.URL)
	o.BearerToken, o.ExtraLabels = "tok-123", nil
	s := openTest(t, t.TempDir(), nil, o)
	runStore(t, s)
	require.NoError(t, s.Append(context.Background(), ev(time.Now(), "x")))
	require.Eventually(t, func() bool { return fake.count() == 1 }, waitFor, 10*time.Millisecond)
	fake.mu.Lock()
	defer fake.mu.Unlock()
	assert.Equal(t, "Bearer tok-123", fake.headers[0].Get("Authorization"))
	assert.Equal(t, `{job="swanwatch"}`, fake.reqs[0].Streams[0].Labels, "Loki needs a label")
}

// TestLokiSpoolSurvivesRestart: events the receiver did not confirm before a
// shutdown are pushed after the next Open, each once.
func TestLokiSpoolSurvivesRestart(t *testing.T) {
	fake := &fakeLoki{script: slices.Repeat([]int{http.StatusServiceUnavailable}, 1000)}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, Loki: fastLoki(srv.URL)})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); assert.NoError(t, s.Run(ctx)) }()
	var batch []Event
	for i := range 30 {
		batch = append(batch, ev(time.Now(), fmt.Sprintf("重启前的事件 %02d", i), "kind", "state"))
	}
	require.NoError(t, s.Append(context.Background(), batch...))
	require.Eventually(t, func() bool { return fake.count() > 0 }, waitFor, 10*time.Millisecond)
	cancel()
	<-done
	require.NoError(t, s.Close())

	fake.mu.Lock()
	fake.script, fake.reqs = nil, nil // the receiver is back
	fake.mu.Unlock()
	s2 := openTest(t, dir, nil, fastLoki(srv.URL))
	runStore(t, s2)
	// The receiver counts a push when it answers; the pusher confirms and trims
	// the spool only once the answer is back, so wait for both.
	require.Eventually(t, func() bool { return received(fake) == 30 && s2.pusher.spool.Pending() == 0 }, waitFor, 10*time.Millisecond)
	assert.Equal(t, 30, received(fake), "each event once")
}

// received counts the entries of the pushes the fake accepted.
func received(f *fakeLoki) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.reqs {
		for _, st := range r.Streams {
			n += len(st.Entries)
		}
	}
	return n
}

// TestLokiSpoolBoundCountsDropped: with the receiver away, the spool stays in
// its bound by dropping the oldest events, and counts exactly those.
func TestLokiSpoolBoundCountsDropped(t *testing.T) {
	o := fastLoki("http://127.0.0.1:9/loki/api/v1/push") // never contacted: the pusher does not run
	o.MaxSpoolBytes = 16 << 10
	s := openTest(t, t.TempDir(), nil, o)
	before := lokiDroppedFull.Get()
	now := time.Now()
	for i := range 100 {
		var evs []Event
		for j := range 10 {
			evs = append(evs, ev(now, fmt.Sprintf("事件 %04d", i*10+j), "kind", "trap"))
		}
		require.NoError(t, s.Append(context.Background(), evs...))
		require.LessOrEqual(t, s.pusher.spool.Bytes(), int64(16<<10))
	}
	dropped := int(lokiDroppedFull.Get() - before)
	require.Positive(t, dropped)
	var kept []string
	for {
		b, err := s.pusher.spool.Next(100)
		require.NoError(t, err)
		if b == nil {
			break
		}
		for _, r := range b.Records {
			_, _, text, err := decodeFull(r.Data)
			require.NoError(t, err)
			kept = append(kept, text)
		}
		s.pusher.spool.Ack(b)
	}
	assert.Equal(t, 1000, dropped+len(kept), "every event is either kept or counted as dropped")
	assert.Equal(t, fmt.Sprintf("事件 %04d", dropped), kept[0], "the oldest were dropped")
	assert.Equal(t, "事件 0999", kept[len(kept)-1])
}
