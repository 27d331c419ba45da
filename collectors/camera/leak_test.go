package camera

import (
	"cmp"
	"net/url"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/deepch/vdk/format/rtspv2"
)

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	return len(entries)
}

// TestNoLeakAfterFailingSessions runs 1,000 failing sessions (refused, a silent listener that
// times out, 401 on every request, garbage answers) and checks that every socket and goroutine is
// gone afterwards, and that each session ended by its deadline. vdk alone leaks a socket on each
// of the last three (its Dial returns without closing it), and sleeps a second on the garbage.
func TestNoLeakAfterFailingSessions(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs last, after the fakes stopped
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))
	pw := secretFile(t, "leak-test-pw")
	urls := map[FailureKind]string{FailRefused: closedRTSP(t), FailTimeout: silentRTSP(t),
		FailAuth: unauthorizedRTSP(t), FailProtocol: garbageRTSP(t)}
	kinds := []FailureKind{FailRefused, FailTimeout, FailAuth, FailProtocol}
	// warm up: the fakes' own goroutines and the runtime's pollers exist before the count
	for _, k := range kinds {
		_, _ = round(t, c, camTargetFor("warm", urls[k], map[string]string{"username": "u", "password_file": pw}), 100*time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	fdBefore, grBefore := openFDs(t), runtime.NumGoroutine()

	// the silent listener fails by the deadline; the others fail at once, and get a deadline that a
	// busy machine does not reach first
	const total, parallel, slack = 1000, 25, 2 * time.Second
	deadlines := map[FailureKind]time.Duration{FailTimeout: 150 * time.Millisecond}
	var mu sync.Mutex
	wrong := map[FailureKind]int{}
	var slowest time.Duration
	var wg sync.WaitGroup
	sem := make(chan struct{}, parallel)
	for i := range total {
		k := kinds[i%len(kinds)]
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			start := time.Now()
			deadline := cmp.Or(deadlines[k], 5*time.Second)
			_, err := round(t, c, camTargetFor("leak", urls[k], map[string]string{"username": "u", "password_file": pw}), deadline)
			took := time.Since(start)
			if took > deadline+slack {
				t.Errorf("%s session returned %s after its %s deadline", k, took-deadline, deadline)
			}
			mu.Lock()
			defer mu.Unlock()
			slowest = max(slowest, took)
			if KindOf(err) != k {
				if wrong[k] == 0 {
					t.Logf("%s session: %v (after %s)", k, err, took)
				}
				wrong[k]++
			}
		})
	}
	wg.Wait()
	require.NoError(t, c.Close())
	assert.Empty(t, wrong, "sessions classified as another kind")

	// closed sockets leave the table as soon as the goroutines are gone: wait for that, bounded
	require.Eventually(t, func() bool { return runtime.NumGoroutine() <= grBefore+2 }, 5*time.Second, 20*time.Millisecond,
		"goroutines before %d, now %d", grBefore, runtime.NumGoroutine())
	fdAfter := openFDs(t)
	t.Logf("1000 failing sessions: fds %d → %d, goroutines %d → %d, slowest %s", fdBefore, fdAfter, grBefore, runtime.NumGoroutine(), slowest)
	assert.LessOrEqual(t, fdAfter, fdBefore+2, "open file descriptors grew")
}

// TestVDKAloneLeaks is the control of the test above: vdk's Dial on its own, against the same
// 401 server, leaves one socket open per failed Dial (until the garbage collector finds it), so
// the fd count above does see such leaks.
func TestVDKAloneLeaks(t *testing.T) {
	url := unauthorizedRTSP(t)
	u, err := parseCameraURL(url)
	require.NoError(t, err)
	u.User = urlUser("u", "p")
	// No collection during the loop: the sockets' finalizers would close
	// some of them, and how many depends on the machine's load.
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	before := openFDs(t)
	for range 50 {
		cl, err := rtspv2.Dial(rtspv2.RTSPClientOptions{URL: u.String(), DisableAudio: true,
			DialTimeout: time.Second, ReadWriteTimeout: time.Second})
		require.Error(t, err)
		require.Nil(t, cl)
	}
	leaked := openFDs(t) - before
	t.Logf("50 failed vdk Dials left %d descriptors open (both ends: the server is in this process)", leaked)
	// Every one of them, with the collector off; 0 is what the guarded
	// sessions above must leave.
	assert.GreaterOrEqual(t, leaked, 45)
	runtime.GC() // let the finalizers close them before goleak and the next test look
}

func urlUser(u, p string) *url.Userinfo { return url.UserPassword(u, p) }
