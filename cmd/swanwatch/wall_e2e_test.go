package main

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/demo"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// shotDir is where the wall's screenshots go (a CI artifact; looked at by a
// person, see the README).
var shotDir = filepath.Join("..", "..", "build", "wall")

// wallDemo runs the demo. The first start listens on 127.0.0.1:0; a restart
// takes the address the first one got, so that the page left open sees its
// server come back where it was.
type wallDemo struct {
	dir, listen string
	login, sim  string
	stop        func()
}

func (w *wallDemo) start(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan [2]string, 2)
	done := make(chan error, 1)
	listen := cmp.Or(w.listen, "127.0.0.1:0")
	go func() {
		done <- runDemo(ctx, demo.Options{DataDir: w.dir, Listen: listen, VMs: 60, Interval: 2 * time.Second,
			WANScale: 0.05, FaultAfter: -1, WallDwell: 5 * time.Second, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Ready:     func(server, sim, _ string) { ready <- [2]string{server, sim} },
			WallReady: func(u string) { ready <- [2]string{"wall", u} }})
	}()
	for range 2 {
		select {
		case r := <-ready:
			if r[0] != "wall" {
				u, err := url.Parse(r[0])
				require.NoError(t, err)
				w.listen, w.sim = u.Host, r[1]
			} else {
				w.login = r[1]
			}
		case err := <-done:
			t.Fatalf("demo stopped: %v", err)
		case <-time.After(60 * time.Second):
			t.Fatal("demo did not start within 60s")
		}
	}
	w.stop = func() { cancel(); require.NoError(t, <-done) }
}

// wallState is window.__wall.
type wallState struct {
	Scene     string            `json:"scene"`  // the first column's
	Scenes    []string          `json:"scenes"` // every column's
	Seq       map[string]uint64 `json:"seq"`
	Connected bool              `json:"connected"`
	Stale     bool              `json:"stale"`
}

