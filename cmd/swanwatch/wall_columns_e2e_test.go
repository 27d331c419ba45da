package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// wallColumn is one column of the page as the browser laid it out.
type wallColumn struct {
	X, Y, W, H float64  // the column's box on the screen, CSS pixels
	Scene      string   // data-scene: the scene it shows
	Title      string   // its heading
	Tabs       []string // the playlist tabs it shows
	SceneW     float64  // the width of the scene's grid inside it
	Panels     int      // panels drawn in it
}

// readColumns measures every column of the page.
func readColumns(t *testing.T, ctx context.Context) []wallColumn {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(
		[...document.querySelectorAll("#columns .column")].map((c) => {
			const r = c.getBoundingClientRect();
			const s = c.querySelector(".scene:not([hidden])");
			return { X: r.left, Y: r.top, W: r.width, H: r.height, Scene: c.dataset.scene || "",
				Title: c.querySelector(".scene-title").textContent,
				Tabs: [...c.querySelectorAll(".playlist span")].map((e) => e.textContent),
				SceneW: s ? s.getBoundingClientRect().width : 0, Panels: s ? s.querySelectorAll(".panel").length : 0 };
		}))`))
	require.NoError(t, err)
	var cols []wallColumn
	require.NoError(t, json.Unmarshal([]byte(raw), &cols))
	return cols
}

// sceneTitles are the shipped scenes' titles, in the default playlist's order.
var sceneTitles = map[string]string{"city": "全市总览", "wan": "电子政务外网", "cloud": "政务云", "rooms": "机房与硬件",
	"swanlake": "天鹅湖景区", "duty": "告警与值班"}

var playlistTabs = []string{"全市总览", "电子政务外网", "政务云", "机房与硬件", "天鹅湖景区", "告警与值班"}

// Walls wider than 16:9 in a real browser: a 32:9 wall (7680×2160) with two
// columns and a 48:9 one (5760×1080) with three are covered edge to edge by
// their columns, each showing another scene under its own title, each
// rotating on its own; the tabs read the scenes' titles. Screenshots go to
// build/wall.
func TestWallColumnsInChromium(t *testing.T) {
	w := &wallDemo{dir: t.TempDir()}
	w.start(t)
	t.Cleanup(w.stop)
	ctx := testpeer.Chromium(t, 1920, 1080)
	_, err := chromedp.Run(ctx, chromedp.Navigate(w.login))
	require.NoError(t, err)
	base := "http://" + w.listen + "/wall/?screen=" + url.QueryEscape("大屏")
	// The agents' first rates take a few rounds; the pictures should show them.
	_, err = chromedp.Run(ctx, chromedp.Navigate(base+"&scene=city"))
	require.NoError(t, err)
	require.Eventually(t, func() bool { v := kpiText(t, ctx, "agent-online"); return v != "" && v != "—" },
		90*time.Second, 250*time.Millisecond, "the city's agent online rate is on the wall")

	for _, tc := range []struct{ w, h, columns int }{{7680, 2160, 2}, {5760, 1080, 3}} {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			_, err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(tc.w), int64(tc.h)))
			require.NoError(t, err)
			_, err = chromedp.Run(ctx, chromedp.Navigate(fmt.Sprintf("%s&columns=%d", base, tc.columns)))
			require.NoError(t, err)
			require.Eventually(t, func() bool {
				s := readWall(t, ctx)
				return s.Connected && !s.Stale && len(s.Scenes) == tc.columns && !slices.Contains(s.Scenes, "")
			}, 90*time.Second, 250*time.Millisecond, "every column shows a scene with fresh data")

			cols := readColumns(t, ctx)
			require.Len(t, cols, tc.columns)
			seen := map[string]bool{}
			for i, c := range cols {
				// The columns tile the viewport: no black band at either side.
				assert.InDelta(t, float64(i*tc.w/tc.columns), c.X, 1, "column %d starts where the one before ends", i)
				assert.InDelta(t, float64(tc.w/tc.columns), c.W, 1, "column %d is a 1/%d of the wall", i, tc.columns)
				assert.InDelta(t, 0, c.Y, 1)
				assert.InDelta(t, float64(tc.h), c.H, 1, "column %d is as high as the wall", i)
				assert.Greater(t, c.SceneW, 0.95*c.W, "column %d's scene fills it", i)
				assert.Positive(t, c.Panels, "column %d draws its scene's panels", i)
				assert.False(t, seen[c.Scene], "column %d repeats scene %s", i, c.Scene)
				seen[c.Scene] = true
				assert.Equal(t, sceneTitles[c.Scene], c.Title, "column %d's heading", i)
				assert.Equal(t, playlistTabs, c.Tabs, "column %d's tabs read the titles", i)
			}
			assert.InDelta(t, float64(tc.w), cols[len(cols)-1].X+cols[len(cols)-1].W, 1, "the last column reaches the right edge")

			time.Sleep(3 * time.Second) // counters flip and charts animate in
			shoot(t, ctx, fmt.Sprintf("columns%d-%dx%d.png", tc.columns, tc.w, tc.h))
			rotatesOnItsOwn(t, ctx, tc.columns)
		})
	}
}

// rotatesOnItsOwn watches the columns (dwell 5s in the demo) until each has
// moved on from its first scene, checking that no two ever show the same one.
func rotatesOnItsOwn(t *testing.T, ctx context.Context, columns int) {
	t.Helper()
	first := readWall(t, ctx).Scenes
	moved := make([]bool, columns)
	var twice []string // the columns' scenes when two showed the same one
	require.Eventually(t, func() bool {
		s := readWall(t, ctx)
		if len(s.Scenes) != columns {
			twice = s.Scenes
			return true
		}
		shown := map[string]bool{}
		for i, id := range s.Scenes {
			if id != "" && shown[id] {
				twice = s.Scenes
				return true
			}
			shown[id] = true
			moved[i] = moved[i] || id != first[i]
		}
		return !slices.Contains(moved, false)
	}, 60*time.Second, 100*time.Millisecond, "every column rotates (started at %v)", first)
	assert.Nil(t, twice, "the columns always show %d different scenes", columns)
}
