package bigscreen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// BenchmarkPublishToDOM measures the wall's own share of sample-to-screen
// latency in a real headless Chromium: from Hub.Publish of a new value to
// the value's text changing in the page's DOM (hub, WebSocket, render). The
// rest of the path is the collector's poll and the panel's refresh, both
// configured. Run: go test -run X -bench PublishToDOM ./bigscreen/
func BenchmarkPublishToDOM(b *testing.B) {
	hub := NewHub(HubOptions{CheckOrigin: func(*http.Request) bool { return true },
		Screens: func(string) (ScreenConfig, bool) {
			return ScreenConfig{Name: "s", Playlist: []string{"lat"}, Dwell: time.Minute, Fit: "height",
				StaleAfter: 30 * time.Second}, true
		}})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = hub.Run(ctx) }()
	mux := http.NewServeMux()
	mux.Handle("GET /wall/ws", hub)
	mux.Handle("GET /wall/", PageHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	def := &scene.Def{ID: "lat", Title: "延迟", Panels: []scene.Panel{{ID: "v", Title: "值", Type: scene.PanelKPI,
		Grid: scene.Grid{W: 6, H: 3}, Format: "number"}}}
	publish := func(v int) time.Time {
		raw, _ := json.Marshal(scene.KPIData{Value: new(float64(v))})
		at := time.Now()
		hub.Publish(def, map[string]json.RawMessage{"v": raw}, at)
		return at
	}
	publish(0)
	browser := testpeer.Chromium(b, 1920, 1080)
	if _, err := chromedp.Run(browser, chromedp.Navigate(srv.URL+"/wall/?screen=s")); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Run(browser, chromedp.Poll[bool](`(document.querySelector('[data-panel="v"] .value')||{}).textContent === "0"`)); err != nil {
		b.Fatal(err)
	}
	// The page records when each new text shows, by the same host clock.
	if _, err := chromedp.Run(browser, chromedp.Evaluate[bool](`(() => { window.__seen = {};
		const el = document.querySelector('[data-panel="v"] .value');
		new MutationObserver(() => { const t = el.textContent; if (!(t in window.__seen)) window.__seen[t] = Date.now(); })
			.observe(el, {childList: true, subtree: true, characterData: true}); return true; })()`)); err != nil {
		b.Fatal(err)
	}
	sent := map[string]time.Time{}
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		sent[strconv.Itoa(i%900+1)] = publish(i%900 + 1)
		time.Sleep(100 * time.Millisecond)
	}
	b.StopTimer()
	time.Sleep(time.Second)
	raw, err := chromedp.Run(browser, chromedp.Evaluate[string](`JSON.stringify(window.__seen)`))
	if err != nil {
		b.Fatal(err)
	}
	var seen map[string]int64
	if err := json.Unmarshal([]byte(raw), &seen); err != nil {
		b.Fatal(err)
	}
	var lat []float64
	for text, at := range sent {
		ms, ok := seen[text]
		if !ok {
			b.Fatalf("value %s never reached the DOM", text)
		}
		lat = append(lat, float64(ms-at.UnixMilli()))
	}
	slices.Sort(lat)
	q := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	b.ReportMetric(q(0.5), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(lat[len(lat)-1], "max-ms")
	fmt.Printf("publish→DOM over %d values: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n", len(lat), q(0.5), q(0.99), lat[len(lat)-1])
}
