package storage

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang/snappy"
	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeReceiver speaks remote-write on 127.0.0.1:0 for faults a real receiver
// cannot be made to produce. answer picks the status for the n-th request (from 1).
type fakeReceiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests int
	samples  int
	headers  []http.Header
	answer   func(n int) int
}

func newFakeReceiver(t *testing.T, answer func(n int) int) *fakeReceiver {
	f := &fakeReceiver{answer: answer}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeReceiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 32<<20))
	f.mu.Lock()
	f.requests++
	n := f.requests
	f.headers = append(f.headers, r.Header.Clone())
	status := f.answer(n)
	if status/100 == 2 {
		f.samples += decodeSamples(body)
	}
	f.mu.Unlock()
	w.WriteHeader(status)
	_, _ = io.WriteString(w, http.StatusText(status))
}

// decodeSamples counts the samples of a request; -1e6 marks a bad body so that
// totals cannot match by accident.
func decodeSamples(body []byte) int {
	raw, err := snappy.Decode(nil, body)
	if err != nil {
		return -1e6
	}
	var req prompb.WriteRequest
	if req.Unmarshal(raw) != nil {
		return -1e6
	}
	n := 0
	for _, ts := range req.Timeseries {
		n += len(ts.Samples)
	}
	return n
}

func (f *fakeReceiver) stats() (requests, samples int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests, f.samples
}

func fakeOptions(name, url string) RemoteWriteOptions {
	return RemoteWriteOptions{Name: name, URL: url, BatchSize: 50, FlushInterval: 10 * time.Millisecond,
		MaxBackoff: 50 * time.Millisecond, Timeout: waitFor, MaxSpoolBytes: 1 << 20}
}

func TestRemoteWriteHeadersAndAuth(t *testing.T) {
	for _, tc := range []struct {
		name     string
		set      func(*RemoteWriteOptions)
		wantAuth string
	}{
		{"bearer", func(o *RemoteWriteOptions) { o.BearerToken = "tok" }, "Bearer tok"},
		{"basic", func(o *RemoteWriteOptions) { o.Username, o.Password = "sw", "pw" }, "Basic c3c6cHc="},
		{"none", func(*RemoteWriteOptions) {}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeReceiver(t, func(int) int { return http.StatusNoContent })
			o := fakeOptions("fake", f.URL)
			tc.set(&o)
			s := openTest(t, Options{RemoteWrite: []RemoteWriteOptions{o}})
			runStorage(t, s)
			require.NoError(t, s.Append(context.Background(), time.Now(), round("m", 0, 10)))
			require.Eventually(t, func() bool { _, n := f.stats(); return n == 10 }, waitFor, tick)
			h := f.headers[0]
			assert.Equal(t, "snappy", h.Get("Content-Encoding"))
			assert.Equal(t, "application/x-protobuf", h.Get("Content-Type"))
			assert.Equal(t, "0.1.0", h.Get("X-Prometheus-Remote-Write-Version"))
			assert.Equal(t, tc.wantAuth, h.Get("Authorization"))
		})
	}
}

// TestRemoteWriteStatusHandling: 4xx drops the batch at once and counts it;
// 429, 5xx retry until the receiver takes the batch.
func TestRemoteWriteStatusHandling(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		answer                   func(n int) int
		wantRequests, wantStored int
		wantRejected, wantFailed uint64
	}{
		{"400 dropped", func(int) int { return http.StatusBadRequest }, 1, 0, 40, 0},
		{"429 then ok", seq(429, 204), 2, 40, 0, 40},
		{"503 502 then ok", seq(503, 502, 204), 3, 40, 0, 80},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeReceiver(t, tc.answer)
			s := openTest(t, Options{RemoteWrite: []RemoteWriteOptions{fakeOptions("fake", f.URL)}})
			runStorage(t, s)
			q := s.queues[0]
			require.NoError(t, s.Append(context.Background(), time.Now(), round("m", 0, 40)))
			require.Eventually(t, func() bool { return q.m.sent.Get()+q.m.dropRejected.Get() == 40 }, waitFor, tick)
			reqs, stored := f.stats()
			assert.Equal(t, tc.wantRequests, reqs)
			assert.Equal(t, tc.wantStored, stored)
			assert.Equal(t, tc.wantRejected, q.m.dropRejected.Get())
			assert.Equal(t, tc.wantFailed, q.m.failed.Get())
		})
	}
}

// seq answers the given statuses in turn, then the last one forever.
func seq(statuses ...int) func(n int) int {
	return func(n int) int { return statuses[min(n, len(statuses))-1] }
}

// TestSlowReceiverNeverBlocksAppend: with a receiver that hangs, Append keeps
// returning and the rounds end up in the spool.
func TestSlowReceiverNeverBlocksAppend(t *testing.T) {
	release := make(chan struct{})
	var hung atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		<-release
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	o := fakeOptions("slow", srv.URL)
	o.Timeout = time.Hour // the request hangs for the whole test
	s := openTest(t, Options{RemoteWrite: []RemoteWriteOptions{o}})
	runStorage(t, s)
	q := s.queues[0]
	base := time.Now()
	for i := range 3 * inQueueLen {
		require.NoError(t, s.Append(context.Background(), base.Add(time.Duration(i)*time.Millisecond), round("m", i, 5)))
	}
	require.Eventually(t, func() bool { return hung.Load() > 0 && q.spool.Bytes() > 0 }, waitFor, tick)
	assert.Equal(t, uint64(0), q.m.sent.Get())
}

// TestSpoolSurvivesRestart: what could not be sent before shutdown (in memory
// or spooled) is sent after the next Open.
func TestSpoolSurvivesRestart(t *testing.T) {
	var up atomic.Bool
	f := newFakeReceiver(t, func(int) int {
		if up.Load() {
			return http.StatusNoContent
		}
		return http.StatusServiceUnavailable
	})
	dir := t.TempDir()
	opts := Options{Dir: dir, RemoteWrite: []RemoteWriteOptions{fakeOptions("fake", f.URL)}}
	s, err := Open(opts)
	require.NoError(t, err)
	stop := runStorage(t, s)
	base := time.Now()
	for i := range 20 {
		require.NoError(t, s.Append(context.Background(), base.Add(time.Duration(i)*time.Second), round("m", i, 30)))
	}
	require.Eventually(t, func() bool { r, _ := f.stats(); return r > 0 }, waitFor, tick)
	stop()
	require.NoError(t, s.Close())

	up.Store(true)
	s2 := openTest(t, opts)
	runStorage(t, s2)
	// The receiver counts a batch when it answers; the queue counts it and
	// trims the spool only once the answer is back, so wait for both.
	q := s2.queues[0]
	require.Eventually(t, func() bool {
		_, n := f.stats()
		return n == 600 && q.m.sent.Get() == 600 && q.spool.Bytes() == 0
	}, waitFor, tick)
	_, n := f.stats()
	assert.Equal(t, 600, n, "nothing is sent twice")
}