func readWall(t *testing.T, ctx context.Context) wallState {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__wall || {})`))
	require.NoError(t, err)
	var st wallState
	require.NoError(t, json.Unmarshal([]byte(raw), &st))
	return st
}

func kpiText(t *testing.T, ctx context.Context, panel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
		`(document.querySelector('[data-panel=%q] .value') || {}).textContent || ""`, panel)))
	require.NoError(t, err)
	return s
}

func shoot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(shotDir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(shotDir, name), png, 0o644))
	assert.Greater(t, len(png), 50_000, "%s is a real picture, not a blank page", name)
}

// The wall in a real browser, as the tests ask: it logs in with a
// screen token, shows live numbers, follows a value pushed after load, draws
// every scene at 1920×1080 and the city at 3840×2160 (saved under
// build/wall), shows 数据延迟 while the server is down and recovers by
// itself when it comes back.
func TestWallInChromium(t *testing.T) {
	t.Parallel()
	w := &wallDemo{dir: t.TempDir()}
	w.start(t)
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			w.stop()
		}
	})
	ctx := testpeer.Chromium(t, 1920, 1080)
	_, err := chromedp.Run(ctx, chromedp.Navigate(w.login))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080)) // the window's frame would take some of it
	require.NoError(t, err)
	base := "http://" + w.listen + "/wall/?screen=" + url.QueryEscape("大屏")
	waitWall := func(what string, ok func(wallState) bool) {
		t.Helper()
		require.Eventually(t, func() bool { return ok(readWall(t, ctx)) }, 90*time.Second, 250*time.Millisecond, what)
	}
	open := func(scene string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Navigate(base+"&scene="+scene))
		require.NoError(t, err)
		waitWall(scene+" connected with data", func(s wallState) bool { return s.Connected && s.Scene == scene && s.Seq[scene] > 0 })
	}

	open("city")
	require.Eventually(t, func() bool { v := kpiText(t, ctx, "agent-online"); return v != "" && v != "—" },
		60*time.Second, 250*time.Millisecond, "the city's agent online rate is on the wall")
	before := kpiText(t, ctx, "agent-online")
	forceOffline(t, w.sim, 20)
	require.Eventually(t, func() bool { return kpiText(t, ctx, "agent-online") != before }, 60*time.Second, 250*time.Millisecond,
		"a value pushed after load reaches the page (was %s)", before)
	t.Logf("agent online rate on the wall: %s → %s", before, kpiText(t, ctx, "agent-online"))

	time.Sleep(3 * time.Second) // counters flip and charts animate in
	shoot(t, ctx, "city-1920x1080.png")
	for _, scene := range []string{"wan", "cloud", "rooms", "duty"} {
		open(scene)
		time.Sleep(3 * time.Second)
		shoot(t, ctx, scene+"-1920x1080.png")
	}
	open("swanlake")
	require.Eventually(t, func() bool { return parkDrawn(t, ctx) }, 90*time.Second, 500*time.Millisecond,
		"the scenic area's camera wall shows loaded thumbnails and its plan coloured devices")
	time.Sleep(2 * time.Second)
	shoot(t, ctx, "swanlake-1920x1080.png")
	open("city")
	_, err = chromedp.Run(ctx, chromedp.EmulateViewport(3840, 2160))
	require.NoError(t, err)
	time.Sleep(3 * time.Second)
	shoot(t, ctx, "city-3840x2160.png")
	_, err = chromedp.Run(ctx, chromedp.EmulateViewport(1920, 1080))
	require.NoError(t, err)

	w.stop()
	stopped = true
	waitWall("数据延迟 while the server is down", func(s wallState) bool { return !s.Connected && s.Stale })
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("stale").hidden`))
	require.NoError(t, err)
	assert.False(t, hidden, "the 数据延迟 marker is visible")
	shoot(t, ctx, "city-stale-1920x1080.png")

	w.start(t)
	stopped = false
	waitWall("the page reconnects by itself and the marker goes", func(s wallState) bool { return s.Connected && !s.Stale })

	// Unpinned, the screen rotates its playlist (city, wan, cloud, rooms, swanlake, duty) every dwell.
	_, err = chromedp.Run(ctx, chromedp.Navigate(base))
	require.NoError(t, err)
	seen := map[string]bool{}
	require.Eventually(t, func() bool {
		if s := readWall(t, ctx); s.Connected && s.Scene != "" {
			seen[s.Scene] = true
		}
		return len(seen) == 6
	}, 70*time.Second, 200*time.Millisecond, "the playlist rotates through the six scenes (saw %v)", seen)
	cols := readColumns(t, ctx)
	require.Len(t, cols, 1, "a 16:9 screen has one column")
	assert.Equal(t, playlistTabs, cols[0].Tabs, "the tabs read the scenes' titles, not their ids")
	assert.Equal(t, sceneTitles[cols[0].Scene], cols[0].Title)
	assert.InDelta(t, 1920, cols[0].W, 1)
}

// parkDrawn reports whether the 天鹅湖景区 scene shows at least four camera
// thumbnails that really loaded (an image with a size, served through the
// screen cookie) and a plan whose devices have states from the server.
func parkDrawn(t *testing.T, ctx context.Context) bool {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const imgs = [...document.querySelectorAll('[data-panel="cameras"] .cam-img')]
			.filter((i) => i.complete && i.naturalWidth > 0);
		const known = [...document.querySelectorAll('[data-panel="plan"] .plan-point')]
			.filter((g) => !g.classList.contains("state-unknown"));
		return imgs.length >= 4 && known.length >= 20;
	})()`))
	require.NoError(t, err)
	return ok
}

// forceOffline takes n agents of the simulator offline (503).
func forceOffline(t *testing.T, sim string, n int) {
	t.Helper()
	resp, err := http.Get(sim + "/inventory")
	require.NoError(t, err)
	defer resp.Body.Close()
	var inv struct {
		Targets []struct{ Name, Kind string } `json:"targets"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&inv))
	done := 0
	for _, tg := range inv.Targets {
		if tg.Kind != "agent" || done == n {
			continue
		}
		r, err := http.Post(sim+"/control/vm/"+tg.Name+"/offline", "", nil)
		require.NoError(t, err)
		r.Body.Close()
		require.Equal(t, http.StatusOK, r.StatusCode)
		done++
	}
	require.Equal(t, n, done)
}
